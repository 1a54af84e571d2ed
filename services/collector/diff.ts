/**
 * Change detection: a product is sent to clients again only when something that matters to
 * them changed since it was last published (a fee, a rate, a minimum, the risk, metrics
 * beyond a tolerance). Which fields matter is configured in the sources file.
 */
import type { Metrics, Product } from "../../domain/product.ts";
import type { ChangeDetection } from "./sources.ts";

export type Change = { kind: "new" } | { kind: "changed"; fields: string[] } | { kind: "unchanged" };

function same(a: unknown, b: unknown): boolean {
	if (typeof a === "number" && typeof b === "number")
		return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
	if (a && b && typeof a === "object" && typeof b === "object") {
		const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
		return [...keys].every((key) =>
			same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
		);
	}
	return a === b;
}

const gateFields: [string, (product: Product) => unknown][] = [
	["openToInvestment", (product) => product.openToInvestment !== false],
	["audience", (product) => product.audience ?? "general"],
	["withdrawnAt", (product) => product.withdrawnAt !== undefined],
];

/** Relative move of a metric; from or to zero counts as a change unless both are zero. */
function movedBeyond(before: number | undefined, after: number | undefined, tolerance: number): boolean {
	if (before === undefined || after === undefined) return before !== after;
	if (before === after) return false;
	if (before === 0) return true;
	return Math.abs(after - before) / Math.abs(before) > tolerance;
}

export function detectChange(previous: Product | undefined, next: Product, rules: ChangeDetection): Change {
	if (!previous) return { kind: "new" };
	if (!rules.enabled) return { kind: "changed", fields: ["*"] };
	// Fields by the names the sources file gives them.
	const fields = rules.fields.filter(
		(field) => !same(Reflect.get(previous, field), Reflect.get(next, field)),
	);
	// Who may be told at all (gates.ts) is always watched, whatever the sources file says: a
	// fund closing, its audience narrowing, its source listing it again (withdrawn.ts).
	for (const [field, read] of gateFields)
		if (!fields.includes(field) && read(previous) !== read(next)) fields.push(field);
	// Metrics that could not be computed this time say nothing about whether they moved.
	const metricsBefore = "metrics" in previous ? previous.metrics : undefined;
	const metricsAfter = "metrics" in next ? next.metrics : undefined;
	if (metricsAfter) {
		for (const field of rules.metricsFields) {
			const read = (metrics: Metrics | undefined) => {
				const value: unknown = metrics && Reflect.get(metrics, field);
				return typeof value === "number" ? value : undefined;
			};
			if (movedBeyond(read(metricsBefore), read(metricsAfter), rules.metricsTolerance))
				fields.push(`metrics.${field}`);
		}
	}
	return fields.length > 0 ? { kind: "changed", fields } : { kind: "unchanged" };
}
