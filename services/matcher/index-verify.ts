/**
 * The product side of a match: a product's values read once per category, then each
 * candidate posting checked against them and, when it holds, its reasons written.
 */
import type { InterestField } from "../../domain/interests.ts";
import { type MatchReason, reasonOperators } from "../../domain/notification.ts";
import { type Product, valueAt } from "../../domain/product.ts";
import { implied, type Postings } from "./index-postings.ts";
import { opFlag, opHasNumber, opHasText, opIn, opMax, opMin, opNotIn } from "./index-rules.ts";

/** One product's values for a category's fields, read once and shared by every candidate. */
export class ProductValues {
	readonly fields: InterestField[];
	readonly names: string[];
	/** As in the product, for reasons. */
	readonly raw: unknown[];
	/** NaN unless a finite number. */
	readonly numbers: Float64Array;
	/** Undefined unless a non-empty string. */
	readonly texts: (string | undefined)[];
	/** 1 true, 0 false, -1 not a boolean. */
	readonly flags: Int8Array;
	/**
	 * A profile must still hold after this instant (ms) for the product to reach it: the
	 * match's `now` when the product is above conservative risk, −∞ otherwise (every profile
	 * suits it, lapsed or not). Set by the index for each product.
	 */
	profileNeededAfter = Number.NEGATIVE_INFINITY;

	constructor(fields: InterestField[]) {
		this.fields = fields;
		this.names = fields.map((field) => field.name);
		this.raw = new Array(fields.length);
		this.numbers = new Float64Array(fields.length);
		this.texts = new Array(fields.length);
		this.flags = new Int8Array(fields.length);
	}

	read(product: Product): void {
		for (let f = 0; f < this.fields.length; f++) {
			const value = valueAt(product, (this.fields[f] as InterestField).path);
			this.raw[f] = value;
			this.numbers[f] = typeof value === "number" && Number.isFinite(value) ? value : Number.NaN;
			this.texts[f] = typeof value === "string" && value !== "" ? value : undefined;
			this.flags[f] = value === true ? 1 : value === false ? 0 : -1;
		}
	}
}

/** Whether every predicate of posting i holds for the product. */
export function holds(
	postings: Postings,
	i: number,
	values: ProductValues,
	lists: readonly (readonly string[])[],
): boolean {
	const { numbers, texts, flags } = values;
	const { field, op, bound } = postings;
	const end = postings.starts[i + 1] as number;
	for (let p = postings.starts[i] as number; p < end; p++) {
		const o = op[p] as number;
		if (o >= implied) continue;
		const f = field[p] as number;
		const b = bound[p] as number;
		switch (o) {
			case opMin:
				if (!((numbers[f] as number) >= b)) return false;
				break;
			case opMax:
				if (!((numbers[f] as number) <= b)) return false;
				break;
			case opIn: {
				const text = texts[f];
				if (text === undefined || !(lists[b] as string[]).includes(text)) return false;
				break;
			}
			case opNotIn: {
				const text = texts[f];
				if (text === undefined || (lists[b] as string[]).includes(text)) return false;
				break;
			}
			case opFlag:
				if (flags[f] !== b) return false;
				break;
			case opHasNumber:
				if (Number.isNaN(numbers[f])) return false;
				break;
			case opHasText:
				if (texts[f] === undefined) return false;
				break;
			default:
				// opValidUntil: the profile the rule is filed under lapses at b.
				if (!(b > values.profileNeededAfter)) return false;
		}
	}
	return true;
}

/** The reasons of posting i, which holds: one per predicate but `{}`, in catalogue order. */
export function reasons(
	postings: Postings,
	i: number,
	values: ProductValues,
	lists: readonly (readonly string[])[],
): MatchReason[] {
	const result: MatchReason[] = [];
	const { field, op, bound } = postings;
	const end = postings.starts[i + 1] as number;
	for (let p = postings.starts[i] as number; p < end; p++) {
		const o = (op[p] as number) & ~implied;
		if (o > opFlag) continue;
		const f = field[p] as number;
		const b = bound[p] as number;
		result.push({
			field: values.names[f] as string,
			operator: reasonOperators[o] as MatchReason["operator"],
			value: values.raw[f] as MatchReason["value"],
			bound: o <= opMax ? b : o === opFlag ? b === 1 : (lists[b] as string[]),
		});
	}
	return result;
}
