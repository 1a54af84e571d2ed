/**
 * A stand-in renderer for component tests (jsdom draws no SVG): it shows the resolved
 * chart as text and remembers every chart it was given, so tests see what a real library
 * would have drawn. Provide it with `provideFakeChartRenderer()`. Not part of the app:
 * only specs import this file.
 */
import { Component, effect, inject, input, provideEnvironmentInitializer } from "@angular/core";
import { formattersFor } from "../../core/format";
import type { Locale } from "../../core/models";
import { TranslateService } from "../../core/translate";
import { kpisTexts } from "../../features/kpis/i18n";
import { CHART_RENDERER, type ChartView } from "./chart-renderer";
import type { ChartFormat, ResolvedChart } from "./chart-spec";

@Component({
	selector: "app-fake-chart",
	template: `<p data-testid="fake-chart">{{ chart().kind }}: {{ chart().labels.join(" | ") }}</p>`,
})
export class FakeChartView implements ChartView {
	/** Every chart drawn, oldest first, across instances. */
	static drawn: ResolvedChart[] = [];
	static created = 0;
	readonly chart = input.required<ResolvedChart>();

	constructor() {
		FakeChartView.created++;
		effect(() => FakeChartView.drawn.push(this.chart()));
	}

	static reset() {
		FakeChartView.drawn = [];
		FakeChartView.created = 0;
	}

	static last(): ResolvedChart | undefined {
		return FakeChartView.drawn.at(-1);
	}
}

export function provideFakeChartRenderer() {
	return { provide: CHART_RENDERER, useValue: () => Promise.resolve(FakeChartView) };
}

/** What the Format service gives the wrapper, for one locale, without Angular. */
export function formatFor(locale: Locale): ChartFormat {
	const f = formattersFor(locale);
	return {
		number: (value) => f.number.format(value),
		percent: (value) => f.percent.format(value),
		brl: (value) => f.brl.format(value),
		day: (value) => f.day.format(new Date(`${value}T00:00:00Z`)),
	};
}

/**
 * The "kpis" and "chart" texts in both languages, as the kpis route's resolver adds them
 * in the app (a component test runs no resolver).
 */
export function provideChartTexts() {
	return provideEnvironmentInitializer(() => {
		const translate = inject(TranslateService);
		for (const locale of ["pt-BR", "en"] as const) translate.setTranslation(locale, kpisTexts[locale], true);
	});
}
