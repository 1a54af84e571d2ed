/**
 * The interests form as the client edits it (a "draft"), and the two ways across: the
 * stored `Interests` → draft when the page loads, draft → `Interests` for the preview and
 * the save. Bounds are kept as the text the client typed, in the unit they see (8 for 8 %),
 * so a half-typed "8," is never rewritten under their cursor; they become numbers, in the
 * stored unit (0.08), only here. Plain functions, tested without Angular.
 */
import type { InterestFieldName } from "@domain/interests";
import type {
	Category,
	InterestField,
	Interests,
	InterestsSchema,
	Locale,
	RangeConstraint,
	SetConstraint,
} from "../../core/models";
import { categories } from "../../core/models";

export type RangeDraft = { min: string; max: string };
/** `in`: only the checked values; `notIn`: every value except the checked ones. */
export type SetDraft = { mode: "in" | "notIn"; values: string[] };
export type FlagDraft = "any" | "yes" | "no";

export interface CategoryDraft {
	wanted: boolean;
	ranges: Record<string, RangeDraft>;
	sets: Record<string, SetDraft>;
	flags: Record<string, FlagDraft>;
}

export type Draft = Partial<Record<Category, CategoryDraft>>;

/** The server keeps at most this many values per set constraint (domain/interests.ts). */
export const maxSetValues = 50;

/** Risk levels run 1–5: a slider at an end is the same as no bound at all. */
export const riskLevels = { min: 1, max: 5 } as const;

/** A problem, as a text key and its parameters (numbers in the field's display unit). */
export interface Problem {
	key: string;
	params?: Record<string, number>;
}

/** Per field: what is wrong with the min, the max, both together, or a set. */
export interface FieldProblems {
	min?: Problem;
	max?: Problem;
	range?: Problem;
	set?: Problem;
}

/** "reit.dividendYield" → its problems; only fields with a problem are present. */
export type DraftProblems = Record<string, FieldProblems>;

export const fieldKey = (category: Category, field: string) => `${category}.${field}`;

/** Categories the schema offers, in the house's fixed order. */
export function schemaCategories(schema: InterestsSchema): Category[] {
	return categories.filter((category) => schema.categories[category]);
}

// Units: fractions are shown and typed as percent; everything else as stored.

const round = (value: number) => Math.round(value * 1e9) / 1e9;

export function toDisplay(field: InterestField, value: number): number {
	return field.unit === "fraction" ? round(value * 100) : value;
}

export function fromDisplay(field: InterestField, value: number): number {
	return field.unit === "fraction" ? round(value / 100) : value;
}

/**
 * Sane bounds, in percent, for what a client may type in a fraction field: returns can be
 * negative, a percentage of an index or a volatility can pass 100 %, fees and yields cannot.
 */
const percentBounds: Readonly<Record<string, { min: number; max: number }>> = {
	totalReturn12m: { min: -100, max: 1000 },
	return12m: { min: -100, max: 1000 },
	volatility: { min: 0, max: 500 },
	percentOfIndex: { min: 0, max: 500 },
	spread: { min: -100, max: 100 },
} satisfies Partial<Record<InterestFieldName, { min: number; max: number }>>;
const defaultPercentBounds = { min: 0, max: 100 };

export function percentBoundsOf(field: InterestField): { min: number; max: number } {
	return percentBounds[field.name] ?? defaultPercentBounds;
}

/**
 * A number as people type it: "8", "8,5", "8.5", "1.000" or "1.000,50" in pt-BR, "1,000.50"
 * in en. A "." (pt-BR) or "," (en) followed by groups of three digits is a thousands
 * separator; otherwise either mark is a decimal point, since people mix them up.
 * Empty is `undefined` (no bound); anything else that is not a number is `null`.
 */
export function parseDecimal(text: string, locale: Locale): number | null | undefined {
	const compact = text.replace(/\s|%|R\$/g, "");
	if (compact === "") return undefined;
	const group = locale === "pt-BR" ? "\\." : ",";
	const decimal = locale === "pt-BR" ? "," : "\\.";
	const grouped = new RegExp(`^-?[1-9]\\d{0,2}(${group}\\d{3})+(${decimal}\\d+)?$`);
	const ungrouped = grouped.test(compact) ? compact.replace(new RegExp(group, "g"), "") : compact;
	const normalized = ungrouped.replace(",", ".");
	return /^-?(\d+\.?\d*|\.\d+)$/.test(normalized) ? Number(normalized) : null;
}

/** A stored bound as the client would type it in their language: 0.085 → "8,5" in pt-BR. */
export function formatBound(field: InterestField, value: number, locale: Locale): string {
	const text = String(toDisplay(field, value));
	return locale === "pt-BR" ? text.replace(".", ",") : text;
}

// Stored interests → draft

function emptyCategory(fields: InterestField[], wanted: boolean): CategoryDraft {
	const draft: CategoryDraft = { wanted, ranges: {}, sets: {}, flags: {} };
	for (const field of fields) {
		if (field.kind === "number") draft.ranges[field.name] = { min: "", max: "" };
		else if (field.kind === "set") draft.sets[field.name] = { mode: "in", values: [] };
		else draft.flags[field.name] = "any";
	}
	return draft;
}

