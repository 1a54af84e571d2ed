import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MatchReason } from "../../domain/notification.ts";
import type { Metrics, Product } from "../../domain/product.ts";
import {
	type DigestProduct,
	digestData,
	maxDigestProducts,
	reasonText,
} from "../../services/mailer/digest-content.ts";
import {
	digestLocale,
	formatBrl,
	formatDate,
	formatDays,
	formatPercent,
	formatRate,
} from "../../services/mailer/formats.ts";

const base = { source: "xp", nativeId: "1", collectedAt: "2025-01-01T00:00:00.000Z" };
const metrics: Metrics = {
	ticker: "HGLG11",
	baseDate: "2025-01-01",
	windowStart: "2024-01-01",
	dividendYield: 0.091,
	meanDailyReturn: 0,
	meanDailyVolume: 1,
	meanDailyTradedValue: 1,
	totalReturn12m: 0.125,
	priceReturn12m: 0.03,
	volatility: 0.2,
	maxDrawdown: 0.1,
	points: 250,
	partial: false,
};

const reit: Product = {
	...base,
	id: "xp:reit:HGLG11",
	category: "reit",
	name: "CSHG Logística",
	issuer: "Pátria",
	url: "https://broker.example/fii/HGLG11",
	ticker: "HGLG11",
	segment: "Logística",
	metrics,
};
const stock: Product = {
	...base,
	id: "s",
	category: "stock",
	name: "Vale",
	ticker: "VALE3",
	return12m: -0.05,
};
const fund: Product = {
	...base,
	id: "f",
	category: "fund",
	name: "Fundo X",
	minimumInvestment: 1234.56,
	adminFee: 0.0075,
	return12m: 0.112,
	redemptionDays: 30,
	fundType: "Multimercado",
};
const coe: Product = {
	...base,
	id: "c",
	category: "coe",
	name: "COE S&P",
	minimumInvestment: 1000,
	termDays: 1,
	maturityDate: "2028-01-15",
	protectedCapital: true,
	underlying: "S&P 500",
};
const pension: Product = {
	...base,
	id: "p",
	category: "pension",
	name: "Prev",
	minimumInvestment: 100,
	adminFee: 0.01,
	planType: "VGBL",
	url: "javascript:alert(1)",
};
const cdb: Product = {
	...base,
	id: "r",
	category: "fixed_income",
	name: "CDB Banco",
	instrument: "CDB",
	rate: { index: "CDI", percentOfIndex: 1.1 },
	maturityDate: "2028-01-15",
	minimumInvestment: 5000,
	taxExempt: false,
	url: "/relative",
};

const item = (product: Product, reasons: MatchReason[] = []) => ({ product, reasons });
const input = (locale: string, items = [item(reit)]) =>
	({ locale, name: "Ana", frequency: "daily", appUrl: "https://insights.example/app/", items }) as const;
const productsOf = (data: Record<string, unknown>) => data.products as DigestProduct[];
const fieldsOf = (locale: string, product: Product) =>
	Object.fromEntries(
		productsOf(digestData(input(locale, [item(product)])))[0]?.fields.map((f) => [f.label, f.value]) ?? [],
	);

describe("digest formatting", () => {
	it("formats money, percentages, days and dates per locale", () => {
		assert.equal(formatBrl("pt-BR", 1234.56), "R$ 1.234,56");
		assert.equal(formatBrl("en", 1234.56), "BRL 1,234.56");
		assert.equal(formatPercent("pt-BR", 0.125), "12,5%");
		assert.equal(formatPercent("en", 0.125), "12.5%");
		assert.equal(formatPercent("pt-BR", 0.08), "8%");
		assert.equal(formatDays("pt-BR", 30), "30 dias");
		assert.equal(formatDays("en", 1), "1 day");
		assert.equal(formatDate("pt-BR", "2028-01-15"), "15/01/2028");
		assert.equal(formatDate("en", "2028-01-15"), "Jan 15, 2028");
		assert.equal(formatDate("en", "soon"), "soon");
	});

	it("formats rates as brokers quote them", () => {
		assert.equal(formatRate("pt-BR", { index: "CDI", percentOfIndex: 1.1 }), "110% do CDI");
		assert.equal(formatRate("en", { index: "CDI", percentOfIndex: 1.1 }), "110% of CDI");
		assert.equal(formatRate("pt-BR", { index: "IPCA", spread: 0.0615 }), "IPCA + 6,15%");
		assert.equal(formatRate("en", { index: "IPCA", spread: 0.0615 }), "IPCA + 6.15%");
		assert.equal(formatRate("pt-BR", { index: "PRE", spread: 0.124 }), "Pré 12,40%");
		assert.equal(formatRate("en", { index: "PRE", spread: 0.124 }), "Fixed 12.40%");
	});

	it("picks the language like the templates do", () => {
		assert.equal(digestLocale("en-US"), "en");
		assert.equal(digestLocale("pt"), "pt-BR");
		assert.equal(digestLocale("fr"), "pt-BR");
	});
});

