/**
 * The ApexCharts renderer (ng-apexcharts): the only file that imports chart library code.
 * Reached only through CHART_RENDERER's dynamic import, so it and ApexCharts load with
 * the first chart shown. A new ResolvedChart (new data, another language) gives new
 * options, and ng-apexcharts re-creates the chart from them.
 */
import { ChangeDetectionStrategy, Component, computed, input } from "@angular/core";
import { ChartComponent } from "ng-apexcharts";
import type { ChartView } from "../chart-renderer";
import type { ResolvedChart } from "../chart-spec";
import { apexOptions } from "./apex-options";

function prefersReducedMotion(): boolean {
	return typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
}

@Component({
	selector: "app-apex-chart",
	imports: [ChartComponent],
	changeDetection: ChangeDetectionStrategy.OnPush,
	styles: ":host { display: block; min-width: 0; }",
	template: `
		<apx-chart
			[chart]="options().chart"
			[series]="options().series"
			[colors]="options().colors"
			[plotOptions]="options().plotOptions"
			[dataLabels]="options().dataLabels"
			[xaxis]="options().xaxis"
			[yaxis]="options().yaxis"
			[tooltip]="options().tooltip"
			[legend]="options().legend"
			[grid]="options().grid"
			[states]="options().states"
			[responsive]="options().responsive"
		/>
	`,
})
export class ApexChartView implements ChartView {
	readonly chart = input.required<ResolvedChart>();
	protected readonly options = computed(() =>
		apexOptions(this.chart(), { animate: !prefersReducedMotion() }),
	);
}
