/**
 * `<app-chart [spec]="…">`: every chart in the app goes through here. It resolves the
 * spec in the active locale (so a language switch redraws it), loads the renderer on
 * first use, and gives the chart an accessible name (role="img") plus a data table with
 * the same numbers: hidden visually until asked for, always there for screen readers.
 */
import {
	ChangeDetectionStrategy,
	Component,
	type ComponentRef,
	computed,
	Directive,
	ElementRef,
	effect,
	inject,
	input,
	signal,
	type Type,
	ViewContainerRef,
} from "@angular/core";
import { Format } from "../../core/format";
import { Language } from "../../core/i18n";
import { TranslatePipe } from "../../core/translate";
import { CHART_RENDERER, type ChartView } from "./chart-renderer";
import { type ChartFormat, type ChartSpec, type ResolvedChart, resolveChart } from "./chart-spec";

let nextId = 0;

/**
 * Draws the renderer component in place and keeps its `chart` input current. Not
 * NgComponentOutlet nor a view query: code a lazy page is first to use from Angular lands
 * in the initial bundle (esbuild splits Angular's files between chunks, not functions).
 */
@Directive({ selector: "[appChartView]" })
export class ChartViewOutlet {
	readonly appChartView = input<Type<ChartView> | null>(null);
	readonly chart = input.required<ResolvedChart>();

	constructor() {
		const container = inject(ViewContainerRef);
		let drawn: ComponentRef<ChartView> | undefined;
		effect(() => {
			const view = this.appChartView();
			const chart = this.chart();
			if (!view) return;
			drawn ??= container.createComponent(view);
			drawn.setInput("chart", chart);
		});
	}
}

@Component({
	selector: "app-chart",
	imports: [TranslatePipe, ChartViewOutlet],
	templateUrl: "./chart.html",
	styleUrl: "./chart.css",
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Chart {
	readonly spec = input.required<ChartSpec>();

	private readonly language = inject(Language);
	private readonly renderer = inject(CHART_RENDERER);
	private readonly formatter = inject(Format);
	private readonly format: ChartFormat = {
		number: (value) => this.formatter.number(value),
		percent: (value) => this.formatter.percent(value),
		brl: (value) => this.formatter.brl(value),
		day: (value) => this.formatter.day(value),
	};

	protected readonly id = `chart-${++nextId}`;
	protected readonly resolved = computed(() =>
		resolveChart(this.spec(), this.format, this.language.current()),
	);
	protected readonly view = signal<Type<ChartView> | null>(null);
	/** The renderer could not load (offline, blocked): the table stands in for the chart. */
	protected readonly failed = signal(false);
	protected readonly tableShown = signal(false);
	protected readonly tableVisible = computed(() => this.tableShown() || this.failed());

	constructor() {
		this.renderer().then(
			(view) => this.view.set(view),
			() => this.failed.set(true),
		);
		// The chart's height is kept while the renderer loads, so nothing below jumps. Set
		// by hand: a style binding would bring Angular's styling code into the initial bundle.
		const host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
		effect(() => host.style.setProperty("--chart-height", `${this.resolved().height}px`));
	}

	protected toggleTable() {
		this.tableShown.update((shown) => !shown);
	}
}
