import { formatFor } from "./chart.testing";
import { type ChartSpec, palette, resolveChart } from "./chart-spec";

const top: ChartSpec = {
	kind: "horizontal-bars",
	title: "Top",
	categories: ["A", "B", "C"],
	categoryHeader: "Produto",
	series: [{ name: "Assinantes", values: [3000, 20, 1] }],
};

describe("resolveChart", () => {
	it("formats values and day labels in the given locale", () => {
		const spec: ChartSpec = {
			...top,
			kind: "stacked-bars",
			categories: ["2026-01-05"],
			categoryFormat: "day",
			series: [{ name: "x", values: [1234.5] }],
		};
		const pt = resolveChart(spec, formatFor("pt-BR"), "pt-BR");
		const en = resolveChart(spec, formatFor("en"), "en");
		expect([pt.labels[0], pt.format(1234.5)]).toEqual(["05 de jan.", "1.234,5"]);
		expect([en.labels[0], en.format(1234.5)]).toEqual(["Jan 05", "1,234.5"]);
		expect(resolveChart({ ...spec, valueFormat: "brl" }, formatFor("pt-BR"), "pt-BR").format(10)).toBe(
			"R$\u00a010,00",
		);
	});

	it("keeps text categories as they are, colours series in order, and sizes horizontal charts by their bars", () => {
		const resolved = resolveChart(top, formatFor("pt-BR"), "pt-BR");
		expect(resolved.labels).toEqual(["A", "B", "C"]);
		expect(resolved.colors).toEqual([palette[0]]);
		// 3 bars: 80 + 3 × 34 = 182, below the 200 px floor.
		expect(resolved.height).toBe(200);
		const ten = { ...top, categories: Array.from({ length: 10 }, (_, i) => `P${i}`) };
		expect(resolveChart(ten, formatFor("pt-BR"), "pt-BR").height).toBe(80 + 10 * 34);
		expect(resolveChart({ ...top, kind: "stacked-bars" }, formatFor("pt-BR"), "pt-BR").height).toBe(320);
	});
});
