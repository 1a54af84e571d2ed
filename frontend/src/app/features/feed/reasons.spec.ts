import { TestBed } from "@angular/core/testing";
import { testProviders } from "../../../testing/setup";
import { Format } from "../../core/format";
import { Language } from "../../core/i18n";
import type { Locale, MatchReason } from "../../core/models";
import { describeReason } from "./reasons";
import { type Wording, wording } from "./wording";

/** The real Format service in the given language; Intl's no-break spaces read as plain ones. */
function wordingIn(locale: Locale): Wording {
	TestBed.inject(Language).use(locale);
	return wording(locale, TestBed.inject(Format));
}

function sentence(reason: MatchReason, w: Wording): string {
	const { label, comparison } = describeReason(reason, w);
	return `${label} ${comparison}`.replace(/[\u00a0\u202f]/g, " ");
}

describe("describeReason", () => {
	beforeEach(() => TestBed.configureTestingModule({ providers: testProviders() }));
	afterEach(() => localStorage.clear());

	it("writes fractions as percentages in the active language", () => {
		const fee: MatchReason = { field: "adminFee", operator: "≤", value: 0.005, bound: 0.01 };
		const yieldAbove: MatchReason = { field: "dividendYield", operator: "≥", value: 0.091, bound: 0.08 };
		const pt = wordingIn("pt-BR");
		expect(sentence(fee, pt)).toBe("Taxa de administração 0,5% ≤ 1%");
		expect(sentence(yieldAbove, pt)).toBe("Dividend yield (12 meses) 9,1% ≥ 8%");
		const en = wordingIn("en");
		expect(sentence(fee, en)).toBe("Management fee 0.5% ≤ 1%");
		expect(sentence(yieldAbove, en)).toBe("Dividend yield (12 months) 9.1% ≥ 8%");
	});

	it("writes money in reais, days with their unit and risk as a level", () => {
		const pt = wordingIn("pt-BR");
		expect(sentence({ field: "minimumInvestment", operator: "≤", value: 500, bound: 1000 }, pt)).toBe(
			"Aplicação mínima R$ 500,00 ≤ R$ 1.000,00",
		);
		expect(sentence({ field: "redemptionDays", operator: "≤", value: 1, bound: 30 }, pt)).toBe(
			"Prazo de resgate 1 dia ≤ 30 dias",
		);
		expect(sentence({ field: "riskLevel", operator: "≤", value: 2, bound: 3 }, pt)).toBe(
			"Nível de risco 2 ≤ 3",
		);
		const en = wordingIn("en");
		expect(sentence({ field: "termDays", operator: "≥", value: 720, bound: 365 }, en)).toBe(
			"Term 720 days ≥ 365 days",
		);
	});

	it("writes sets as the value against the client's list, and flags once", () => {
		const pt = wordingIn("pt-BR");
		expect(
			sentence({ field: "sector", operator: "∈", value: "Energia", bound: ["Energia", "Bancos"] }, pt),
		).toBe("Setor Energia ∈ {Energia, Bancos}");
		expect(sentence({ field: "segment", operator: "∉", value: "Shoppings", bound: ["Papel"] }, pt)).toBe(
			"Segmento Shoppings ∉ {Papel}",
		);
		expect(sentence({ field: "rateIndex", operator: "∈", value: "PRE", bound: ["PRE", "CDI"] }, pt)).toBe(
			"Indexador Pré ∈ {Pré, CDI}",
		);
		expect(sentence({ field: "taxExempt", operator: "=", value: true, bound: true }, pt)).toBe(
			"Isento de IR = Sim",
		);
		expect(
			sentence({ field: "protectedCapital", operator: "=", value: false, bound: false }, wordingIn("en")),
		).toBe("Protected capital = No");
	});

	it("shows a field it does not know by its own name, with the raw value", () => {
		expect(sentence({ field: "esgScore", operator: "≥", value: 7, bound: 5 }, wordingIn("pt-BR"))).toBe(
			"esgScore 7 ≥ 5",
		);
	});
});
