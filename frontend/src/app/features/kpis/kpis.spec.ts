import { HttpTestingController, type TestRequest } from "@angular/common/http/testing";
import { TestBed } from "@angular/core/testing";
import { answerCollectionStatus, failingCollection, testProviders } from "../../../testing/setup";
import { Language } from "../../core/i18n";
import type { AnalyticsSummary, Frequency, TopProduct } from "../../core/models";
import { FakeChartView, provideChartTexts, provideFakeChartRenderer } from "../../shared/chart/chart.testing";
import { Kpis } from "./kpis";
import { TODAY } from "./period";

const summary: AnalyticsSummary = {
	totals: { publications: 12, productsPublished: 3456, notifications: 1234567 },
	activeSubscribers: 2048,
	lastPublication: {
		publicationId: "p1",
		publishedAt: "2026-11-26T12:00:00.000Z",
		products: 40,
		notifications: 300,
		subscribersNotified: 91,
		audience: 1000,
		matchRate: 0.091,
	},
	lastRun: {
		id: "r1",
		startedAt: "2026-11-26T11:59:00.000Z",
		finishedAt: "2026-11-26T12:00:00.000Z",
		published: 40,
		failedSources: ["b3-fiis"],
	},
};

const frequency: Frequency = {
	from: "2026-10-28",
	to: "2026-11-26",
	groupBy: "category",
	keys: ["reit", "stock"],
	rows: [
		{ day: "2026-11-25", key: "reit", published: 1, distributed: 7 },
		{ day: "2026-11-25", key: "stock", published: 2, distributed: 1500 },
		{ day: "2026-11-26", key: "reit", published: 3, distributed: 0 },
		{ day: "2026-11-26", key: "stock", published: 4, distributed: 9 },
	],
};

const top: TopProduct[] = [
	{ productId: "a", name: "Tesouro IPCA+ 2035", category: "fixed_income", count: 1200 },
	{ productId: "b", name: "HGLG11", category: "reit", count: 35 },
];

const nothing: Frequency = {
	...frequency,
	rows: frequency.rows.map((row) => ({ ...row, published: 0, distributed: 0 })),
};