describe("digest key fields", () => {
	it("shows a FII's yield, return, ticker and segment from its metrics", () => {
		assert.deepEqual(fieldsOf("pt-BR", reit), {
			"Dividend yield (12 meses)": "9,1%",
			"Retorno total em 12 meses": "12,5%",
			Código: "HGLG11",
			Segmento: "Logística",
		});
	});

	it("falls back to the source's return for a stock without metrics and skips absent fields", () => {
		assert.deepEqual(fieldsOf("en", stock), { "Total return, 12 months": "-5%", Ticker: "VALE3" });
	});

	it("shows a fund's minimum, fee, return, redemption and type", () => {
		assert.deepEqual(fieldsOf("pt-BR", fund), {
			"Aplicação mínima": "R$ 1.234,56",
			"Taxa de administração": "0,75%",
			"Rentabilidade em 12 meses": "11,2%",
			"Prazo de resgate": "30 dias",
			"Tipo de fundo": "Multimercado",
		});
	});

	it("shows a COE's minimum, term, maturity, protection and underlying", () => {
		assert.deepEqual(fieldsOf("en", coe), {
			"Minimum investment": "BRL 1,000.00",
			Term: "1 day",
			Maturity: "Jan 15, 2028",
			"Protected capital": "Yes",
			Underlying: "S&P 500",
		});
	});

	it("shows a pension plan's minimum, fee and plan type", () => {
		assert.deepEqual(fieldsOf("pt-BR", pension), {
			"Aplicação mínima": "R$ 100,00",
			"Taxa de administração": "1%",
			Plano: "VGBL",
		});
	});

	it("shows fixed income's rate, maturity, minimum, exemption and instrument", () => {
		assert.deepEqual(fieldsOf("pt-BR", cdb), {
			Taxa: "110% do CDI",
			Vencimento: "15/01/2028",
			"Aplicação mínima": "R$ 5.000,00",
			"Isento de IR": "Não",
			"Tipo de título": "CDB",
		});
	});

	it("keeps only absolute http(s) product URLs, and the issuer when there is one", () => {
		const [withUrl, js, relative] = productsOf(
			digestData(input("pt-BR", [item(reit), item(pension), item(cdb)])),
		);
		assert.equal(withUrl?.url, "https://broker.example/fii/HGLG11");
		assert.equal(withUrl?.issuer, "Pátria");
		assert.equal(withUrl?.categoryLabel, "FIIs");
		assert.equal(js?.url, undefined);
		assert.equal(relative?.url, undefined);
		assert.equal(relative?.issuer, undefined);
		assert.equal(productsOf(digestData(input("en", [item(reit)])))[0]?.categoryLabel, "REITs (FIIs)");
	});
});

describe("digest reasons", () => {
	it("turns match reasons into sentences with catalogue labels", () => {
		const r = (
			reason: MatchReason,
			category: Product["category"] = "reit",
			locale: "pt-BR" | "en" = "pt-BR",
		) => reasonText(locale, category, reason);
		assert.equal(
			r({ field: "dividendYield", operator: "≥", value: 0.091, bound: 0.08 }),
			"Dividend yield (12 meses) 9,1% ≥ 8%",
		);
		assert.equal(
			r({ field: "segment", operator: "∈", value: "Logística", bound: ["Logística", "Shoppings"] }),
			"Segmento ∈ Logística, Shoppings",
		);
		assert.equal(
			r({ field: "minimumInvestment", operator: "≤", value: 500, bound: 1000 }, "fund", "en"),
			"Minimum investment BRL 500.00 ≤ BRL 1,000.00",
		);
		assert.equal(
			r({ field: "redemptionDays", operator: "≤", value: 30, bound: 60 }, "fund"),
			"Prazo de resgate 30 dias ≤ 60 dias",
		);
		assert.equal(
			r({ field: "taxExempt", operator: "=", value: true, bound: true }, "fixed_income", "en"),
			"Tax exempt = Yes",
		);
		assert.equal(
			r({ field: "rateIndex", operator: "∉", value: "CDI", bound: ["PRE"] }, "fixed_income"),
			"Indexador ∉ Pré",
		);
		assert.equal(r({ field: "riskLevel", operator: "≤", value: 2, bound: 3 }, "fund"), "Risco (1 a 5) 2 ≤ 3");
		assert.equal(r({ field: "unknown", operator: "=", value: "x", bound: "x" }), "unknown = x");
	});

	it("puts the sentences in the product", () => {
		const data = digestData(
			input("en", [item(reit, [{ field: "dividendYield", operator: "≥", value: 0.091, bound: 0.08 }])]),
		);
		assert.deepEqual(productsOf(data)[0]?.reasons, ["Dividend yield (12 months) 9.1% ≥ 8%"]);
	});
});

describe("digest data", () => {
	it("carries name, frequency, count and the feed URL", () => {
		const data = digestData(input("pt-BR"));
		assert.equal(data.name, "Ana");
		assert.equal(data.frequency, "daily");
		assert.equal(data.daily, true);
		assert.equal(data.weekly, false);
		assert.equal(data.count, 1);
		assert.equal(data.single, true);
		assert.equal(data.appUrl, "https://insights.example/app/dicas");
		assert.equal(data.more, 0);
	});

	it(`lists at most ${maxDigestProducts} products and counts the rest`, () => {
		const items = Array.from({ length: 73 }, (_, i) => item({ ...stock, id: `s${i}`, name: `P${i}` }));
		const data = digestData(input("pt-BR", items));
		assert.equal(productsOf(data).length, 50);
		assert.equal(productsOf(data)[49]?.name, "P49");
		assert.equal(data.count, 73);
		assert.equal(data.more, 23);
	});
});
