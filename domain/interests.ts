/**
 * What a client can ask for, per asset class: one catalogue of constrainable fields that
 * validation, the SPA's forms (GET /api/interests/schema) and the matcher all read, so a
 * field exists everywhere or nowhere. Documented with examples in docs/interests.md.
 *
 * Interests are, per category, a conjunction of constraints:
 *   number fields  { min?, max? }      inclusive bounds, in the field's unit
 *   set fields     { in?, notIn? }     the product's value must (not) be one of these
 *   boolean fields true | false        the product's flag must equal it
 * A category absent from interests is not wanted at all.
 */
import { type Category, categories, pensionPlanTypes, rateIndexes } from "./product.ts";

export type FieldKind = "number" | "set" | "boolean";
/** fraction: 0.08 = 8%; BRL: reais; days; level: risk 1–5. */
export const fieldUnits = ["fraction", "BRL", "days", "level"] as const;
export type FieldUnit = (typeof fieldUnits)[number];

/** `Name`: the field's own name, kept literal in the catalogue so `InterestFieldName` lists them. */
export interface InterestField<Name extends string = string> {
	name: Name;
	kind: FieldKind;
	unit?: FieldUnit;
	/** Where the value is in a Product: "sector", "metrics.dividendYield", "rate.index". */
	path: string;
	label: { "pt-BR": string; en: string };
	/** A closed set: only these values are allowed (rate indexes, plan types). */
	values?: readonly string[];
}

export interface RangeConstraint {
	min?: number;
	max?: number;
}
export interface SetConstraint {
	in?: string[];
	notIn?: string[];
}
export type Constraint = RangeConstraint | SetConstraint | boolean;
export type CategoryInterest = Record<string, Constraint>;
export type Interests = Partial<Record<Category, CategoryInterest>>;

const number = <Name extends string, Unit extends FieldUnit>(
	name: Name,
	path: string,
	unit: Unit,
	pt: string,
	en: string,
): InterestField<Name> & { kind: "number"; unit: Unit } => ({
	name,
	kind: "number",
	unit,
	path,
	label: { "pt-BR": pt, en },
});
const set = <Name extends string>(
	name: Name,
	path: string,
	pt: string,
	en: string,
	values?: readonly string[],
): InterestField<Name> => ({
	name,
	kind: "set",
	path,
	label: { "pt-BR": pt, en },
	...(values ? { values } : {}),
});
const flag = <Name extends string>(name: Name, pt: string, en: string): InterestField<Name> => ({
	name,
	kind: "boolean",
	path: name,
	label: { "pt-BR": pt, en },
});

const marketMetrics = [
	number(
		"dividendYield",
		"metrics.dividendYield",
		"fraction",
		"Dividend yield (12 meses)",
		"Dividend yield (12 months)",
	),
	number(
		"totalReturn12m",
		"metrics.totalReturn12m",
		"fraction",
		"Retorno total em 12 meses",
		"Total return, 12 months",
	),
	number("volatility", "metrics.volatility", "fraction", "Volatilidade anualizada", "Annualized volatility"),
	number(
		"maxDrawdown",
		"metrics.maxDrawdown",
		"fraction",
		"Queda máxima (12 meses)",
		"Maximum drawdown (12 months)",
	),
	number(
		"meanDailyTradedValue",
		"metrics.meanDailyTradedValue",
		"BRL",
		"Volume financeiro médio diário",
		"Mean daily traded value",
	),
];
const minimum = number(
	"minimumInvestment",
	"minimumInvestment",
	"BRL",
	"Aplicação mínima",
	"Minimum investment",
);
const risk = number("riskLevel", "riskLevel", "level", "Risco (1 a 5)", "Risk (1 to 5)");
const adminFee = number("adminFee", "adminFee", "fraction", "Taxa de administração", "Management fee");
const return12m = number(
	"return12m",
	"return12m",
	"fraction",
	"Rentabilidade em 12 meses",
	"Return, 12 months",
);
const redemption = number(
	"redemptionDays",
	"redemptionDays",
	"days",
	"Prazo de resgate (dias)",
	"Redemption (days)",
);
const term = number("termDays", "termDays", "days", "Prazo (dias)", "Term (days)");
const issuer = set("issuer", "issuer", "Emissor ou gestor", "Issuer or manager");
const fundType = set("fundType", "fundType", "Tipo de fundo", "Fund type");

const catalogue = {
	stock: [...marketMetrics, set("sector", "sector", "Setor", "Sector")],
	reit: [...marketMetrics, set("segment", "segment", "Segmento", "Segment")],
	fund: [
		minimum,
		adminFee,
		number("performanceFee", "performanceFee", "fraction", "Taxa de performance", "Performance fee"),
		return12m,
		redemption,
		risk,
		fundType,
		issuer,
	],
	coe: [
		minimum,
		term,
		risk,
		flag("protectedCapital", "Capital protegido", "Protected capital"),
		set("underlying", "underlying", "Ativo-objeto", "Underlying"),
		issuer,
	],
	pension: [
		minimum,
		adminFee,
		return12m,
		redemption,
		risk,
		set("planType", "planType", "Plano", "Plan", pensionPlanTypes),
		fundType,
		issuer,
	],
	fixed_income: [
		minimum,
		term,
		redemption,
		risk,
		number(
			"spread",
			"rate.spread",
			"fraction",
			"Taxa (pré ou acima do índice)",
			"Rate (fixed or over the index)",
		),
		number(
			"percentOfIndex",
			"rate.percentOfIndex",
			"fraction",
			"Percentual do índice",
			"Percent of the index",
		),
		set("rateIndex", "rate.index", "Indexador", "Rate index", rateIndexes),
		set("instrument", "instrument", "Tipo de título", "Instrument"),
		issuer,
		flag("taxExempt", "Isento de IR", "Tax exempt"),
	],
} satisfies Record<Category, InterestField[]>;