describe("Kpis", () => {
	let http: HttpTestingController;

	beforeEach(() => {
		FakeChartView.reset();
		localStorage.clear();
		TestBed.configureTestingModule({
			imports: [Kpis],
			providers: [
				testProviders(),
				provideChartTexts(),
				provideFakeChartRenderer(),
				{ provide: TODAY, useValue: () => "2026-11-26" },
			],
		});
		http = TestBed.inject(HttpTestingController);
	});

	afterEach(() => {
		answerCollectionStatus(http);
		http.verify();
	});

	function expectFrequency(): TestRequest {
		return http.expectOne((req) => req.url === "/api/analytics/frequency");
	}
	function expectTop(): TestRequest {
		return http.expectOne((req) => req.url === "/api/analytics/top");
	}
	function params(req: TestRequest): Record<string, string | null> {
		const p = req.request.params;
		return Object.fromEntries(p.keys().map((key) => [key, p.get(key)]));
	}

	async function settle(fixture: { whenStable(): Promise<unknown> }) {
		await fixture.whenStable();
		await new Promise((resolve) => setTimeout(resolve));
		await fixture.whenStable();
	}

	async function open(answers: { frequency?: Frequency; top?: TopProduct[] } = {}) {
		const fixture = TestBed.createComponent(Kpis);
		const el = fixture.nativeElement as HTMLElement;
		await fixture.whenStable();
		expect(el.querySelector('[role="status"]')?.textContent).toContain("Carregando");
		http.expectOne("/api/analytics/summary").flush(summary);
		expectFrequency().flush(answers.frequency ?? frequency);
		expectTop().flush(answers.top ?? top);
		await settle(fixture);
		return { fixture, el };
	}

	function choose(el: HTMLElement, name: string, value: string) {
		const radio = el.querySelector(`input[name="${name}"][value="${value}"]`) as HTMLInputElement;
		radio.checked = true;
		radio.dispatchEvent(new Event("change"));
	}

	const text = (el: HTMLElement, testId: string) =>
		el.querySelector(`[data-testid="${testId}"]`)?.textContent?.trim();

	it("says which sources failed in the latest collection, and why", async () => {
		const { fixture, el } = await open();
		answerCollectionStatus(http, failingCollection);
		await settle(fixture);
		expect(el.querySelector('[data-testid="collection-notice"]')?.textContent).toContain(
			"btg-funds: sem conexão com a fonte",
		);
	});

	it("asks for the summary, the last 30 days by category and the top 10 of 30 days", async () => {
		const fixture = TestBed.createComponent(Kpis);
		await fixture.whenStable();
		http.expectOne("/api/analytics/summary").flush(summary);
		const frequencyRequest = expectFrequency();
		expect(params(frequencyRequest)).toEqual({ from: "2026-10-28", to: "2026-11-26", groupBy: "category" });
		const topRequest = expectTop();
		expect(params(topRequest)).toEqual({ period: "30d", limit: "10" });
		frequencyRequest.flush(frequency);
		topRequest.flush(top);
		await settle(fixture);
		const checked = (fixture.nativeElement as HTMLElement).querySelector(
			'input[name="kpis-period"]:checked',
		) as HTMLInputElement;
		expect(checked.value).toBe("30d");
	});

	it("shows the summary tiles with numbers in the active locale", async () => {
		const { fixture, el } = await open();
		expect(el.querySelector('[data-testid="kpi-tiles"]')).not.toBeNull();
		expect(text(el, "kpi-publications")).toBe("12");
		expect(text(el, "kpi-products")).toBe("3.456");
		expect(text(el, "kpi-notifications")).toBe("1.234.567");
		expect(text(el, "kpi-subscribers")).toBe("2.048");
		expect(text(el, "kpi-match-rate")).toBe("9,1%");
		expect(el.querySelector('[data-testid="kpi-tiles"]')?.textContent).toContain("91 de 1.000 assinantes");
		// The browser's time zone, as Format.dateTime shows it.
		const finished = new Intl.DateTimeFormat("pt-BR", { dateStyle: "short", timeStyle: "short" });
		expect(text(el, "kpi-last-run")).toBe(finished.format(new Date("2026-11-26T12:00:00.000Z")));
		expect(text(el, "kpi-last-run")).toMatch(/^\d\d\/\d\d\/2026, \d\d:\d\d$/);
		expect(text(el, "kpi-failed-sources")).toBe("Falharam: b3-fiis");

		TestBed.inject(Language).use("en");
		await settle(fixture);
		expect(text(el, "kpi-notifications")).toBe("1,234,567");
		expect(text(el, "kpi-match-rate")).toBe("9.1%");
	});

	it("draws distributed products per asset class per day, and published on request", async () => {
		const { fixture, el } = await open();
		expect(el.querySelector('[data-testid="chart-frequency"] [role="img"]')?.getAttribute("aria-label")).toBe(
			"Produtos por classe de ativo, por dia",
		);
		const stacked = () => FakeChartView.drawn.filter((chart) => chart.kind === "stacked-bars").at(-1);
		expect(stacked()?.labels).toEqual(["25 de nov.", "26 de nov."]);
		// Stocks before REITs (the app's order), whatever order the API listed the keys in.
		expect(stacked()?.series).toEqual([
			{ name: "Ações", values: [1500, 9] },
			{ name: "FIIs", values: [7, 0] },
		]);
		expect(el.querySelector('[data-testid="chart-frequency"] tbody')?.textContent).toContain("1.500");

		choose(el, "kpis-measure", "published");
		await settle(fixture);
		expect(stacked()?.series.map((series) => series.values)).toEqual([
			[2, 4],
			[1, 3],
		]);
		expect(stacked()?.description).toContain("publicados");

		TestBed.inject(Language).use("en");
		await settle(fixture);
		expect(stacked()?.series.map((series) => series.name)).toEqual(["Stocks", "REITs (FIIs)"]);
		expect(stacked()?.labels).toEqual(["Nov 25", "Nov 26"]);
	});

	it("draws the top products as horizontal bars", async () => {
		const { el } = await open();
		const chart = FakeChartView.drawn.filter((drawn) => drawn.kind === "horizontal-bars").at(-1);
		expect(chart?.labels).toEqual(["Tesouro IPCA+ 2035", "HGLG11"]);
		expect(chart?.series).toEqual([{ name: "Assinantes notificados", values: [1200, 35] }]);
		const rows = [...el.querySelectorAll('[data-testid="chart-top"] tbody tr')].map((row) => row.textContent);
		expect(rows).toEqual(["Tesouro IPCA+ 20351.200", "HGLG1135"]);
	});

	it("asks again with the chosen period: 7 days, then everything (90 days drawn)", async () => {
		const { fixture, el } = await open();
		choose(el, "kpis-period", "7d");
		await fixture.whenStable();
		let frequencyRequest = expectFrequency();
		let topRequest = expectTop();
		expect(params(frequencyRequest)).toEqual({ from: "2026-11-20", to: "2026-11-26", groupBy: "category" });
		expect(params(topRequest)).toEqual({ period: "7d", limit: "10" });
		frequencyRequest.flush(frequency);
		topRequest.flush([top[1]]);
		await settle(fixture);
		expect(FakeChartView.last()?.labels).toEqual(["HGLG11"]);

		choose(el, "kpis-period", "all");
		await fixture.whenStable();
		frequencyRequest = expectFrequency();
		topRequest = expectTop();
		expect(params(frequencyRequest)).toEqual({ from: "2026-08-29", to: "2026-11-26", groupBy: "category" });
		expect(params(topRequest)).toEqual({ period: "all", limit: "10" });
		frequencyRequest.flush(frequency);
		topRequest.flush(top);
		await settle(fixture);
		// The summary is not asked again (http.verify() after each test).
	});

	it("says nothing was distributed yet when the period is empty, and draws no chart", async () => {
		const { el } = await open({ frequency: nothing, top: [] });
		const empties = [...el.querySelectorAll(".status-empty")].map((node) => node.textContent?.trim());
		expect(empties).toEqual([
			"Nada distribuído ainda neste período.",
			"Nenhum produto distribuído ainda neste período.",
		]);
		expect(el.querySelector('[data-testid="chart-frequency"]')).toBeNull();
		expect(el.querySelector('[data-testid="chart-top"]')).toBeNull();
		expect(FakeChartView.created).toBe(0);
		// The tiles still show: zero in a period is not an error.
		expect(el.querySelector('[data-testid="kpi-tiles"]')).not.toBeNull();
	});

	it("shows the server's error with a retry that asks again", async () => {
		const fixture = TestBed.createComponent(Kpis);
		const el = fixture.nativeElement as HTMLElement;
		await fixture.whenStable();
		http.expectOne("/api/analytics/summary").flush(summary);
		expectFrequency().flush(
			{ error: { type: "VALIDATION", message: "from after to" } },
			{ status: 422, statusText: "Unprocessable" },
		);
		expectTop().flush(top);
		await settle(fixture);
		const alert = el.querySelector('[role="alert"]') as HTMLElement;
		expect(alert.textContent).toContain("from after to");
		expect(el.querySelector('[data-testid="chart-top"]')).toBeNull();

		(alert.querySelector("button") as HTMLButtonElement).click();
		await fixture.whenStable();
		expectFrequency().flush(frequency);
		expectTop().flush(top);
		await settle(fixture);
		expect(el.querySelector('[role="alert"]')).toBeNull();
		expect(el.querySelector('[data-testid="chart-top"]')).not.toBeNull();
	});
});
