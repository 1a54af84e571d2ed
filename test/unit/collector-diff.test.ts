import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
	type FixedIncomeProduct,
	type FundProduct,
	type Metrics,
	type Product,
	productId,
	type StockProduct,
} from "../../domain/product.ts";
import { detectChange } from "../../services/collector/diff.ts";
import { type ChangeDetection, defaultChangeDetection } from "../../services/collector/sources.ts";
import { vary } from "../../services/collector/variation.ts";

const rules: ChangeDetection = defaultChangeDetection;

const fund: FundProduct = {
	id: productId("btg-funds", "fund", "123"),
	source: "btg-funds",
	category: "fund",
	nativeId: "123",
	name: "BTG Pactual Crédito Corporativo FIC FIRF",
	description: "Crédito privado high grade",
	riskLevel: 2,
	minimumInvestment: 500,
	return12m: 0.121,
	fundType: "Renda Fixa",
	adminFee: 0.008,
	performanceFee: 0,
	redemptionDays: 31,
	collectedAt: "2026-11-26T10:00:00.000Z",
};

const cdb: FixedIncomeProduct = {
	id: productId("offers", "fixed_income", "cdb-1"),
	source: "offers",
	category: "fixed_income",
	nativeId: "cdb-1",
	name: "CDB Banco X",
	issuer: "Banco X",
	instrument: "CDB",
	rate: { index: "CDI", percentOfIndex: 1.1 },
	maturityDate: "2028-11-26",
	minimumInvestment: 1000,
	taxExempt: false,
	collectedAt: "2026-11-26T10:00:00.000Z",
};

const metrics: Metrics = {
	ticker: "PETR4",
	baseDate: "2026-11-25",
	windowStart: "2025-11-25",
	dividendYield: 0.1,
	meanDailyReturn: 0.0004,
	meanDailyVolume: 40_000_000,
	meanDailyTradedValue: 1_500_000_000,
	totalReturn12m: 0.2,
	priceReturn12m: 0.1,
	volatility: 0.3,
	maxDrawdown: 0.25,
	points: 248,
	partial: false,
};

const stock: StockProduct = {
	id: productId("house-picks", "stock", "PETR4"),
	source: "house-picks",
	category: "stock",
	nativeId: "PETR4",
	name: "Petrobras PN",
	ticker: "PETR4",
	sector: "Petróleo",
	riskLevel: 4,
	collectedAt: "2026-11-26T10:00:00.000Z",
	metrics,
};

const later = "2026-11-26T11:00:00.000Z";

