import { TestBed } from "@angular/core/testing";
import { testProviders } from "../../../testing/setup";
import { Language } from "../../core/i18n";
import { Chart } from "./chart";
import { FakeChartView, provideChartTexts, provideFakeChartRenderer } from "./chart.testing";
import { CHART_RENDERER } from "./chart-renderer";
import type { ChartSpec } from "./chart-spec";

const spec: ChartSpec = {
	kind: "stacked-bars",
	title: "Produtos por classe de ativo, por dia",
	description: "Notificações por dia, empilhadas por classe.",
	categories: ["2026-11-25", "2026-11-26"],
	categoryFormat: "day",
	categoryHeader: "Dia",
	series: [
		{ name: "Ações", values: [1234, 0] },
		{ name: "FIIs", values: [5, 67890] },
	],
};

function rows(el: HTMLElement): string[][] {
	return [...el.querySelectorAll("table tr")].map((row) =>
		[...row.querySelectorAll("th, td")].map((cell) => cell.textContent?.trim() ?? ""),
	);
}

async function render(chartSpec: ChartSpec = spec) {
	const fixture = TestBed.createComponent(Chart);
	fixture.componentRef.setInput("spec", chartSpec);
	await settle(fixture);
	return { fixture, el: fixture.nativeElement as HTMLElement };
}

/** The renderer arrives in a promise: let it land, then render. */
async function settle(fixture: { whenStable(): Promise<unknown> }) {
	await fixture.whenStable();
	await new Promise((resolve) => setTimeout(resolve));
	await fixture.whenStable();
}

describe("Chart", () => {
	beforeEach(() => {
		FakeChartView.reset();
		localStorage.clear();
		TestBed.configureTestingModule({
			imports: [Chart],
			providers: [testProviders(), provideChartTexts(), provideFakeChartRenderer()],
		});
	});

	it("draws through the renderer inside role=img, named by the title and described", async () => {
		const { el } = await render();
		const area = el.querySelector('[role="img"]') as HTMLElement;
		expect(area.getAttribute("aria-label")).toBe(spec.title);
		const description = el.querySelector(`#${area.getAttribute("aria-describedby")}`);
		expect(description?.textContent).toContain("Notificações por dia");
		// The renderer got the spec resolved: days as Format.day shows them in pt-BR.
		expect(area.querySelector('[data-testid="fake-chart"]')?.textContent).toContain(
			"stacked-bars: 25 de nov. | 26 de nov.",
		);
		const chart = FakeChartView.last();
		expect(chart?.series.map((s) => s.name)).toEqual(["Ações", "FIIs"]);
		expect(chart?.format(1234)).toBe("1.234");
	});

	it("has a data table with the same numbers, formatted in pt-BR", async () => {
		const { el } = await render();
		expect(el.querySelector("caption")?.textContent).toBe(spec.title);
		expect(rows(el)).toEqual([
			["Dia", "Ações", "FIIs"],
			["25 de nov.", "1.234", "5"],
			["26 de nov.", "0", "67.890"],
		]);
		expect(el.querySelectorAll("tbody th[scope=row]").length).toBe(2);
		expect(el.querySelectorAll("thead th[scope=col]").length).toBe(3);
	});

	it("redraws in English when the language changes, without a new renderer instance", async () => {
		const { fixture, el } = await render();
		TestBed.inject(Language).use("en");
		await settle(fixture);
		expect(rows(el).slice(1)).toEqual([
			["Nov 25", "1,234", "5"],
			["Nov 26", "0", "67,890"],
		]);
		expect(FakeChartView.last()?.locale).toBe("en");
		expect(FakeChartView.last()?.labels).toEqual(["Nov 25", "Nov 26"]);
		expect(FakeChartView.last()?.format(67890)).toBe("67,890");
		expect(FakeChartView.created).toBe(1);
		expect(el.querySelector(".chart-toggle")?.textContent?.trim()).toBe("Show data as a table");
	});

	it("keeps the table for screen readers and shows it on request", async () => {
		const { fixture, el } = await render();
		const table = el.querySelector(".chart-table") as HTMLElement;
		const toggle = el.querySelector(".chart-toggle") as HTMLButtonElement;
		expect(table.hasAttribute("data-shown")).toBe(false);
		expect(table.querySelector("table")).not.toBeNull();
		expect(toggle.getAttribute("aria-controls")).toBe(table.id);
		expect(toggle.textContent?.trim()).toBe("Ver dados em tabela");

		toggle.click();
		await fixture.whenStable();
		expect(table.hasAttribute("data-shown")).toBe(true);
		expect(table.getAttribute("role")).toBe("region");
		expect(table.getAttribute("tabindex")).toBe("0");
		expect(toggle.textContent?.trim()).toBe("Ocultar tabela");

		toggle.click();
		await fixture.whenStable();
		expect(table.hasAttribute("data-shown")).toBe(false);
	});

	it("formats values as the spec asks (percent)", async () => {
		const { el } = await render({
			kind: "horizontal-bars",
			title: "Taxa",
			categories: ["A"],
			categoryHeader: "Produto",
			series: [{ name: "Taxa", values: [0.091] }],
			valueFormat: "percent",
		});
		expect(rows(el)[1]).toEqual(["A", "9,1%"]);
	});

	it("shows the table in place of the chart when the renderer cannot load", async () => {
		TestBed.overrideProvider(CHART_RENDERER, { useValue: () => Promise.reject(new Error("offline")) });
		const { el } = await render();
		expect(el.querySelector('[role="status"]')?.textContent).toContain("Não foi possível desenhar o gráfico");
		expect(el.querySelector(".chart-table")?.hasAttribute("data-shown")).toBe(true);
		expect(el.querySelector(".chart-toggle")).toBeNull();
		expect(FakeChartView.created).toBe(0);
	});
});
