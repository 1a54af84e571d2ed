import type { Category, InterestField } from "../../core/models";
import { schema } from "./fixtures";
import {
	type CategoryDraft,
	type Draft,
	draftProblems,
	fromDisplay,
	parseDecimal,
	rangeProblems,
	setOptions,
	toDisplay,
	toDraft,
	toInterests,
} from "./interests-draft";

/** A category's draft, which toDraft builds for every category of the schema. */
function of(draft: Draft, category: Category): CategoryDraft {
	const editing = draft[category];
	if (!editing) throw new Error(`no draft for ${category}`);
	return editing;
}

const fee = schema.categories.fund[1];
const minimum = schema.categories.fund[0];

describe("parseDecimal", () => {
	it("reads numbers as people type them in pt-BR", () => {
		expect(parseDecimal("8", "pt-BR")).toBe(8);
		expect(parseDecimal("8,5", "pt-BR")).toBe(8.5);
		expect(parseDecimal("8.5", "pt-BR")).toBe(8.5);
		expect(parseDecimal("1.000", "pt-BR")).toBe(1000);
		expect(parseDecimal("1.000.000,50", "pt-BR")).toBe(1000000.5);
		expect(parseDecimal("0.125", "pt-BR")).toBe(0.125);
		expect(parseDecimal("R$ 5.000", "pt-BR")).toBe(5000);
		expect(parseDecimal("-3", "pt-BR")).toBe(-3);
	});

	it("reads en thousands separators, and tells empty from not a number", () => {
		expect(parseDecimal("1,000.5", "en")).toBe(1000.5);
		expect(parseDecimal("8,5", "en")).toBe(8.5);
		expect(parseDecimal("  ", "en")).toBeUndefined();
		expect(parseDecimal("abc", "pt-BR")).toBeNull();
		expect(parseDecimal("8,5,1", "pt-BR")).toBeNull();
	});
});

describe("units", () => {
	it("shows fractions as percent without float noise", () => {
		expect(toDisplay(fee, 0.07)).toBe(7);
		expect(fromDisplay(fee, 7)).toBe(0.07);
		expect(fromDisplay(fee, 8.5)).toBe(0.085);
		expect(toDisplay(minimum, 1000)).toBe(1000);
	});
});

describe("toInterests", () => {
	it("sends wanted categories only, {} for one without filters, bounds in stored units", () => {
		const draft = toDraft(schema, {}, "pt-BR");
		draft.fund = {
			...of(draft, "fund"),
			wanted: true,
			ranges: {
				...of(draft, "fund").ranges,
				adminFee: { min: "", max: "1,5" },
				riskLevel: { min: "2", max: "" },
			},
			sets: { issuer: { mode: "notIn", values: ["Verde"] } },
		};
		draft.reit = { ...of(draft, "reit"), wanted: true };
		draft.fixed_income = {
			...of(draft, "fixed_income"),
			wanted: false,
			ranges: { spread: { min: "6", max: "" } },
		};
		expect(toInterests(schema, draft, "pt-BR")).toEqual({
			reit: {},
			fund: { adminFee: { max: 0.015 }, riskLevel: { min: 2 }, issuer: { notIn: ["Verde"] } },
		});
	});

	it("turns the tri-state flags into true, false or nothing", () => {
		const draft = toDraft(schema, { fixed_income: {} }, "pt-BR");
		const flags = (taxExempt: "any" | "yes" | "no") =>
			toInterests(
				schema,
				{ ...draft, fixed_income: { ...of(draft, "fixed_income"), flags: { taxExempt } } },
				"pt-BR",
			).fixed_income;
		expect(flags("yes")).toEqual({ taxExempt: true });
		expect(flags("no")).toEqual({ taxExempt: false });
		expect(flags("any")).toEqual({});
	});

	it("round-trips stored interests through the draft, in the client's language", () => {
		const stored = {
			reit: { dividendYield: { min: 0.085 }, segment: { in: ["Logística"] } },
			fund: { minimumInvestment: { max: 5000 }, redemptionDays: { max: 30 } },
			fixed_income: { taxExempt: false },
		};
		const pt = toDraft(schema, stored, "pt-BR");
		expect(pt.reit?.ranges).toMatchObject({ dividendYield: { min: "8,5", max: "" } });
		expect(pt.stock?.wanted).toBe(false);
		expect(toInterests(schema, pt, "pt-BR")).toEqual(stored);
		const en = toDraft(schema, stored, "en");
		expect(en.reit?.ranges).toMatchObject({ dividendYield: { min: "8.5", max: "" } });
		expect(toInterests(schema, en, "en")).toEqual(stored);
	});

	it("keeps `in` minus `notIn` when a stored set has both", () => {
		const draft = toDraft(
			schema,
			{ reit: { segment: { in: ["Logística", "Papel"], notIn: ["Papel"] } } },
			"en",
		);
		expect(draft.reit?.sets).toEqual({ segment: { mode: "in", values: ["Logística"] } });
	});
});

describe("problems", () => {
	it("refuses a minimum above the maximum", () => {
		expect(rangeProblems(fee, { min: "2", max: "1" }, "pt-BR").range?.key).toBe("interests.errors.order");
		expect(rangeProblems(fee, { min: "1", max: "1" }, "pt-BR").range).toBeUndefined();
	});

	it("keeps percentages, amounts, days and levels sane", () => {
		expect(rangeProblems(fee, { min: "150", max: "" }, "pt-BR").min).toEqual({
			key: "interests.errors.percentRange",
			params: { min: 0, max: 100 },
		});
		const returns: InterestField = { ...fee, name: "return12m" };
		expect(rangeProblems(returns, { min: "-20", max: "" }, "pt-BR").min).toBeUndefined();
		expect(rangeProblems(minimum, { min: "-1", max: "" }, "pt-BR").min?.key).toBe(
			"interests.errors.negative",
		);
		const days = schema.categories.fund[2];
		expect(rangeProblems(days, { min: "", max: "2,5" }, "pt-BR").max?.key).toBe("interests.errors.wholeDays");
		const level = schema.categories.fund[3];
		expect(rangeProblems(level, { min: "6", max: "" }, "pt-BR").min?.key).toBe("interests.errors.level");
		expect(rangeProblems(minimum, { min: "dez", max: "" }, "pt-BR").min?.key).toBe("interests.errors.number");
	});

	it("only counts categories the client wants", () => {
		const draft = toDraft(schema, {}, "pt-BR");
		const fund = of(draft, "fund");
		const ranges = { ...fund.ranges, adminFee: { min: "3", max: "1" } };
		draft.fund = { ...fund, ranges };
		expect(draftProblems(schema, draft, "pt-BR")).toEqual({});
		draft.fund = { ...fund, ranges, wanted: true };
		expect(Object.keys(draftProblems(schema, draft, "pt-BR"))).toEqual(["fund.adminFee"]);
	});
});

describe("setOptions", () => {
	it("offers saved values the catalogue no longer holds, after the schema's", () => {
		expect(setOptions(schema.categories.reit[2], ["Papel", "Hotéis"])).toEqual([
			"Logística",
			"Shoppings",
			"Papel",
			"Hotéis",
		]);
	});
});
