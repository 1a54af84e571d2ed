import { Component, input } from "@angular/core";
import { TestBed } from "@angular/core/testing";
import { ChartComponent } from "ng-apexcharts";
import { testProviders } from "../../../../testing/setup";
import { formatFor } from "../chart.testing";
import { resolveChart } from "../chart-spec";
import { ApexChartView } from "./apex-chart";
import { apexOptions } from "./apex-options";

/** <apx-chart> without ApexCharts (jsdom has no SVG layout): it only keeps its inputs. */
@Component({ selector: "apx-chart", template: "" })
class ApxChartStub {
	readonly chart = input<unknown>();
	readonly series = input<unknown>();
	readonly colors = input<unknown>();
	readonly plotOptions = input<unknown>();
	readonly dataLabels = input<unknown>();
	readonly xaxis = input<unknown>();
	readonly yaxis = input<unknown>();
	readonly tooltip = input<unknown>();
	readonly legend = input<unknown>();
	readonly grid = input<unknown>();
	readonly states = input<unknown>();
	readonly responsive = input<unknown>();
}

describe("ApexChartView", () => {
	it("hands every option apexOptions builds to <apx-chart>", async () => {
		TestBed.configureTestingModule({ imports: [ApexChartView], providers: testProviders() });
		TestBed.overrideComponent(ApexChartView, {
			remove: { imports: [ChartComponent] },
			add: { imports: [ApxChartStub] },
		});
		const chart = resolveChart(
			{
				kind: "stacked-bars",
				title: "T",
				categories: ["a", "b"],
				categoryHeader: "x",
				series: [{ name: "s", values: [1, 2] }],
			},
			formatFor("pt-BR"),
			"pt-BR",
		);
		const fixture = TestBed.createComponent(ApexChartView);
		fixture.componentRef.setInput("chart", chart);
		await fixture.whenStable();
		const stub = fixture.debugElement.children[0].componentInstance as ApxChartStub;
		const options = apexOptions(chart, { animate: true });
		// An option built but not bound would silently never reach the chart.
		for (const key of Object.keys(options) as (keyof typeof options)[]) {
			const bound = (stub as unknown as Record<string, () => unknown>)[key];
			expect(bound, `<apx-chart [${key}]> is bound`).toBeTypeOf("function");
			expect(JSON.stringify(bound())).toBe(JSON.stringify(options[key]));
		}
	});
});
