/**
 * The posting lists of the interest index. A posting is one rule reached through one access
 * key, and it carries a copy of the rule's predicates: candidates are verified walking
 * memory in order instead of jumping into a million-rule store for each, which is what
 * keeps a match under a millisecond at 1M subscribers (docs/matching.md).
 */
import type { RuleStore } from "./index-rules.ts";
import { grow } from "./typed-arrays.ts";

/** Set on a posting's copy of a predicate that reaching it through its list proves. */
export const implied = 8;

/** Postings struct-of-arrays, each with its rule's predicates in [starts[i], starts[i + 1]). */
export class Postings {
	length = 0;
	/** The bound of the list's range predicate (0 in plain lists). */
	bounds: Float64Array;
	rules: Int32Array;
	/** The subscriber of each posting, so a match reads it in order with the rest. */
	ids: string[] = [];
	starts: Int32Array;
	predicates = 0;
	field: Uint8Array;
	op: Uint8Array;
	bound: Float64Array;

	constructor(capacity = 4, predicateCapacity = 8) {
		this.bounds = new Float64Array(capacity);
		this.rules = new Int32Array(capacity);
		this.starts = new Int32Array(capacity + 1);
		this.field = new Uint8Array(predicateCapacity);
		this.op = new Uint8Array(predicateCapacity);
		this.bound = new Float64Array(predicateCapacity);
	}

	/**
	 * Appends `rule` of subscriber `id`, copying its predicates out of the store. The ones at
	 * `key` and `range` (store positions) are marked `implied`: reaching the posting through
	 * this list already proves them, so verification skips them.
	 */
	append(sortBound: number, store: RuleStore, rule: number, id: string, key = -1, range = -1): void {
		const first = store.first[rule] as number;
		const end = first + (store.size[rule] as number);
		this.#appendFrom(sortBound, rule, id, store, first, end);
		const base = this.predicates - (end - first) - first;
		if (key >= 0) this.op[base + key] = (this.op[base + key] as number) | implied;
		if (range >= 0) this.op[base + range] = (this.op[base + range] as number) | implied;
	}

	bytes(): number {
		const arrays = [this.bounds, this.rules, this.starts, this.field, this.op, this.bound];
		return arrays.reduce((sum, array) => sum + array.byteLength, 0);
	}

	/** Appends posting i of another list (a merge). */
	appendPosting(from: Postings, i: number): void {
		const first = from.starts[i] as number;
		this.#appendFrom(
			from.bounds[i] as number,
			from.rules[i] as number,
			from.ids[i] as string,
			from,
			first,
			from.starts[i + 1] as number,
		);
	}

	#appendFrom(
		sortBound: number,
		rule: number,
		id: string,
		source: { field: Uint8Array; op: Uint8Array; bound: Float64Array },
		first: number,
		end: number,
	): void {
		const i = this.length++;
		if (i === this.rules.length) {
			this.bounds = grow(this.bounds, i + 1);
			this.rules = grow(this.rules, i + 1);
			this.starts = grow(this.starts, this.rules.length + 1);
		}
		const predicates = this.predicates + end - first;
		if (predicates > this.op.length) {
			this.field = grow(this.field, predicates);
			this.op = grow(this.op, predicates);
			this.bound = grow(this.bound, predicates);
		}
		this.bounds[i] = sortBound;
		this.rules[i] = rule;
		this.ids.push(id);
		// A few predicates each: a loop beats three subarray views per posting.
		for (let p = first, to = this.predicates; p < end; p++, to++) {
			this.field[to] = source.field[p] as number;
			this.op[to] = source.op[p] as number;
			this.bound[to] = source.bound[p] as number;
		}
		this.predicates = predicates;
		this.starts[i + 1] = predicates;
	}
}

/** Which bound a list sorts by: `min` (holds when bound ≤ value) or `max` (bound ≥ value). */
export const minSide = 0;
export const maxSide = 1;
/** The field of a plain list: rules with no range worth sorting by, each one verified. */
export const plain = -1;