describe("detectChange", () => {
	it("calls a product without a previous publication new", () => {
		assert.deepEqual(detectChange(undefined, fund, rules), { kind: "new" });
		assert.deepEqual(detectChange(undefined, stock, { ...rules, enabled: false }), { kind: "new" });
	});

	it("calls an identical product unchanged", () => {
		assert.deepEqual(detectChange(fund, structuredClone(fund), rules), { kind: "unchanged" });
		assert.deepEqual(detectChange(cdb, structuredClone(cdb), rules), { kind: "unchanged" });
		assert.deepEqual(detectChange(stock, structuredClone(stock), rules), { kind: "unchanged" });
	});

	it("ignores fields that do not matter to clients", () => {
		const next: FundProduct = {
			...fund,
			name: "BTG Crédito Corporativo",
			description: "Outro texto",
			collectedAt: later,
			return12m: 0.2,
		};
		assert.deepEqual(detectChange(fund, next, rules), { kind: "unchanged" });
	});

	it("lists exactly the material fields that changed", () => {
		assert.deepEqual(detectChange(fund, { ...fund, adminFee: 0.009, collectedAt: later }, rules), {
			kind: "changed",
			fields: ["adminFee"],
		});
		assert.deepEqual(
			detectChange(fund, { ...fund, minimumInvestment: 1000, riskLevel: 3, adminFee: 0.007 }, rules),
			{ kind: "changed", fields: ["minimumInvestment", "adminFee", "riskLevel"] },
		);
	});

	it("compares a rate field by field", () => {
		const next: FixedIncomeProduct = { ...cdb, rate: { index: "CDI", percentOfIndex: 1.12 } };
		assert.deepEqual(detectChange(cdb, next, rules), { kind: "changed", fields: ["rate"] });
		const sameRate: FixedIncomeProduct = { ...cdb, rate: { percentOfIndex: 1.1, index: "CDI" } };
		assert.deepEqual(detectChange(cdb, sameRate, rules), { kind: "unchanged" });
		const otherIndex: FixedIncomeProduct = { ...cdb, rate: { index: "SELIC", percentOfIndex: 1.1 } };
		assert.deepEqual(detectChange(cdb, otherIndex, rules), { kind: "changed", fields: ["rate"] });
	});

	it("does not see float noise as a change", () => {
		assert.notEqual(0.1 + 0.2, 0.3);
		const before: FixedIncomeProduct = { ...cdb, rate: { index: "PRE", spread: 0.3 } };
		const next: FixedIncomeProduct = { ...cdb, rate: { index: "PRE", spread: 0.1 + 0.2 } };
		assert.deepEqual(detectChange(before, next, rules), { kind: "unchanged" });
		assert.deepEqual(detectChange({ ...fund, adminFee: 0.3 }, { ...fund, adminFee: 0.1 + 0.2 }, rules), {
			kind: "unchanged",
		});
	});

	it("counts a field that appears or disappears as changed", () => {
		const { minimumInvestment: _, ...withoutMinimum } = cdb;
		assert.deepEqual(detectChange(cdb, withoutMinimum, rules), {
			kind: "changed",
			fields: ["minimumInvestment"],
		});
		assert.deepEqual(detectChange(withoutMinimum, cdb, rules), {
			kind: "changed",
			fields: ["minimumInvestment"],
		});
		assert.deepEqual(detectChange(cdb, { ...cdb, taxExempt: true, termDays: 720 }, rules), {
			kind: "changed",
			fields: ["termDays", "taxExempt"],
		});
	});

	it("compares metrics with the relative tolerance", () => {
		const moved = (dividendYield: number): StockProduct => ({
			...stock,
			collectedAt: later,
			metrics: { ...metrics, dividendYield },
		});
		assert.deepEqual(detectChange(stock, moved(0.103), rules), { kind: "unchanged" });
		assert.deepEqual(detectChange(stock, moved(0.097), rules), { kind: "unchanged" });
		assert.deepEqual(detectChange(stock, moved(0.11), rules), {
			kind: "changed",
			fields: ["metrics.dividendYield"],
		});
		assert.deepEqual(detectChange(stock, moved(0.09), rules), {
			kind: "changed",
			fields: ["metrics.dividendYield"],
		});
		assert.deepEqual(detectChange(stock, moved(0.103), { ...rules, metricsTolerance: 0.01 }), {
			kind: "changed",
			fields: ["metrics.dividendYield"],
		});
	});

	it("ignores metrics that are not in metricsFields", () => {
		const next: StockProduct = {
			...stock,
			metrics: { ...metrics, maxDrawdown: 0.5, points: 120, baseDate: "2026-11-26", partial: true },
		};
		assert.deepEqual(detectChange(stock, next, rules), { kind: "unchanged" });
	});

	it("lists several metrics that moved, besides plain fields", () => {
		const next: StockProduct = {
			...stock,
			riskLevel: 5,
			metrics: { ...metrics, totalReturn12m: 0.3, volatility: 0.5 },
		};
		assert.deepEqual(detectChange(stock, next, rules), {
			kind: "changed",
			fields: ["riskLevel", "metrics.totalReturn12m", "metrics.volatility"],
		});
	});

	it("counts a metric moving away from zero as a change", () => {
		const zero: StockProduct = { ...stock, metrics: { ...metrics, dividendYield: 0 } };
		assert.deepEqual(detectChange(zero, structuredClone(zero), rules), { kind: "unchanged" });
		assert.deepEqual(detectChange(zero, stock, rules), {
			kind: "changed",
			fields: ["metrics.dividendYield"],
		});
	});

	it("never counts metrics missing this run as a change", () => {
		const { metrics: _, ...unavailable } = stock;
		const next: StockProduct = { ...unavailable, metricsUnavailable: "Yahoo timed out", collectedAt: later };
		assert.deepEqual(detectChange(stock, next, rules), { kind: "unchanged" });
	});

	it("counts metrics that became available as a change", () => {
		const { metrics: _, ...unavailable } = stock;
		const change = detectChange(unavailable, stock, rules);
		assert.equal(change.kind, "changed");
		assert.ok(change.kind === "changed" && change.fields.includes("metrics.dividendYield"));
	});

	it("follows the configured fields", () => {
		const custom: ChangeDetection = { ...rules, fields: ["name"], metricsFields: [] };
		assert.deepEqual(detectChange(fund, { ...fund, adminFee: 0.02 }, custom), { kind: "unchanged" });
		assert.deepEqual(detectChange(fund, { ...fund, name: "Outro" }, custom), {
			kind: "changed",
			fields: ["name"],
		});
		const stockCustom: ChangeDetection = { ...rules, metricsFields: [] };
		const moved: StockProduct = { ...stock, metrics: { ...metrics, dividendYield: 0.5 } };
		assert.deepEqual(detectChange(stock, moved, stockCustom), { kind: "unchanged" });
	});

	it("counts everything as changed when change detection is off", () => {
		const off: ChangeDetection = { ...rules, enabled: false };
		assert.deepEqual(detectChange(fund, structuredClone(fund), off), { kind: "changed", fields: ["*"] });
		assert.deepEqual(detectChange(stock, structuredClone(stock), off), { kind: "changed", fields: ["*"] });
	});
});

