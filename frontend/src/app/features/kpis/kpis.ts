/**
 * KPIs (public): summary tiles, products per asset class per day (stacked bars) and the
 * top 10 products (horizontal bars) for a period. The charts go through <app-chart>, so
 * ApexCharts loads only here, after the page's own chunk.
 */
import { ChangeDetectionStrategy, Component, computed, inject, signal } from "@angular/core";
import { Api, isApiError } from "../../core/api";
import { NumberPipe, PercentPipe, WhenPipe } from "../../core/format";
import { TranslatePipe, TranslateService } from "../../core/translate";
import { Chart } from "../../shared/chart/chart";
import { CollectionNotice } from "../../shared/collection/collection-notice";
import { Status } from "../../shared/status";
import { frequencySpec, type Measure, topSpec, total } from "./charts";
import { Loaded } from "./loaded";
import { frequencyRange, type Period, periods, TODAY } from "./period";

@Component({
	selector: "app-kpis",
	imports: [TranslatePipe, Status, Chart, NumberPipe, PercentPipe, WhenPipe, CollectionNotice],
	templateUrl: "./kpis.html",
	styleUrl: "./kpis.css",
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Kpis {
	private readonly api = inject(Api);
	private readonly translate = inject(TranslateService);
	private readonly today = inject(TODAY);

	protected readonly periods = periods;
	protected readonly measures: readonly Measure[] = ["distributed", "published"];
	protected readonly period = signal<Period>("30d");
	protected readonly measure = signal<Measure>("distributed");

	protected readonly summary = new Loaded(
		() => this.api.summary(),
		(err) => this.messageOf(err),
	);
	protected readonly distribution = new Loaded(
		async () => {
			const period = this.period();
			const [frequency, top] = await Promise.all([
				this.api.frequency({ ...frequencyRange(period, this.today()), groupBy: "category" }),
				this.api.top({ period, limit: 10 }),
			]);
			return { frequency, top };
		},
		(err) => this.messageOf(err),
	);

	constructor() {
		void this.summary.load();
		void this.distribution.load();
	}

	protected choosePeriod(period: Period) {
		if (period === this.period()) return;
		this.period.set(period);
		void this.distribution.load();
	}

	protected readonly frequencyChart = computed(() => {
		const distribution = this.distribution.value();
		if (!distribution) return null;
		const t = this.texts();
		const measure = this.measure();
		const spec = frequencySpec(distribution.frequency, measure, {
			title: t("kpis.frequency.title"),
			description: t(
				measure === "distributed" ? "kpis.frequency.describeDistributed" : "kpis.frequency.describePublished",
			),
			day: t("kpis.frequency.day"),
			category: (key) => t(`category.${key}`),
		});
		return { spec, empty: total(spec) === 0 };
	});

	protected readonly topChart = computed(() => {
		const distribution = this.distribution.value();
		if (!distribution) return null;
		const t = this.texts();
		const spec = topSpec(distribution.top, {
			title: t("kpis.top.title"),
			description: t("kpis.top.description"),
			product: t("kpis.top.product"),
			subscribers: t("kpis.top.subscribers"),
		});
		return { spec, empty: total(spec) === 0 };
	});

	/** Texts for the chart specs: re-read, and the charts redrawn, when the language changes. */
	private texts(): (key: string) => string {
		this.translate.currentLang();
		return (key) => this.translate.instant(key) as string;
	}

	private messageOf(err: unknown): string {
		if (isApiError(err))
			return err.type === "NETWORK" ? (this.translate.instant("app.offline") as string) : err.message;
		return err instanceof Error ? err.message : String(err);
	}
}