/** Both `in` and `notIn` at once means "in, minus notIn": the form keeps that as `in`. */
function setDraft(constraint: SetConstraint): SetDraft {
	if (constraint.in) {
		const excluded = new Set(constraint.notIn ?? []);
		return { mode: "in", values: constraint.in.filter((value) => !excluded.has(value)) };
	}
	return { mode: "notIn", values: [...(constraint.notIn ?? [])] };
}

export function toDraft(schema: InterestsSchema, interests: Interests, locale: Locale): Draft {
	const draft: Draft = {};
	for (const category of schemaCategories(schema)) {
		const fields = schema.categories[category];
		const stored = interests[category];
		const editing = emptyCategory(fields, stored !== undefined);
		for (const field of fields) {
			const constraint = stored?.[field.name];
			if (constraint === undefined) continue;
			if (field.kind === "number") {
				const { min, max } = constraint as RangeConstraint;
				editing.ranges[field.name] = {
					min: min === undefined ? "" : formatBound(field, min, locale),
					max: max === undefined ? "" : formatBound(field, max, locale),
				};
			} else if (field.kind === "set") editing.sets[field.name] = setDraft(constraint as SetConstraint);
			else editing.flags[field.name] = constraint === true ? "yes" : "no";
		}
		draft[category] = editing;
	}
	return draft;
}

// Draft → what is wrong with it

function boundProblem(field: InterestField, value: number | null | undefined): Problem | undefined {
	if (value === undefined) return undefined;
	if (value === null) return { key: "interests.errors.number" };
	switch (field.unit) {
		case "fraction": {
			const bounds = percentBoundsOf(field);
			return value < bounds.min || value > bounds.max
				? { key: "interests.errors.percentRange", params: bounds }
				: undefined;
		}
		case "level":
			return Number.isInteger(value) && value >= riskLevels.min && value <= riskLevels.max
				? undefined
				: { key: "interests.errors.level", params: riskLevels };
		case "days":
			if (value < 0) return { key: "interests.errors.negative" };
			return Number.isInteger(value) ? undefined : { key: "interests.errors.wholeDays" };
		default:
			return value < 0 ? { key: "interests.errors.negative" } : undefined;
	}
}

export function rangeProblems(field: InterestField, range: RangeDraft, locale: Locale): FieldProblems {
	const min = parseDecimal(range.min, locale);
	const max = parseDecimal(range.max, locale);
	const problems: FieldProblems = { min: boundProblem(field, min), max: boundProblem(field, max) };
	if (typeof min === "number" && typeof max === "number" && min > max)
		problems.range = { key: "interests.errors.order" };
	return problems;
}

function hasProblem(problems: FieldProblems): boolean {
	return Object.values(problems).some((problem) => problem !== undefined);
}

/** Only wanted categories count: a switched-off category keeps its draft but is not sent. */
export function draftProblems(schema: InterestsSchema, draft: Draft, locale: Locale): DraftProblems {
	const found: DraftProblems = {};
	for (const category of schemaCategories(schema)) {
		const editing = draft[category];
		if (!editing?.wanted) continue;
		for (const field of schema.categories[category]) {
			let problems: FieldProblems = {};
			if (field.kind === "number") problems = rangeProblems(field, editing.ranges[field.name], locale);
			else if (field.kind === "set" && editing.sets[field.name].values.length > maxSetValues)
				problems = { set: { key: "interests.errors.tooMany", params: { max: maxSetValues } } };
			if (hasProblem(problems)) found[fieldKey(category, field.name)] = problems;
		}
	}
	return found;
}

// Draft → stored interests (what the preview and the save send)

export function toInterests(schema: InterestsSchema, draft: Draft, locale: Locale): Interests {
	const interests: Interests = {};
	for (const category of schemaCategories(schema)) {
		const editing = draft[category];
		if (!editing?.wanted) continue;
		const constraints: Record<string, RangeConstraint | SetConstraint | boolean> = {};
		for (const field of schema.categories[category]) {
			if (field.kind === "number") {
				const range: RangeConstraint = {};
				const { min, max } = editing.ranges[field.name];
				const low = parseDecimal(min, locale);
				const high = parseDecimal(max, locale);
				if (typeof low === "number") range.min = fromDisplay(field, low);
				if (typeof high === "number") range.max = fromDisplay(field, high);
				if (range.min !== undefined || range.max !== undefined) constraints[field.name] = range;
			} else if (field.kind === "set") {
				const { mode, values } = editing.sets[field.name];
				if (values.length > 0) constraints[field.name] = { [mode]: values };
			} else {
				const flag = editing.flags[field.name];
				if (flag !== "any") constraints[field.name] = flag === "yes";
			}
		}
		interests[category] = constraints;
	}
	return interests;
}

/** The values a set field offers: the schema's, then any saved ones products no longer hold. */
export function setOptions(field: InterestField, chosen: string[]): string[] {
	const offered = field.values ?? [];
	return [...offered, ...chosen.filter((value) => !offered.includes(value))];
}
