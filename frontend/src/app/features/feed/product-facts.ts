/**
 * The few fields that tell products of one category apart, as label/value pairs in the
 * active language: a fixed-income tip leads with its rate, a fund with its fees, a stock
 * with its dividend yield. Fields a source did not give are left out, not shown as "—".
 */
import type { Category, Product } from "../../core/models";
import { fieldLabel, fieldUnits, formatRate, formatValue, type Unit, type Wording } from "./wording";

export interface Fact {
	field: string;
	label: string;
	value: string;
}

interface FactSource {
	/** The label's key in `feed.fields`. */
	field: string;
	/** Where the value is, first found wins: market metrics before what the source reported. */
	paths: string[];
	unit: Unit | "rate";
}

const at = (field: string, unit: Unit = fieldUnits[field] ?? "text", path = field): FactSource => ({
	field,
	paths: [path],
	unit,
});
const risk = at("riskLevel", "risk");
const market = (group: "sector" | "segment"): FactSource[] => [
	at("ticker"),
	at(group),
	at("dividendYield", "fraction", "metrics.dividendYield"),
	{ field: "totalReturn12m", paths: ["metrics.totalReturn12m", "return12m"], unit: "fraction" },
	at("volatility", "fraction", "metrics.volatility"),
	risk,
];

const factSources: Record<Category, FactSource[]> = {
	stock: market("sector"),
	reit: market("segment"),
	fund: [
		at("fundType"),
		at("minimumInvestment"),
		at("adminFee"),
		at("performanceFee"),
		at("return12m"),
		at("redemptionDays"),
		risk,
	],
	coe: [
		at("underlying"),
		at("protectedCapital"),
		at("termDays"),
		at("maturityDate"),
		at("minimumInvestment"),
		risk,
	],
	pension: [
		at("planType"),
		at("fundType"),
		at("adminFee"),
		at("return12m"),
		at("redemptionDays"),
		at("minimumInvestment"),
		risk,
	],
	fixed_income: [
		{ field: "rate", paths: ["rate"], unit: "rate" },
		at("instrument"),
		at("maturityDate"),
		at("termDays"),
		at("minimumInvestment"),
		at("taxExempt"),
		risk,
	],
};

/** The value at a dotted path ("metrics.dividendYield"), as the backend's valueAt reads it. */
function valueAt(product: object, path: string): unknown {
	let value: unknown = product;
	for (const key of path.split(".")) {
		if (value === null || typeof value !== "object") return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

function isRate(value: unknown): value is { index: string; percentOfIndex?: number; spread?: number } {
	return (
		typeof value === "object" && value !== null && typeof (value as { index?: unknown }).index === "string"
	);
}

export function productFacts(product: Product, w: Wording): Fact[] {
	const facts: Fact[] = [];
	for (const source of factSources[product.category] ?? []) {
		const value = source.paths.map((path) => valueAt(product, path)).find((v) => v != null && v !== "");
		if (value == null) continue;
		if (source.unit === "rate" && !isRate(value)) continue;
		facts.push({
			field: source.field,
			label: fieldLabel(source.field, w),
			value:
				source.unit === "rate"
					? formatRate(value as { index: string }, w)
					: formatValue(value, source.unit, w),
		});
	}
	return facts;
}
