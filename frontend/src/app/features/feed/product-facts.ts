/**
 * A tip card's facts (domain/product-facts.ts: which fields per category, where and of what
 * kind) as label/value pairs in the active language. Fields a source did not give are left
 * out, not shown as "—".
 */
import { categoryFacts, type FactKind, facts, factValue } from "@domain/product-facts";
import type { Product, Rate } from "../../core/models";
import { fieldLabel, formatRate, formatValue, type Unit, type Wording } from "./wording";

export interface Fact {
	field: string;
	label: string;
	value: string;
}

/** How the card writes each kind of value; a risk level reads "2 de 5". */
const units: Record<Exclude<FactKind, "rate">, Unit> = {
	BRL: "BRL",
	fraction: "fraction",
	days: "days",
	level: "risk",
	date: "date",
	boolean: "text",
	text: "text",
};

function isRate(value: unknown): value is Rate {
	return (
		typeof value === "object" && value !== null && typeof (value as { index?: unknown }).index === "string"
	);
}

/** The value as the card writes it; a rate that is not one (no index) is left out. */
function written(value: unknown, kind: FactKind, w: Wording): string | undefined {
	if (kind !== "rate") return formatValue(value, units[kind], w);
	return isRate(value) ? formatRate(value, w) : undefined;
}

export function productFacts(product: Product, w: Wording): Fact[] {
	const shown: Fact[] = [];
	for (const field of categoryFacts[product.category] ?? []) {
		const value = factValue(product, facts[field]);
		const text = value === undefined ? undefined : written(value, facts[field].kind, w);
		if (text !== undefined) shown.push({ field, label: fieldLabel(field, w), value: text });
	}
	return shown;
}
