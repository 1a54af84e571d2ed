/**
 * The product fields a crawled value may fill, each with the parser its text needs and the
 * categories that have it. One table for html definitions, CSV columns and JSON picks, so
 * "12,5%" means the same wherever it was read.
 */
import type { Category } from "../../domain/product.ts";
import {
	cleanText,
	parseBoolean,
	parseDate,
	parseMoney,
	parseNumber,
	parsePercent,
	parseRate,
	parseTermDays,
} from "./formats.ts";

/** Longest text kept per field: crawled strings are cut, never stored whole. */
export const textLimits = { name: 200, description: 2000, other: 200 } as const;

const text = (input: unknown) => cleanText(input, textLimits.other);

export const parsers = {
	text,
	name: (input: unknown) => cleanText(input, textLimits.name),
	description: (input: unknown) => cleanText(input, textLimits.description),
	money: parseMoney,
	percent: parsePercent,
	rate: parseRate,
	date: parseDate,
	days: parseTermDays,
	number: parseNumber,
	boolean: parseBoolean,
	/** The 1–5 scale: anything else is not a risk level we can place. */
	risk: (input: unknown) => {
		const value = parseNumber(input);
		return value !== undefined && Number.isInteger(value) && value >= 1 && value <= 5 ? value : undefined;
	},
	ticker: (input: unknown) => {
		const value = typeof input === "string" ? input.trim().toUpperCase().replace(/\.SA$/, "") : undefined;
		return value && /^[A-Z0-9]{4,6}$/.test(value) ? value : undefined;
	},
	cnpj: (input: unknown) => {
		const digits =
			typeof input === "string" || typeof input === "number" ? String(input).replace(/\D/g, "") : "";
		return digits.length === 14 ? digits : undefined;
	},
	/** ISO 6166: two letters, nine letters or digits, a check digit (Luhn over letters as 10–35). */
	isin: (input: unknown) => {
		const value = typeof input === "string" ? input.trim().toUpperCase() : "";
		if (!/^[A-Z]{2}[A-Z0-9]{9}\d$/.test(value)) return undefined;
		const digits = [...value].map((char) => Number.parseInt(char, 36)).join("");
		let sum = 0;
		for (let i = 0; i < digits.length; i++) {
			let digit = Number(digits[digits.length - 1 - i]);
			if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
			sum += digit;
		}
		return sum % 10 === 0 ? value : undefined;
	},
	/** "Isento" / "Tributado" as brokers print tax treatment, besides sim/não. */
	taxExempt: (input: unknown) => {
		if (typeof input === "string" && /^\s*isento/i.test(input)) return true;
		if (typeof input === "string" && /^\s*tributad/i.test(input)) return false;
		return parseBoolean(input);
	},
	/** "Sim" / "100% do capital protegido" / "Não". */
	protected: (input: unknown) => {
		if (typeof input === "string" && /protegid/i.test(input) && !/n[aã]o/i.test(input)) return true;
		return parseBoolean(input);
	},
	/**
	 * Who may buy it, as sources word it: BTG's `investmentType` ("Investidores em geral",
	 * "Investidores qualificados"), CVM's `Publico_Alvo` ("Geral", "Qualificado",
	 * "Profissional"), or our own words.
	 */
	audience: (input: unknown) => {
		if (typeof input !== "string") return undefined;
		// BTG also writes "Investidores em geral (Não qualificados)": a negated audience is not it.
		const text = input
			.normalize("NFD")
			.replace(/\p{M}/gu, "")
			.toLowerCase()
			.replace(/\b(nao|non)[ -]?(qualific|profission)\w*/g, "");
		if (/profission|professional/.test(text)) return "professional";
		if (/qualific|qualified/.test(text)) return "qualified";
		if (/geral|general|varejo|retail|publico em geral/.test(text)) return "general";
		return undefined;
	},
	/** Plan types are codes: "pgbl " → "PGBL". */
	code: (input: unknown) => {
		const value = typeof input === "string" ? input.trim().toUpperCase() : undefined;
		return value && /^[A-Z0-9_]{2,30}$/.test(value) ? value : undefined;
	},
	/**
	 * "No vencimento" (only at maturity) means there is no early redemption: a known absence
	 * (null), not an unreadable value.
	 */
	redemption: (input: unknown) =>
		typeof input === "string" && /^\s*(no|s[oó] no|apenas no) vencimento\s*$/i.test(input)
			? null
			: parseTermDays(input),
} satisfies Record<string, (input: unknown) => unknown>;

