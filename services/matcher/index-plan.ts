/**
 * How the index reaches a rule: by its most selective equality (an `in` value or a flag,
 * the access key) and, within that key, sorted by its most selective range bound. The
 * selectivity of a predicate is the share of the category's products satisfying it,
 * measured on the products the index has seen, or a prior until it has seen enough.
 */
import type { InterestField } from "../../domain/interests.ts";
import { firstAbove, firstAtLeast } from "./index-postings.ts";
import { opFlag, opIn, opMax, opMin, type RuleStore } from "./index-rules.ts";
import type { ProductValues } from "./index-verify.ts";

/** Products of a category seen before measured shares replace the priors. */
const enoughProducts = 32;
/** Values kept per number field (reservoir sampling): quantiles to about ±5%. */
const sampleSize = 256;
/** Distinct values counted per set field; more are not counted (their share stays ~0). */
const maxDistinct = 4_096;
/** Values assumed for an open vocabulary (sectors, segments, issuers) before products are seen. */
const priorDistinct = 12;
/** A key must leave out a fifth of the products to be worth a posting per value. */
const keyWorthIt = 0.8;
/** A range must leave out a tenth to be worth sorting by. */
const rangeWorthIt = 0.9;

/** Predicate positions in the store: the access key and the sorting range, or -1. */
export interface Plan {
	key: number;
	range: number;
}

export class CategoryStats {
	readonly fields: InterestField[];
	products = 0;
	readonly #counts: (Map<string, number> | undefined)[];
	/** Per field: how many products had false, true. */
	readonly #flags: Int32Array;
	readonly #samples: Float64Array[];
	/** Finite values seen per field (the sample holds up to sampleSize of them). */
	readonly #seen: Float64Array;
	readonly #sorted: (Float64Array | undefined)[];
	#random = 0x2545f491;

	constructor(fields: InterestField[]) {
		this.fields = fields;
		this.#counts = fields.map((field) => (field.kind === "set" ? new Map() : undefined));
		this.#flags = new Int32Array(fields.length * 2);
		this.#samples = fields.map(() => new Float64Array(sampleSize));
		this.#seen = new Float64Array(fields.length);
		this.#sorted = fields.map(() => undefined);
	}

	observe(values: ProductValues): void {
		this.products++;
		for (let f = 0; f < this.fields.length; f++) {
			const kind = (this.fields[f] as InterestField).kind;
			if (kind === "number") {
				const value = values.numbers[f] as number;
				if (Number.isNaN(value)) continue;
				const seen = (this.#seen[f] as number) + 1;
				this.#seen[f] = seen;
				const at = seen <= sampleSize ? seen - 1 : this.#next() % seen;
				if (at < sampleSize) (this.#samples[f] as Float64Array)[at] = value;
				this.#sorted[f] = undefined;
			} else if (kind === "set") {
				const text = values.texts[f];
				const counts = this.#counts[f] as Map<string, number>;
				if (text === undefined || (counts.size >= maxDistinct && !counts.has(text))) continue;
				counts.set(text, (counts.get(text) ?? 0) + 1);
			} else if ((values.flags[f] as number) >= 0) {
				const at = f * 2 + (values.flags[f] as number);
				this.#flags[at] = (this.#flags[at] as number) + 1;
			}
		}
	}

	/** Share of products with a value in `list`. */
	inShare(f: number, list: readonly string[]): number {
		const field = this.fields[f] as InterestField;
		if (this.products < enoughProducts) {
			const distinct = field.values?.length ?? Math.max(priorDistinct, this.#counts[f]?.size ?? 0);
			return Math.min(1, list.length / distinct);
		}
		const counts = this.#counts[f] as Map<string, number>;
		let hits = 0;
		for (const value of list) hits += counts.get(value) ?? 0;
		return (hits + 1) / (this.products + 2);
	}

	flagShare(f: number, flag: number): number {
		if (this.products < enoughProducts) return 0.5;
		return ((this.#flags[f * 2 + flag] as number) + 1) / (this.products + 2);
	}

	/** Share of products whose value is ≥ bound (`min`) or ≤ bound (`max`). */
	rangeShare(f: number, op: number, bound: number): number {
		const seen = this.#seen[f] as number;
		if (this.products < enoughProducts || seen < enoughProducts) return 0.5;
		const n = Math.min(seen, sampleSize);
		let sorted = this.#sorted[f];
		if (sorted === undefined) {
			sorted = (this.#samples[f] as Float64Array).slice(0, n).sort();
			this.#sorted[f] = sorted;
		}
		const inside = op === opMin ? n - firstAtLeast(sorted, n, bound) : firstAbove(sorted, n, bound);
		return ((inside + 0.5) / (n + 1)) * (seen / this.products);
	}

	/** xorshift32: a fixed sequence, so the same products give the same plans. */
	#next(): number {
		let x = this.#random;
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		this.#random = x >>> 0;
		return this.#random;
	}
}

/** Writes the plan of `rule` into `into`. */
export function plan(store: RuleStore, rule: number, stats: CategoryStats, into: Plan): void {
	let key = -1;
	let keyShare = keyWorthIt;
	let range = -1;
	let rangeShare = rangeWorthIt;
	const end = (store.first[rule] as number) + (store.size[rule] as number);
	for (let p = store.first[rule] as number; p < end; p++) {
		const op = store.op[p] as number;
		const f = store.field[p] as number;
		const bound = store.bound[p] as number;
		if (op === opIn || op === opFlag) {
			const share =
				op === opIn ? stats.inShare(f, store.lists[bound] as string[]) : stats.flagShare(f, bound);
			if (share < keyShare) {
				key = p;
				keyShare = share;
			}
		} else if (op === opMin || op === opMax) {
			const share = stats.rangeShare(f, op, bound);
			if (share < rangeShare) {
				range = p;
				rangeShare = share;
			}
		}
	}
	into.key = key;
	into.range = range;
}
