/**
 * The rules of one category, struct-of-arrays: a rule is one subscriber's interest in the
 * category, encoded as predicates (field, operator, bound) in catalogue order. Postings
 * copy a rule's predicates from here (index-postings.ts); the store is what plans and
 * rebuilds read.
 */
import type {
	CategoryInterest,
	InterestField,
	RangeConstraint,
	SetConstraint,
} from "../../domain/interests.ts";
import { grow, resized } from "./typed-arrays.ts";

/** Predicate operators, in the order reasons are given within a field. */
export const opMin = 0;
export const opMax = 1;
export const opIn = 2;
export const opNotIn = 3;
export const opFlag = 4;
/** `{}` on a number or set field: the value must be there; gives no reason. */
export const opHasNumber = 5;
export const opHasText = 6;
/**
 * Not a constraint but the expiry gate: the subscriber's profile holds until `bound` (ms).
 * Only rules filed under a profile above conservative carry one; it is checked against a
 * product that only those profiles suit, and gives no reason.
 */
export const opValidUntil = 7;

interface ListNode {
	id: number;
	next: Map<string, ListNode> | undefined;
}

export class RuleStore {
	readonly fields: InterestField[];
	/** Rules added since the last rebuild, dead ones included; ids are 0 … count − 1. */
	count = 0;
	live = 0;
	slot = new Int32Array(16);
	/** The partition (risk profile × investor category) the rule is filed under. */
	partition = new Uint8Array(16);
	alive = new Uint8Array(16);
	first = new Int32Array(16);
	size = new Uint8Array(16);
	predicates = 0;
	field = new Uint8Array(64);
	op = new Uint8Array(64);
	/** The number for min/max, 0/1 for flags, a list id for in/notIn. */
	bound = new Float64Array(64);
	/** Set lists, each stored once however many rules use it, frozen: reasons share them. */
	lists: (readonly string[])[] = [];
	/** Lists by their values in order, a trie: no key string to build for each rule. */
	#listRoot: ListNode = { id: -1, next: undefined };

	constructor(fields: InterestField[]) {
		this.fields = fields;
	}

	/**
	 * Encodes one category's interest; undefined when no product can ever satisfy it (a NaN
	 * bound, a flag that is not a boolean), so it need not be indexed at all. `validUntil`
	 * (ms), unless NaN, becomes the rule's last predicate: the expiry of its profile.
	 */
	add(
		slot: number,
		partition: number,
		interest: CategoryInterest,
		validUntil = Number.NaN,
	): number | undefined {
		const start = this.predicates;
		try {
			if (!this.#encode(interest)) {
				this.predicates = start;
				return undefined;
			}
		} catch (error) {
			this.predicates = start;
			throw error;
		}
		if (!Number.isNaN(validUntil)) this.#push(0, opValidUntil, validUntil);
		return this.#newRule(slot, partition, start);
	}