export type ParserName = keyof typeof parsers;
export const parserNames = Object.keys(parsers) as ParserName[];

const all: Category[] = ["stock", "reit", "fund", "coe", "pension", "fixed_income"];

export const fieldParsers: Record<string, { parse: ParserName; categories: Category[] }> = {
	name: { parse: "name", categories: all },
	description: { parse: "description", categories: all },
	issuer: { parse: "text", categories: all },
	url: { parse: "text", categories: all },
	riskLevel: { parse: "risk", categories: all },
	minimumInvestment: { parse: "money", categories: all },
	return12m: { parse: "percent", categories: all },
	audience: { parse: "audience", categories: all },
	openToInvestment: { parse: "boolean", categories: all },
	ticker: { parse: "ticker", categories: ["stock", "reit"] },
	sector: { parse: "text", categories: ["stock"] },
	segment: { parse: "text", categories: ["reit"] },
	fundType: { parse: "text", categories: ["fund", "pension"] },
	adminFee: { parse: "percent", categories: ["fund", "pension"] },
	performanceFee: { parse: "percent", categories: ["fund", "pension"] },
	redemptionDays: { parse: "redemption", categories: ["fund", "pension", "fixed_income"] },
	cnpj: { parse: "cnpj", categories: ["fund", "pension"] },
	isin: { parse: "isin", categories: ["coe", "fixed_income"] },
	benchmark: { parse: "text", categories: ["fund"] },
	fundName: { parse: "text", categories: ["pension"] },
	susepProcess: { parse: "text", categories: ["pension"] },
	unitPrice: { parse: "money", categories: ["fixed_income"] },
	underlying: { parse: "text", categories: ["coe"] },
	protectedCapital: { parse: "protected", categories: ["coe"] },
	maturityDate: { parse: "date", categories: ["coe", "fixed_income"] },
	termDays: { parse: "days", categories: ["coe", "fixed_income"] },
	planType: { parse: "code", categories: ["pension"] },
	instrument: { parse: "text", categories: ["fixed_income"] },
	rate: { parse: "rate", categories: ["fixed_income"] },
	taxExempt: { parse: "taxExempt", categories: ["fixed_income"] },
};

/** A value that was there but could not be read: left empty and reported, never guessed. */
export interface Unparsed {
	field: string;
	value: string;
}

/** Shows a crawled value in a report without carrying megabytes or markup along. */
export function preview(value: unknown): string {
	const shown = typeof value === "string" ? value : JSON.stringify(value);
	return (cleanText(shown ?? "", 60) ?? "").slice(0, 60);
}

/**
 * Reads the given raw values into product fields of `category`. Values the category has no
 * field for are ignored; blank values, and those a parser knows to mean "none" (null), are
 * simply absent; unreadable ones (undefined) are reported.
 */
export function readFields(
	raw: Record<string, unknown>,
	category: Category,
	rules: Record<string, ParserName | undefined> = {},
): { values: Record<string, unknown>; unparsed: Unparsed[] } {
	const values: Record<string, unknown> = {};
	const unparsed: Unparsed[] = [];
	for (const [field, input] of Object.entries(raw)) {
		const known = Object.hasOwn(fieldParsers, field) ? fieldParsers[field] : undefined;
		if (!known?.categories.includes(category)) continue;
		if (input === undefined || input === null || (typeof input === "string" && input.trim() === "")) continue;
		const value = parsers[rules[field] ?? known.parse](input);
		if (value === null) continue;
		if (value === undefined) unparsed.push({ field, value: preview(input) });
		else values[field] = value;
	}
	return { values, unparsed };
}
