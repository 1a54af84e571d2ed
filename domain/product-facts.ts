/**
 * The few facts that tell products of one category apart — a fixed-income product leads
 * with its rate, a fund with its fees, a stock with its dividend yield — as the app's tip
 * card and the digest e-mail show them. Which paths of a product each fact reads and what
 * kind of value it is are said here once; each side words and formats them its own way.
 * Imports nothing but types: the SPA bundles this file as code.
 */
import type { Category } from "./product.ts";

/**
 * How a fact's value reads: money in BRL, a fraction shown as a percentage (0.091 = 9,1%),
 * a number of days, a risk level from 1 to 5, a calendar day (YYYY-MM-DD), yes or no, a
 * rate as brokers quote it (domain/product.ts `Rate`), or text as the source gave it.
 */
export type FactKind = "BRL" | "fraction" | "days" | "level" | "date" | "boolean" | "rate" | "text";

export interface Fact {
	/** Where the value is in a product; the first that holds one wins. */
	paths: readonly string[];
	kind: FactKind;
}

const at = (kind: FactKind, ...paths: string[]): Fact => ({ kind, paths });

/**
 * Every fact, by the name its labels are keyed by: the interests catalogue's field name
 * where the catalogue has the field (domain/interests.ts), so a label can come from it.
 */
export const facts = {
	ticker: at("text", "ticker"),
	sector: at("text", "sector"),
	segment: at("text", "segment"),
	dividendYield: at("fraction", "metrics.dividendYield"),
	// The market's return, else the one the source reported.
	totalReturn12m: at("fraction", "metrics.totalReturn12m", "return12m"),
	volatility: at("fraction", "metrics.volatility"),
	riskLevel: at("level", "riskLevel"),
	fundType: at("text", "fundType"),
	minimumInvestment: at("BRL", "minimumInvestment"),
	adminFee: at("fraction", "adminFee"),
	performanceFee: at("fraction", "performanceFee"),
	return12m: at("fraction", "return12m"),
	redemptionDays: at("days", "redemptionDays"),
	underlying: at("text", "underlying"),
	protectedCapital: at("boolean", "protectedCapital"),
	termDays: at("days", "termDays"),
	maturityDate: at("date", "maturityDate"),
	planType: at("text", "planType"),
	rate: at("rate", "rate"),
	instrument: at("text", "instrument"),
	taxExempt: at("boolean", "taxExempt"),
} satisfies Record<string, Fact>;
export type FactName = keyof typeof facts;

/** Every fact of a category, in the order the tip card shows them. */
export const categoryFacts = {
	stock: ["ticker", "sector", "dividendYield", "totalReturn12m", "volatility", "riskLevel"],
	reit: ["ticker", "segment", "dividendYield", "totalReturn12m", "volatility", "riskLevel"],
	fund: [
		"fundType",
		"minimumInvestment",
		"adminFee",
		"performanceFee",
		"return12m",
		"redemptionDays",
		"riskLevel",
	],
	coe: ["underlying", "protectedCapital", "termDays", "maturityDate", "minimumInvestment", "riskLevel"],
	pension: [
		"planType",
		"fundType",
		"adminFee",
		"return12m",
		"redemptionDays",
		"minimumInvestment",
		"riskLevel",
	],
	fixed_income: [
		"rate",
		"instrument",
		"maturityDate",
		"termDays",
		"minimumInvestment",
		"taxExempt",
		"riskLevel",
	],
} as const satisfies Record<Category, readonly FactName[]>;

/**
 * The few of a category's facts the digest e-mail has room for beside each product, in its
 * order: what a reader compares first. Only facts of that category compile here.
 */
export const digestFacts: { readonly [C in Category]: readonly (typeof categoryFacts)[C][number][] } = {
	stock: ["dividendYield", "totalReturn12m", "ticker", "sector"],
	reit: ["dividendYield", "totalReturn12m", "ticker", "segment"],
	fund: ["minimumInvestment", "adminFee", "return12m", "redemptionDays", "fundType"],
	coe: ["minimumInvestment", "termDays", "maturityDate", "protectedCapital", "underlying"],
	pension: ["minimumInvestment", "adminFee", "planType"],
	fixed_income: ["rate", "maturityDate", "minimumInvestment", "taxExempt", "instrument"],
};

/** The value at a dotted path ("metrics.dividendYield"), as domain/product.ts `valueAt` reads it. */
function valueAt(product: object, path: string): unknown {
	let value: unknown = product;
	for (const key of path.split(".")) {
		if (value === null || typeof value !== "object") return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

/**
 * A fact's value in a product, or undefined when none of its paths holds one (absent, null
 * or ""). valueAt is repeated rather than imported: product.ts would come into the SPA's
 * bundle with it, schemas and all.
 */
export function factValue(product: object, fact: Fact): unknown {
	for (const path of fact.paths) {
		const value = valueAt(product, path);
		if (value !== undefined && value !== null && value !== "") return value;
	}
	return undefined;
}
