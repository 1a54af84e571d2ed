/**
 * The page's two charts as library-neutral specs (shared/chart): pure functions of the
 * API's answers and the texts, so they are tested on small exact cases.
 */
import { type Category, categories, type Frequency, type TopProduct } from "../../core/models";
import type { ChartSpec } from "../../shared/chart/chart-spec";

export type Measure = "distributed" | "published";

/**
 * Series = asset classes in a fixed order (so a class keeps its colour across periods),
 * x = days oldest first, values = the chosen measure; zeros where a day has no row.
 */
export function frequencySpec(
	frequency: Frequency,
	measure: Measure,
	text: { title: string; description: string; day: string; category: (key: string) => string },
): ChartSpec {
	const known = categories.filter((category) => frequency.keys.includes(category));
	const keys = [...known, ...frequency.keys.filter((key) => !categories.includes(key as Category))];
	const days = [...new Set(frequency.rows.map((row) => row.day))].sort();
	const dayIndex = new Map(days.map((day, index) => [day, index]));
	const values = new Map(keys.map((key) => [key, days.map(() => 0)]));
	for (const row of frequency.rows) {
		const series = values.get(row.key);
		const index = dayIndex.get(row.day);
		if (series && index !== undefined) series[index] += row[measure];
	}
	return {
		kind: "stacked-bars",
		title: text.title,
		description: text.description,
		categories: days,
		categoryFormat: "day",
		categoryHeader: text.day,
		series: keys.map((key) => ({ name: text.category(key), values: values.get(key) ?? [] })),
	};
}

/** One bar per product, most reached first, as the API ranks them. */
export function topSpec(
	top: readonly TopProduct[],
	text: { title: string; description: string; product: string; subscribers: string },
): ChartSpec {
	return {
		kind: "horizontal-bars",
		title: text.title,
		description: text.description,
		categories: top.map((product) => product.name),
		categoryHeader: text.product,
		series: [{ name: text.subscribers, values: top.map((product) => product.count) }],
	};
}

export function total(spec: ChartSpec): number {
	return spec.series.reduce((sum, series) => sum + series.values.reduce((a, b) => a + b, 0), 0);
}
