/**
 * A resolved chart as ApexCharts options. Pure, so it is tested without drawing; types
 * only from apexcharts, so importing this file loads no library code.
 */
import type { ApexAxisChartSeries, ApexOptions } from "apexcharts";
import type { ResolvedChart } from "../chart-spec";

/** Options with the axis-chart series shape that <apx-chart [series]> wants. */
export type BarOptions = ApexOptions & { series: ApexAxisChartSeries };

/** Window widths (px) below which the charts get fewer x labels and narrower names. */
const medium = 900;
const narrow = 600;

export function apexOptions(chart: ResolvedChart, settings: { animate: boolean }): BarOptions {
	const horizontal = chart.kind === "horizontal-bars";
	// Values reach the tooltip (HTML) too. Intl's output has no & < > " ', so escaping
	// leaves the SVG labels as they were.
	const format = (value: number) => escapeHtml(chart.format(Number(value)));
	const labels = horizontal ? {} : { formatter: everyNth(chart.labels, 31) };
	return {
		chart: {
			type: "bar",
			stacked: chart.kind === "stacked-bars",
			height: chart.height,
			width: "100%",
			fontFamily: "inherit",
			foreColor: "#4f5d6b",
			toolbar: { show: false },
			zoom: { enabled: false },
			animations: { enabled: settings.animate },
			// The wrapper is the accessible part (role="img" and the data table): the SVG
			// inside stays out of the tab order and out of the accessibility tree.
			accessibility: { enabled: false },
		},
		// Series names are HTML to ApexCharts (legend, tooltip rows): escaped once, here.
		series: chart.series.map((series) => ({ name: escapeHtml(series.name), data: [...series.values] })),
		colors: [...chart.colors],
		plotOptions: {
			bar: { horizontal, borderRadius: 2, barHeight: "70%", columnWidth: "70%" },
		},
		// Values on the bars only where there is room: one bar per row.
		dataLabels: {
			enabled: horizontal && chart.series.length === 1,
			formatter: (value) => format(Number(value)),
			style: { fontWeight: 600 },
		},
		xaxis: {
			// Raw: ApexCharts draws axis labels as SVG text (textContent), where "&amp;" would
			// show as such; the one HTML place a category reaches is the tooltip, escaped below.
			categories: [...chart.labels],
			// Horizontal bars put the values on the x axis.
			labels: horizontal
				? { formatter: (value: string) => format(Number(value)) }
				: { ...labels, rotate: -45, hideOverlappingLabels: true },
			tickPlacement: "on",
		},
		yaxis: horizontal
			? { labels: { maxWidth: 180 } }
			: { labels: { formatter: (value: number) => format(value) }, forceNiceScale: true },
		tooltip: {
			// The tooltip names the full category even where the axis skips its label.
			x: {
				formatter: (value, options?: { dataPointIndex?: number }) =>
					escapeHtml(chart.labels[options?.dataPointIndex ?? -1] ?? String(value)),
			},
			y: { formatter: (value: number) => format(value) },
		},
		legend: { show: chart.series.length > 1, position: "bottom", horizontalAlign: "left" },
		grid: { borderColor: "#d5dde5" },
		states: { active: { filter: { type: "none" } } },
		// ApexCharts' breakpoints are window widths, applied when the window is narrower.
		responsive: horizontal
			? [
					{
						breakpoint: narrow,
						options: { yaxis: { labels: { maxWidth: 110 } }, xaxis: { labels: { show: false } } },
					},
				]
			: [
					{ breakpoint: medium, options: { xaxis: { labels: { formatter: everyNth(chart.labels, 15) } } } },
					{ breakpoint: narrow, options: { xaxis: { labels: { formatter: everyNth(chart.labels, 7) } } } },
				],
	};
}

const entities: Record<string, string> = {
	"&": "&amp;",
	"<": "&lt;",
	">": "&gt;",
	'"': "&quot;",
	"'": "&#39;",
};

/**
 * Text as HTML that shows it literally. ApexCharts writes tooltips and the legend with
 * innerHTML, and the texts are data (product names come from crawled pages): without
 * this, a name like `<img src=x onerror=…>` runs its script when the bar is hovered.
 */
export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (char) => entities[char]);
}

/**
 * An x-label formatter that keeps at most about `most` labels, evenly spaced from the
 * first: 30 days on a phone show every 5th day instead of a smudge.
 */
export function everyNth(labels: readonly string[], most: number): (value: string) => string {
	const step = Math.max(1, Math.ceil(labels.length / most));
	const index = new Map(labels.map((label, i) => [label, i]));
	return (value) => ((index.get(String(value)) ?? 0) % step === 0 ? String(value) : "");
}
