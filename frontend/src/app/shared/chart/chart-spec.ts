/**
 * The chart contract every page speaks: plain data, no chart library in sight. A page says
 * what to draw (kind, labels, series, how values read); the wrapper resolves it in the
 * active locale and hands the result to whichever renderer is installed (chart-renderer.ts).
 */
import type { Locale } from "../../core/models";

export type ChartKind = "stacked-bars" | "horizontal-bars";

/** How values read: through the Format service in the active locale. */
export type ValueFormat = "number" | "percent" | "brl";

export interface ChartSeries {
	name: string;
	/** One value per category, in the categories' order. */
	values: readonly number[];
}

export interface ChartSpec {
	/**
	 * stacked-bars: one vertical bar per category, a segment per series.
	 * horizontal-bars: one horizontal bar per category (per series when there are several).
	 */
	kind: ChartKind;
	/** The accessible name of the chart and the caption of its data table. */
	title: string;
	/** One sentence on what the chart shows, for screen readers. */
	description?: string;
	/** The x labels (stacked) or the bars' labels (horizontal), in order. */
	categories: readonly string[];
	/** "day": categories are calendar days (YYYY-MM-DD), shown as Format.day shows them. */
	categoryFormat?: "text" | "day";
	/** The header of the table's first column (what a category is: "Dia", "Produto"). */
	categoryHeader: string;
	series: readonly ChartSeries[];
	/** Default "number". */
	valueFormat?: ValueFormat;
}

/** A spec made ready to draw in one locale: labels and values as people read them. */
export interface ResolvedChart {
	kind: ChartKind;
	locale: Locale;
	title: string;
	description: string;
	categoryHeader: string;
	/** The categories as shown. */
	labels: readonly string[];
	series: readonly ChartSeries[];
	/** A value as shown: "1.234" in pt-BR, "1,234" in en. */
	format: (value: number) => string;
	/** Series colours, in order: the same whichever library draws them. */
	colors: readonly string[];
	/** Pixels: grows with the bars of a horizontal chart so labels never overlap. */
	height: number;
}

/** What resolving needs from the Format service (core/format.ts). */
export type ChartFormat = Record<ValueFormat, (value: number) => string> & { day: (value: string) => string };

/**
 * Distinguishable for the common colour-vision deficiencies (Okabe–Ito based), each at
 * least 3:1 against white, with the brand blue first.
 */
export const palette: readonly string[] = [
	"#0b3d5c",
	"#d55e00",
	"#0a7d4f",
	"#0072b2",
	"#cc79a7",
	"#8a6d00",
	"#5b6b7a",
];

export function resolveChart(spec: ChartSpec, format: ChartFormat, locale: Locale): ResolvedChart {
	const valueFormat = format[spec.valueFormat ?? "number"];
	const labels =
		spec.categoryFormat === "day" ? spec.categories.map((day) => format.day(day)) : spec.categories;
	const bars = spec.kind === "horizontal-bars" ? spec.categories.length * Math.max(1, spec.series.length) : 0;
	return {
		kind: spec.kind,
		locale,
		title: spec.title,
		description: spec.description ?? "",
		categoryHeader: spec.categoryHeader,
		labels,
		series: spec.series,
		format: (value) => valueFormat(value),
		colors: spec.series.map((_, index) => palette[index % palette.length]),
		height: spec.kind === "horizontal-bars" ? Math.max(200, 80 + bars * 34) : 320,
	};
}