export const interestFields: Record<Category, InterestField[]> = catalogue;

/**
 * Every constrainable field's name. The SPA types its labels against it, so a field added
 * above without its label there fails the SPA's build.
 */
export type InterestFieldName = (typeof catalogue)[Category][number]["name"];

type NumberField = Extract<(typeof catalogue)[Category][number], { kind: "number" }>;

/**
 * Each number field's unit, by name. The SPA writes its values with its own table of units,
 * typed against this one, so a number field added here without its unit there (or with
 * another) fails to compile.
 */
export type InterestFieldUnits = { [F in NumberField as F["name"]]: F["unit"] };

export type InterestsCheck =
	| { ok: true; value: Interests }
	| { ok: false; errors: { field: string; message: string }[] };

const maxSetSize = 50;

function checkConstraint(field: InterestField, where: string, value: unknown): string | undefined {
	const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
	if (field.kind === "boolean")
		return typeof value === "boolean" ? undefined : `${where} must be true or false`;
	if (!isObject)
		return `${where} must be an object: ${field.kind === "number" ? "{ min?, max? }" : "{ in?, notIn? }"}`;
	const entries = Object.entries(value as Record<string, unknown>);
	const allowed = field.kind === "number" ? ["min", "max"] : ["in", "notIn"];
	const unknown = entries.find(([key]) => !allowed.includes(key));
	if (unknown) return `${where}.${unknown[0]} is not allowed; use ${allowed.join(" and/or ")}`;
	if (entries.length === 0) return `${where} needs ${allowed.join(" and/or ")}`;
	if (field.kind === "number") {
		for (const [key, bound] of entries)
			if (typeof bound !== "number" || !Number.isFinite(bound)) return `${where}.${key} must be a number`;
		const { min, max } = value as RangeConstraint;
		if (min !== undefined && max !== undefined && min > max)
			return `${where}: min ${min} is greater than max ${max}`;
		return undefined;
	}
	for (const [key, list] of entries) {
		if (
			!Array.isArray(list) ||
			list.some((item) => typeof item !== "string" || item.trim() === "" || item.length > 100)
		)
			return `${where}.${key} must be a list of texts (1 to 100 characters each)`;
		if (list.length > maxSetSize) return `${where}.${key} holds more than ${maxSetSize} values`;
		const outside = field.values ? list.filter((item) => !field.values?.includes(item)) : [];
		if (outside.length > 0)
			return `${where}.${key}: ${outside.join(", ")} not allowed; allowed: ${field.values?.join(", ")}`;
	}
	return undefined;
}

/** A valid constraint as stored: set values trimmed and without repeats. */
function normalized(field: InterestField, constraint: Constraint): Constraint {
	if (field.kind !== "set") return constraint;
	const lists = Object.entries(constraint as SetConstraint).map(([key, list]) => [
		key,
		[...new Set((list as string[]).map((item) => item.trim()))],
	]);
	return Object.fromEntries(lists) as SetConstraint;
}

/** Every problem at once, each naming the field and what is allowed there. */
export function checkInterests(input: unknown): InterestsCheck {
	if (typeof input !== "object" || input === null || Array.isArray(input))
		return {
			ok: false,
			errors: [{ field: "interests", message: "interests must be an object keyed by category" }],
		};
	const errors: { field: string; message: string }[] = [];
	const value: Interests = {};
	for (const [category, constraints] of Object.entries(input)) {
		if (!categories.includes(category as Category)) {
			errors.push({
				field: category,
				message: `${category} is not a category; allowed: ${categories.join(", ")}`,
			});
			continue;
		}
		const fields = interestFields[category as Category];
		if (typeof constraints !== "object" || constraints === null || Array.isArray(constraints)) {
			errors.push({
				field: category,
				message: `${category} must be an object of constraints (it may be empty)`,
			});
			continue;
		}
		const clean: CategoryInterest = {};
		for (const [name, constraint] of Object.entries(constraints)) {
			const where = `${category}.${name}`;
			const field = fields.find((f) => f.name === name);
			if (!field) {
				errors.push({
					field: where,
					message: `${where} is not a field of ${category} interests; allowed: ${fields.map((f) => f.name).join(", ")}`,
				});
				continue;
			}
			const problem = checkConstraint(field, where, constraint);
			if (problem) errors.push({ field: where, message: problem });
			else clean[name] = normalized(field, constraint as Constraint);
		}
		value[category as Category] = clean;
	}
	return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}
