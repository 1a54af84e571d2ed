import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkInterests, interestFields } from "../../domain/interests.ts";
import { productId } from "../../domain/product.ts";
import { validateNotification, validateProduct, validatePublication } from "../../domain/validate.ts";

const fund = {
	id: productId("btg-funds", "fund", "123"),
	source: "btg-funds",
	category: "fund",
	nativeId: "123",
	name: "  BTG Pactual Crédito Corporativo FIC FIRF  ",
	riskLevel: 2,
	minimumInvestment: 500,
	adminFee: 0.008,
	performanceFee: 0,
	redemptionDays: 31,
	collectedAt: "2026-11-26T10:00:00.000Z",
};

describe("Product validation", () => {
	it("accepts a fund, trims text and drops fields the model lacks", () => {
		const result = validateProduct({ ...fund, injected: "<script>", ticker: undefined });
		assert.ok(result.ok);
		assert.equal(result.value.name, "BTG Pactual Crédito Corporativo FIC FIRF");
		assert.equal("injected" in result.value, false);
	});

	it("does not change the input it validates", () => {
		const input = { ...fund, injected: 1 };
		validateProduct(input);
		assert.equal(input.injected, 1);
	});

	it("accepts every category", () => {
		const base = { source: "s", nativeId: "n", name: "N", collectedAt: "2026-11-26T10:00:00Z" };
		const samples = [
			{ ...base, id: "s:stock:n", category: "stock", ticker: "PETR4", sector: "Petróleo" },
			{ ...base, id: "s:reit:n", category: "reit", ticker: "HGLG11", segment: "Logística" },
			{ ...base, id: "s:coe:n", category: "coe", protectedCapital: true, termDays: 720 },
			{ ...base, id: "s:pension:n", category: "pension", planType: "VGBL", adminFee: 0.01 },
			{
				...base,
				id: "s:fixed_income:n",
				category: "fixed_income",
				rate: { index: "CDI", percentOfIndex: 1.1 },
				taxExempt: true,
				maturityDate: "2028-01-15",
			},
		];
		for (const sample of samples) assert.ok(validateProduct(sample).ok, sample.category);
	});

	it("rejects a stock without ticker, an unknown category, a risk level out of 1–5 and a bad rate index", () => {
		const base = { source: "s", nativeId: "n", name: "N", collectedAt: "2026-11-26T10:00:00Z", id: "x" };
		const cases = [
			{ ...base, category: "stock" },
			{ ...base, category: "crypto" },
			{ ...fund, riskLevel: 7 },
			{ ...base, category: "fixed_income", rate: { index: "LIBOR", spread: 0.01 } },
			{ ...fund, minimumInvestment: -1 },
			{ ...fund, name: "" },
			// The id must name its source and category (analytics reads them off it).
			{ ...fund, id: `other:fund:${fund.nativeId}` },
			{ ...fund, id: `${fund.source}:stock:${fund.nativeId}` },
			{ ...fund, source: "a:b", id: `a:b:fund:${fund.nativeId}` },
		];
		for (const input of cases) {
			const result = validateProduct(input);
			assert.equal(result.ok, false, JSON.stringify(input));
			if (!result.ok) assert.ok(result.errors.length > 0 && result.errors.every((e) => e.length > 10));
		}
	});
});

describe("Interests validation", () => {
	it("accepts ranges, sets and flags per category, trimming and deduplicating set values", () => {
		const result = checkInterests({
			reit: { dividendYield: { min: 0.08 }, segment: { in: ["Logística", " Logística "] } },
			fixed_income: { rateIndex: { in: ["CDI", "IPCA"] }, termDays: { max: 1080 }, taxExempt: true },
			fund: {},
		});
		assert.ok(result.ok);
		assert.deepEqual(result.value.reit?.segment, { in: ["Logística"] });
		assert.deepEqual(result.value.fund, {});
	});

	it("rejects min above max, unknown categories and fields, wrong types and closed-set values, naming each", () => {
		const result = checkInterests({
			fund: { adminFee: { min: 0.02, max: 0.01 } },
			crypto: {},
			stock: { dividendYeld: { min: 0.1 }, sector: ["Bancos"] },
			fixed_income: { rateIndex: { in: ["LIBOR"] }, taxExempt: "yes", spread: { min: "6%" } },
		});
		assert.ok(!result.ok);
		const messages = Object.fromEntries(result.errors.map((e) => [e.field, e.message]));
		assert.match(messages["fund.adminFee"] ?? "", /min 0.02 is greater than max 0.01/);
		assert.match(messages.crypto ?? "", /not a category; allowed: stock, reit/);
		assert.match(messages["stock.dividendYeld"] ?? "", /allowed: dividendYield, totalReturn12m/);
		assert.match(messages["stock.sector"] ?? "", /must be an object: \{ in\?, notIn\? \}/);
		assert.match(
			messages["fixed_income.rateIndex"] ?? "",
			/LIBOR not allowed; allowed: CDI, IPCA, PRE, SELIC/,
		);
		assert.match(messages["fixed_income.taxExempt"] ?? "", /true or false/);
		assert.match(messages["fixed_income.spread"] ?? "", /spread.min must be a number/);
		assert.equal(result.errors.length, 7);
	});

	it("has one catalogue entry per field name in each category, each with both labels", () => {
		for (const [category, fields] of Object.entries(interestFields)) {
			const names = fields.map((f) => f.name);
			assert.equal(new Set(names).size, names.length, category);
			for (const field of fields)
				assert.ok(field.label["pt-BR"] && field.label.en, `${category}.${field.name}`);
		}
	});
});

describe("Publication and Notification validation", () => {
	it("accepts well-formed documents and rejects malformed ones", () => {
		const publication = {
			id: "p1",
			publishedAt: "2026-11-26T10:00:00Z",
			sources: ["btg-funds"],
			productIds: [fund.id],
			counts: { fund: 1 },
		};
		assert.ok(validatePublication(publication).ok);
		assert.equal(validatePublication({ ...publication, counts: { fund: -1 } }).ok, false);
		const notification = {
			id: "n1",
			subscriberId: "s1",
			productId: fund.id,
			publicationId: "p1",
			category: "fund",
			reasons: [{ field: "adminFee", operator: "≤", value: 0.008, bound: 0.01 }],
			createdAt: "2026-11-26T10:00:01Z",
		};
		assert.ok(validateNotification(notification).ok);
		assert.equal(
			validateNotification({ ...notification, reasons: [{ field: "x", operator: "~" }] }).ok,
			false,
		);
	});
});
