import { formatFor } from "../chart.testing";
import { type ChartFormat, type ChartSpec, palette, resolveChart } from "../chart-spec";
import { apexOptions, escapeHtml, everyNth } from "./apex-options";

const frequency: ChartSpec = {
	kind: "stacked-bars",
	title: "Produtos por classe de ativo, por dia",
	categories: ["2026-11-25", "2026-11-26"],
	categoryFormat: "day",
	categoryHeader: "Dia",
	series: [
		{ name: "Ações", values: [1234, 0] },
		{ name: "FIIs", values: [5, 6] },
		{ name: "Fundos", values: [7, 8] },
	],
};

const top: ChartSpec = {
	kind: "horizontal-bars",
	title: "Top 10 produtos",
	categories: ["Tesouro IPCA+ 2035", "PETR4"],
	categoryHeader: "Produto",
	series: [{ name: "Assinantes notificados", values: [1500, 20] }],
};

type Formatter = (value: number) => string;

describe("apexOptions", () => {
	it("draws stacked vertical bars with the series in the spec's order and the labels resolved", () => {
		const options = apexOptions(resolveChart(frequency, formatFor("pt-BR"), "pt-BR"), { animate: true });
		expect(options.chart?.type).toBe("bar");
		expect(options.chart?.stacked).toBe(true);
		expect(options.plotOptions?.bar?.horizontal).toBe(false);
		expect(options.series).toEqual([
			{ name: "Ações", data: [1234, 0] },
			{ name: "FIIs", data: [5, 6] },
			{ name: "Fundos", data: [7, 8] },
		]);
		expect(options.xaxis?.categories).toEqual(["25 de nov.", "26 de nov."]);
		expect(options.colors).toEqual(palette.slice(0, 3));
		expect(options.legend?.show).toBe(true);
		expect(options.dataLabels?.enabled).toBe(false);
		expect(options.chart?.animations?.enabled).toBe(true);
		// The wrapper owns accessibility; the library's own keyboard layer stays off.
		expect(options.chart?.accessibility?.enabled).toBe(false);
	});

	it("draws the top list as horizontal, unstacked bars with values on them", () => {
		const options = apexOptions(resolveChart(top, formatFor("pt-BR"), "pt-BR"), { animate: false });
		expect(options.chart?.stacked).toBe(false);
		expect(options.plotOptions?.bar?.horizontal).toBe(true);
		expect(options.series).toEqual([{ name: "Assinantes notificados", data: [1500, 20] }]);
		expect(options.xaxis?.categories).toEqual(["Tesouro IPCA+ 2035", "PETR4"]);
		expect(options.dataLabels?.enabled).toBe(true);
		expect(options.legend?.show).toBe(false);
		expect(options.chart?.height).toBe(200);
		expect(options.chart?.animations?.enabled).toBe(false);
	});

	it("formats axis, tooltip and bar values in the chart's locale", () => {
		const pt = apexOptions(resolveChart(top, formatFor("pt-BR"), "pt-BR"), { animate: false });
		const en = apexOptions(resolveChart(top, formatFor("en"), "en"), { animate: false });
		type Formatters = {
			xaxis: { labels: { formatter: (value: string) => string } };
			tooltip: { y: { formatter: Formatter } };
			dataLabels: { formatter: Formatter };
		};
		const values = (options: typeof pt) => {
			const o = options as unknown as Formatters;
			return [o.xaxis.labels.formatter("1500"), o.tooltip.y.formatter(1500.5), o.dataLabels.formatter(1500)];
		};
		expect(values(pt)).toEqual(["1.500", "1.500,5", "1.500"]);
		expect(values(en)).toEqual(["1,500", "1,500.5", "1,500"]);

		const stacked = apexOptions(resolveChart(frequency, formatFor("en"), "en"), { animate: false });
		const yaxis = stacked.yaxis as { labels: { formatter: Formatter } };
		expect(yaxis.labels.formatter(12345)).toBe("12,345");
		expect(stacked.xaxis?.categories).toEqual(["Nov 25", "Nov 26"]);
	});
});

