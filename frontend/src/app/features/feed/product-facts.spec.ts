import { TestBed } from "@angular/core/testing";
import { testProviders } from "../../../testing/setup";
import { Format } from "../../core/format";
import { Language } from "../../core/i18n";
import type { Locale, Metrics, Product } from "../../core/models";
import { productFacts } from "./product-facts";
import { formatRate, httpUrl, type Wording, wording } from "./wording";

function wordingIn(locale: Locale): Wording {
	TestBed.inject(Language).use(locale);
	return wording(locale, TestBed.inject(Format));
}

const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

function factsOf(product: Product, w: Wording): Record<string, string> {
	return Object.fromEntries(productFacts(product, w).map((fact) => [fact.label, plain(fact.value)]));
}

const base = { source: "xp", nativeId: "1", name: "Produto", collectedAt: "2026-01-01T00:00:00Z" };

/** A ticker's metrics as the enricher writes them, with the values a test is about. */
const metrics = (values: Partial<Metrics>): Metrics => ({
	ticker: "PETR4",
	baseDate: "2026-01-01",
	windowStart: "2025-01-01",
	dividendYield: 0,
	meanDailyReturn: 0,
	meanDailyVolume: 0,
	meanDailyTradedValue: 0,
	totalReturn12m: 0,
	priceReturn12m: 0,
	volatility: 0,
	maxDrawdown: 0,
	points: 250,
	partial: false,
	...values,
});

describe("product facts", () => {
	beforeEach(() => TestBed.configureTestingModule({ providers: testProviders() }));
	afterEach(() => localStorage.clear());

	it("writes rates as brokers quote them", () => {
		const pt = wordingIn("pt-BR");
		expect(plain(formatRate({ index: "CDI", percentOfIndex: 1.1 }, pt))).toBe("110% do CDI");
		expect(plain(formatRate({ index: "IPCA", spread: 0.0615 }, pt))).toBe("IPCA + 6,15%");
		expect(plain(formatRate({ index: "PRE", spread: 0.124 }, pt))).toBe("Pré 12,4%");
		expect(plain(formatRate({ index: "CDI", percentOfIndex: 1, spread: 0.005 }, pt))).toBe(
			"100% do CDI + 0,5%",
		);
		const en = wordingIn("en");
		expect(plain(formatRate({ index: "CDI", percentOfIndex: 1.1 }, en))).toBe("110% of CDI");
		expect(plain(formatRate({ index: "PRE", spread: 0.124 }, en))).toBe("Fixed 12.4%");
	});

	it("leads a fixed-income tip with its rate and leaves out what the source did not give", () => {
		const product: Product = {
			...base,
			id: "xp:fixed_income:1",
			category: "fixed_income",
			rate: { index: "IPCA", spread: 0.0615 },
			minimumInvestment: 1000,
			taxExempt: true,
			riskLevel: 2,
		};
		const facts = productFacts(product, wordingIn("pt-BR"));
		expect(facts.map((fact) => fact.field)).toEqual(["rate", "minimumInvestment", "taxExempt", "riskLevel"]);
		expect(factsOf(product, wordingIn("pt-BR"))).toEqual({
			Taxa: "IPCA + 6,15%",
			"Aplicação mínima": "R$ 1.000,00",
			"Isento de IR": "Sim",
			"Nível de risco": "2 de 5",
		});
	});

	it("shows a fund's fees and return as percentages, its redemption in days", () => {
		const product: Product = {
			...base,
			id: "xp:fund:1",
			category: "fund",
			adminFee: 0.005,
			performanceFee: 0.2,
			return12m: 0.1234,
			redemptionDays: 30,
		};
		expect(factsOf(product, wordingIn("en"))).toEqual({
			"Management fee": "0.5%",
			"Performance fee": "20%",
			"Return, 12 months": "12.34%",
			Redemption: "30 days",
		});
	});

	it("prefers market metrics for stocks and writes a maturity as its calendar day", () => {
		const stock: Product = {
			...base,
			id: "b3:stock:PETR4",
			category: "stock",
			ticker: "PETR4",
			return12m: 0.5,
			metrics: metrics({ dividendYield: 0.091, totalReturn12m: 0.2, volatility: 0.3 }),
		};
		expect(factsOf(stock, wordingIn("pt-BR"))).toMatchObject({
			Código: "PETR4",
			"Dividend yield (12 meses)": "9,1%",
			"Retorno total em 12 meses": "20%",
		});
		const coe: Product = { ...base, id: "xp:coe:1", category: "coe", maturityDate: "2028-01-15" };
		expect(factsOf(coe, wordingIn("en"))).toEqual({ Maturity: "Jan 15, 2028" });
	});

	it("links only to absolute http(s) addresses", () => {
		expect(httpUrl("https://example.com/cdb?id=1")).toBe("https://example.com/cdb?id=1");
		expect(httpUrl("http://example.com")).toBe("http://example.com/");
		expect(httpUrl("javascript:alert(1)")).toBeUndefined();
		expect(httpUrl("data:text/html,<b>x</b>")).toBeUndefined();
		expect(httpUrl("/relative")).toBeUndefined();
		expect(httpUrl(undefined)).toBeUndefined();
	});
});