/**
 * The postings under one access key whose chosen range predicate is on one field and side,
 * sorted by bound: for a value v the rules with `min ≤ v` are a prefix and those with
 * `max ≥ v` a suffix, found by binary search. Rules added after the last sort wait in a
 * small unsorted delta that every match scans, until it is merged in.
 */
export class PostingList {
	readonly field: number;
	readonly side: number;
	sorted = new Postings(0, 0);
	delta = new Postings();
	/** Postings and predicates announced before a bulk fill, so the arrays are sized once. */
	reserved = 0;
	reservedPredicates = 0;

	constructor(field: number, side: number) {
		this.field = field;
		this.side = side;
	}

	/**
	 * The delta is merged once it outgrows `limit` and an eighth of the list: a match compares
	 * at most that many more bounds, and each addition pays for about 9 copies in merges.
	 */
	wantsMerge(limit: number): boolean {
		return this.field !== plain && this.delta.length > Math.max(limit, this.sorted.length >> 3);
	}

	/** Sized for what was reserved; the caller then appends in bound order. */
	allocate(): void {
		this.sorted = new Postings(this.reserved, this.reservedPredicates);
		this.reserved = 0;
		this.reservedPredicates = 0;
	}

	/** Sorts the delta into the sorted part: O(n + d log d), into exactly sized arrays. */
	merge(): void {
		const delta = this.delta;
		const added = delta.length;
		if (added === 0) return;
		const old = this.sorted;
		const merged = new Postings(old.length + added, old.predicates + delta.predicates);
		const order = this.field === plain ? undefined : sortedOrder(delta.bounds, added);
		let i = 0;
		for (let j = 0; j < added; j++) {
			const at = order === undefined ? j : (order[j] as number);
			const bound = delta.bounds[at] as number;
			while (i < old.length && (old.bounds[i] as number) <= bound) merged.appendPosting(old, i++);
			merged.appendPosting(delta, at);
		}
		while (i < old.length) merged.appendPosting(old, i++);
		this.sorted = merged;
		this.delta = new Postings();
	}
}

/** First position in bounds[0, length) whose bound is greater than v (bounds ascending). */
export function firstAbove(bounds: Float64Array, length: number, v: number): number {
	let low = 0;
	let high = length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if ((bounds[mid] as number) <= v) low = mid + 1;
		else high = mid;
	}
	return low;
}

/** First position in bounds[0, length) whose bound is at least v (bounds ascending). */
export function firstAtLeast(bounds: Float64Array, length: number, v: number): number {
	let low = 0;
	let high = length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if ((bounds[mid] as number) < v) low = mid + 1;
		else high = mid;
	}
	return low;
}

/**
 * Positions of keys[0, n) in ascending key order, stable. Bounds people choose repeat a lot
 * (0.08, 1825 days), so this ranks each key among the distinct values (native sort, no
 * comparator) and places it by counting: O(n log distinct), several times faster than a
 * comparator sort of a million pairs.
 */
export function sortedOrder(keys: Float64Array, n: number): Int32Array {
	const distinct = keys.slice(0, n).sort();
	let unique = 0;
	for (let i = 0; i < n; i++) {
		const key = distinct[i] as number;
		if (unique === 0 || key !== distinct[unique - 1]) distinct[unique++] = key;
	}
	const rank = new Int32Array(n);
	const starts = new Int32Array(unique + 1);
	for (let i = 0; i < n; i++) {
		const r = firstAtLeast(distinct, unique, keys[i] as number);
		rank[i] = r;
		starts[r + 1] = (starts[r + 1] as number) + 1;
	}
	for (let r = 1; r <= unique; r++) starts[r] = (starts[r] as number) + (starts[r - 1] as number);
	const order = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const r = rank[i] as number;
		order[starts[r] as number] = i;
		starts[r] = (starts[r] as number) + 1;
	}
	return order;
}