describe("everyNth", () => {
	it("keeps about the given number of labels, evenly spaced from the first", () => {
		const days = Array.from({ length: 30 }, (_, i) => `d${i}`);
		const shown = (most: number) => days.map(everyNth(days, most)).filter(Boolean);
		expect(shown(31)).toEqual(days);
		// 30 labels, at most 7: every 5th.
		expect(shown(7)).toEqual(["d0", "d5", "d10", "d15", "d20", "d25"]);
		expect(shown(15)).toHaveLength(15);
	});

	it("is what the stacked chart's axis uses, wide and narrow", () => {
		const days = Array.from({ length: 30 }, (_, i) => `2026-11-${String(i + 1).padStart(2, "0")}`);
		const chart = resolveChart({ ...frequency, categories: days }, formatFor("pt-BR"), "pt-BR");
		const options = apexOptions(chart, { animate: false });
		const axis = options.xaxis as { labels: { formatter: (value: string) => string } };
		const wide = axis.labels.formatter;
		expect(chart.labels.map(wide).filter(Boolean)).toHaveLength(30);
		const phone = options.responsive?.find((r) => r.breakpoint === 600)?.options as {
			xaxis: { labels: { formatter: (value: string) => string } };
		};
		expect(chart.labels.map(phone.xaxis.labels.formatter).filter(Boolean)).toEqual([
			"01 de nov.",
			"06 de nov.",
			"11 de nov.",
			"16 de nov.",
			"21 de nov.",
			"26 de nov.",
		]);
	});
});

describe("apexOptions with texts that look like markup", () => {
	// Product names come from crawled pages: data, never markup. ApexCharts writes the
	// tooltip and the legend with innerHTML, so whatever the wrapper gives it there is escaped.
	const hostile = "<img src=x onerror=alert(1)>";
	const escaped = "&lt;img src=x onerror=alert(1)&gt;";
	// A Format service whose output is markup too, so the value formatters are tested as well.
	const format: ChartFormat = {
		number: (value) => `${hostile}${value}`,
		percent: (value) => `${hostile}${value}`,
		brl: (value) => `${hostile}${value}`,
		day: (value) => value,
	};
	const spec = (kind: ChartSpec["kind"]): ChartSpec => ({
		kind,
		title: `${hostile}Top`,
		categories: [`${hostile}Fundo`, "PETR4"],
		categoryHeader: "Produto",
		series: [
			{ name: `${hostile}Assinantes`, values: [1500, 20] },
			{ name: "Outros", values: [1, 2] },
		],
	});

	/** Every function in the options, by path ("tooltip.x.formatter"). */
	function functions(value: unknown, path = ""): [string, (...args: unknown[]) => unknown][] {
		if (typeof value === "function") return [[path, value as (...args: unknown[]) => unknown]];
		if (value === null || typeof value !== "object") return [];
		return Object.entries(value).flatMap(([key, inner]) => functions(inner, path ? `${path}.${key}` : key));
	}

	for (const kind of ["horizontal-bars", "stacked-bars"] as const) {
		it(`escapes every formatter's output and every name (${kind})`, () => {
			const options = apexOptions(resolveChart(spec(kind), format, "pt-BR"), { animate: false });
			// The stacked chart's category axis is drawn as SVG text (textContent), never as HTML.
			const svgText = /^(responsive\.\d+\.options\.)?xaxis\.labels\.formatter$/;
			const formatters = functions(options).filter(
				([path]) => kind === "horizontal-bars" || !svgText.test(path),
			);
			expect(formatters.map(([path]) => path)).toContain("tooltip.x.formatter");
			expect(formatters.map(([path]) => path)).toContain("tooltip.y.formatter");
			for (const [path, formatter] of formatters) {
				// Value 0 of the first category: the hostile one.
				const output = String(formatter(0, { dataPointIndex: 0, seriesIndex: 0 }));
				expect(output, path).toContain("&lt;img");
				expect(output, path).not.toContain("<img");
			}
			expect(options.series.map((series) => series.name)).toEqual([`${escaped}Assinantes`, "Outros"]);
			// No other string in the options carries the markup either (the title, for one).
			const { categories, ...xaxis } = options.xaxis ?? {};
			expect(JSON.stringify({ ...options, xaxis })).not.toContain("<img");
			// The categories stay as they are: the axis shows them as text, and escaping there
			// would print "&amp;" for "&".
			expect(categories).toEqual([`${hostile}Fundo`, "PETR4"]);
		});
	}

	it("escapes the five characters HTML gives meaning to", () => {
		expect(escapeHtml(`a & b < c > d "e" 'f'`)).toBe("a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;");
		expect(escapeHtml("Rede D'Or São Luiz")).toBe("Rede D&#39;Or São Luiz");
	});
});