describe("vary", () => {
	const funds: FundProduct[] = [0, 1, 2].map((i) => ({
		...fund,
		id: productId("btg-funds", "fund", `f${i}`),
		nativeId: `f${i}`,
		name: `Fundo ${i}`,
		adminFee: 0.01 + i * 0.005,
	}));
	const offers: FixedIncomeProduct[] = [
		cdb,
		{
			...cdb,
			id: productId("offers", "fixed_income", "ipca-1"),
			nativeId: "ipca-1",
			name: "CDB IPCA",
			rate: { index: "IPCA", spread: 0.0615 },
		},
		{
			...cdb,
			id: productId("offers", "fixed_income", "lci-1"),
			nativeId: "lci-1",
			name: "LCI Banco Y",
			instrument: "LCI",
			rate: { index: "CDI", percentOfIndex: 0.92 },
			taxExempt: true,
		},
	];
	const products: Product[] = [funds[0], offers[0], stock, funds[1], offers[1], funds[2], offers[2]].map(
		(p) => structuredClone(p) as Product,
	);

	const differing = (before: Product[], after: Product[]) =>
		before.flatMap((product, i) => {
			const change = detectChange(product, after[i] as Product, { ...rules, metricsFields: [] });
			return change.kind === "changed" ? [{ id: product.id, fields: change.fields }] : [];
		});

	it("does not mutate its input", () => {
		const input = structuredClone(products);
		for (const run of [0, 1, 2, 3, 6, 10]) vary(input, run);
		assert.deepEqual(input, products);
	});

	it("is deterministic per run number", () => {
		for (const run of [0, 1, 5, 9, 21]) assert.deepEqual(vary(products, run), vary(products, run));
		assert.notDeepEqual(vary(products, 1), vary(products, 2));
	});

	it("moves exactly one fund fee and one fixed-income rate", () => {
		for (let run = 0; run < 30; run++) {
			const next = vary(products, run);
			const changes = differing(products, next);
			const feeMoves = changes.filter((c) => c.id.includes(":fund:"));
			const rateMoves = changes.filter((c) => c.id.includes(":fixed_income:"));
			assert.equal(changes.length, feeMoves.length + rateMoves.length, `run ${run}: nothing else moves`);
			assert.equal(feeMoves.length, run % 7 === 3 ? 0 : 1, `run ${run}: fee moves`);
			for (const move of feeMoves) assert.deepEqual(move.fields, ["adminFee"], `run ${run}`);
			assert.equal(rateMoves.length, 1, `run ${run}: rate moves`);
			assert.deepEqual(rateMoves[0]?.fields, ["rate"], `run ${run}`);
		}
	});

	it("keeps a moved rate on its index and a moved fee non-negative", () => {
		for (let run = 0; run < 30; run++) {
			const next = vary(products, run);
			products.forEach((before, i) => {
				const after = next[i] as Product;
				assert.equal(after.id, before.id);
				if (after.category === "fixed_income" && before.category === "fixed_income")
					assert.equal(after.rate?.index, before.rate?.index);
				if (after.category === "fund") assert.ok((after.adminFee ?? 0) >= 0);
			});
		}
	});

	it("adds a new offer of the most conservative fund every run, and a fixed-income offer every third", () => {
		const safest = [...products]
			.filter((p) => p.category === "fund" && "adminFee" in p && p.adminFee !== undefined)
			.sort((a, b) => (a.riskLevel ?? 5) - (b.riskLevel ?? 5))[0];
		assert.ok(safest);
		for (let run = 0; run < 12; run++) {
			const next = vary(products, run);
			const added = next.slice(products.length);
			const funds = added.filter((p) => p.category === "fund");
			const offers = added.filter((p) => p.category === "fixed_income");
			assert.equal(funds.length, run > 0 ? 1 : 0, `run ${run}: a fund offer from the first varied run on`);
			for (const fund of funds) {
				assert.equal(fund.nativeId, `demo-fund-${run}`);
				assert.equal(fund.riskLevel, safest.riskLevel, "the most conservative fund's terms");
				assert.match(fund.name, new RegExp(`\\(nova oferta ${run}\\)$`));
			}
			assert.equal(offers.length, run % 3 === 0 ? 1 : 0, `run ${run}: a fixed-income offer every third run`);
			for (const offer of offers) {
				assert.equal(offer.nativeId, `demo-${run}`);
				assert.equal(offer.id, `offers:fixed_income:demo-${run}`);
				assert.equal(offer.source, "offers");
				assert.match(offer.name, new RegExp(`\\(nova oferta ${run}\\)$`));
			}
			assert.equal(new Set(next.map((p) => p.id)).size, next.length, "ids stay unique");
		}
	});

	it("leaves a list without funds or offers as it was", () => {
		assert.deepEqual(vary([stock], 3), [stock]);
		assert.deepEqual(vary([], 6), []);
	});
});
