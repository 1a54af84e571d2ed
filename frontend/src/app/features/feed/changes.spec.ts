import { TestBed } from "@angular/core/testing";
import { testProviders } from "../../../testing/setup";
import { Format } from "../../core/format";
import { Language } from "../../core/i18n";
import type { FieldChange, Locale, Product } from "../../core/models";
import { describeChanges } from "./changes";
import { type Wording, wording } from "./wording";

function wordingIn(locale: Locale): Wording {
	TestBed.inject(Language).use(locale);
	return wording(locale, TestBed.inject(Format));
}

const lines = (
	changes: FieldChange[],
	w: Wording,
	product?: Product,
	category: Product["category"] = "fund",
) =>
	describeChanges(changes, category, product, w).map((c) =>
		`${c.label} ${c.before} → ${c.after}`.replace(/[\u00a0\u202f]/g, " "),
	);

describe("describeChanges", () => {
	beforeEach(() => TestBed.configureTestingModule({ providers: testProviders() }));
	afterEach(() => localStorage.clear());

	it("writes a fee move with the same decimals on both sides, in the active language", () => {
		const fee: FieldChange[] = [{ field: "adminFee", before: 0.005, after: 0.004 }];
		expect(lines(fee, wordingIn("pt-BR"))).toEqual(["Taxa de administração 0,50% → 0,40%"]);
		expect(lines(fee, wordingIn("en"))).toEqual(["Management fee 0.50% → 0.40%"]);
		expect(lines([{ field: "adminFee", before: 0.005, after: 0.00495 }], wordingIn("pt-BR"))).toEqual([
			"Taxa de administração 0,500% → 0,495%",
		]);
	});

	it("writes money, metrics and a whole rate; leaves out what a reader would not know", () => {
		const pt = wordingIn("pt-BR");
		expect(lines([{ field: "minimumInvestment", before: 1000, after: 500 }], pt)).toEqual([
			"Aplicação mínima R$ 1.000,00 → R$ 500,00",
		]);
		expect(lines([{ field: "metrics.dividendYield", before: 0.08, after: 0.091 }], pt)).toEqual([
			"Dividend yield (12 meses) 8,00% → 9,10%",
		]);
		const cdb = {
			id: "x",
			source: "x",
			category: "fixed_income",
			name: "CDB",
			rate: { index: "IPCA", spread: 0.0615 },
		} as Product;
		expect(lines([{ field: "rate.spread", before: 0.06, after: 0.0615 }], pt, cdb, "fixed_income")).toEqual([
			"Taxa IPCA + 6% → IPCA + 6,15%",
		]);
		expect(
			lines([{ field: "metrics.points", before: 250, after: 251 }, { field: "collectedAt" }], pt),
		).toEqual([]);
		expect(lines([{ field: "openToInvestment", after: false }], pt)).toEqual([
			"Aberto a novas aplicações Sim → Não",
		]);
	});
});
