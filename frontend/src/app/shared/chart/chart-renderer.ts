/**
 * Which library draws the charts: a component that takes one input, `chart` (a
 * ResolvedChart), loaded on first use so the library never reaches the initial bundle.
 * Swapping the library means writing another such component and pointing this at it;
 * tests provide a stand-in because jsdom has no SVG layout.
 */
import { InjectionToken, type InputSignal, type Type } from "@angular/core";
import type { ResolvedChart } from "./chart-spec";

/** What a renderer component looks like: it draws `chart` and nothing else. */
export interface ChartView {
	readonly chart: InputSignal<ResolvedChart>;
}

export type ChartRenderer = () => Promise<Type<ChartView>>;

export const CHART_RENDERER = new InjectionToken<ChartRenderer>("CHART_RENDERER", {
	providedIn: "root",
	factory: () => () => import("./apex/apex-chart").then((m) => m.ApexChartView),
});