	#encode(interest: CategoryInterest): boolean {
		for (let f = 0; f < this.fields.length; f++) {
			const field = this.fields[f] as InterestField;
			const constraint = interest[field.name];
			if (constraint === undefined) continue;
			let possible = true;
			if (field.kind === "boolean") {
				if (typeof constraint === "boolean") this.#push(f, opFlag, constraint ? 1 : 0);
				else possible = false;
			} else if (field.kind === "number") {
				const { min, max } = constraint as RangeConstraint;
				if (min !== undefined) possible = this.#pushBound(field, f, opMin, min);
				if (max !== undefined) possible = this.#pushBound(field, f, opMax, max) && possible;
				if (min === undefined && max === undefined) this.#push(f, opHasNumber, 0);
			} else {
				const { in: within, notIn } = constraint as SetConstraint;
				if (within !== undefined) this.#push(f, opIn, this.#intern(field, within));
				if (notIn !== undefined) this.#push(f, opNotIn, this.#intern(field, notIn));
				if (within === undefined && notIn === undefined) this.#push(f, opHasText, 0);
			}
			if (!possible) return false;
		}
		return true;
	}

	/**
	 * Copies a rule of another store (a rebuild) or of this one, re-interning its lists.
	 * Given a partition, files the copy there without its expiry (a lapsed profile demoted).
	 */
	copy(from: RuleStore, rule: number, slot: number, partition?: number): number {
		const start = this.predicates;
		const end = (from.first[rule] as number) + (from.size[rule] as number);
		for (let p = from.first[rule] as number; p < end; p++) {
			const op = from.op[p] as number;
			const f = from.field[p] as number;
			const bound = from.bound[p] as number;
			if (op === opValidUntil && partition !== undefined) continue;
			if (op === opIn || op === opNotIn)
				this.#push(f, op, this.#intern(this.fields[f] as InterestField, from.lists[bound] as string[]));
			else this.#push(f, op, bound);
		}
		return this.#newRule(slot, partition ?? (from.partition[rule] as number), start);
	}

	kill(rule: number): void {
		if (this.alive[rule] === 0) return;
		this.alive[rule] = 0;
		this.live--;
	}

	bytes(): number {
		const arrays = [
			this.slot,
			this.partition,
			this.alive,
			this.first,
			this.size,
			this.field,
			this.op,
			this.bound,
		];
		return arrays.reduce((sum, array) => sum + array.byteLength, 0);
	}

	/** Room for `rules` more rules and `predicates` more predicates, allocated once. */
	reserve(rules: number, predicates: number): void {
		const needed = this.count + rules;
		if (needed > this.slot.length) {
			this.slot = resized(this.slot, needed);
			this.partition = resized(this.partition, needed);
			this.alive = resized(this.alive, needed);
			this.first = resized(this.first, needed);
			this.size = resized(this.size, needed);
		}
		const room = this.predicates + predicates;
		if (room > this.op.length) {
			this.field = resized(this.field, room);
			this.op = resized(this.op, room);
			this.bound = resized(this.bound, room);
		}
	}

	#newRule(slot: number, partition: number, start: number): number {
		const rule = this.count++;
		if (rule === this.slot.length) {
			this.slot = grow(this.slot, rule + 1);
			this.partition = grow(this.partition, rule + 1);
			this.alive = grow(this.alive, rule + 1);
			this.first = grow(this.first, rule + 1);
			this.size = grow(this.size, rule + 1);
		}
		this.slot[rule] = slot;
		this.partition[rule] = partition;
		this.alive[rule] = 1;
		this.first[rule] = start;
		this.size[rule] = this.predicates - start;
		this.live++;
		return rule;
	}

	#push(f: number, op: number, bound: number): void {
		const p = this.predicates++;
		if (p === this.op.length) {
			this.field = grow(this.field, p + 1);
			this.op = grow(this.op, p + 1);
			this.bound = grow(this.bound, p + 1);
		}
		this.field[p] = f;
		this.op[p] = op;
		this.bound[p] = bound;
	}

	#pushBound(field: InterestField, f: number, op: number, bound: unknown): boolean {
		if (typeof bound !== "number") throw new TypeError(`${field.name}: bounds must be numbers`);
		if (Number.isNaN(bound)) return false;
		this.#push(f, op, bound);
		return true;
	}

	#intern(field: InterestField, list: readonly string[]): number {
		if (!Array.isArray(list)) throw new TypeError(`${field.name}: in and notIn must be lists of texts`);
		let node = this.#listRoot;
		for (const item of list) {
			if (typeof item !== "string") throw new TypeError(`${field.name}: in and notIn must be lists of texts`);
			node.next ??= new Map();
			let next = node.next.get(item);
			if (next === undefined) {
				next = { id: -1, next: undefined };
				node.next.set(item, next);
			}
			node = next;
		}
		if (node.id < 0) {
			node.id = this.lists.length;
			this.lists.push(Object.freeze([...list]));
		}
		return node.id;
	}
}

/** How many predicates the store will encode for an interest (exactly, when it is valid). */
export function predicatesOf(interest: CategoryInterest): number {
	let count = 0;
	for (const name in interest) {
		const constraint = interest[name];
		if (typeof constraint !== "object" || constraint === null) count++;
		else {
			const { min, max } = constraint as RangeConstraint;
			const { in: within, notIn } = constraint as SetConstraint;
			const parts =
				Number(min !== undefined) +
				Number(max !== undefined) +
				Number(within !== undefined) +
				Number(notIn !== undefined);
			count += Math.max(1, parts);
		}
	}
	return count;
}
