/**
 * How one value of a product reads in the active language. Pure functions: they are
 * handed the Format service (numbers, money, dates in the active locale) and the feed's
 * words for that locale, so the same inputs always give the same text and tests need no
 * component.
 */
import type { InterestFieldName, InterestFieldUnits } from "@domain/interests";
import type { FactName } from "@domain/product-facts";
import type { Format } from "../../core/format";
import type { Locale } from "../../core/models";
import { type FeedWords, feedWords } from "./i18n";

export type Formatter = Pick<Format, "brl" | "percent" | "number" | "date">;

export interface Wording {
	format: Formatter;
	words: FeedWords;
}

export function wording(locale: Locale, format: Formatter): Wording {
	return { format, words: feedWords[locale] };
}

/**
 * How a field's values are written. Fractions are rates, fees, yields and returns
 * (0.091 = 9,1%); `level` is the 1–5 risk scale; `index` a rate index (PRE reads "Pré").
 */
export type Unit = "fraction" | "BRL" | "days" | "level" | "risk" | "index" | "date" | "text";

/**
 * The unit of each field a reason or a change names, where it is not text (the backend's
 * interests catalogue says the same of its fields; the feed does not load it).
 */
export const fieldUnits: Readonly<Record<string, Unit>> = {
	dividendYield: "fraction",
	totalReturn12m: "fraction",
	volatility: "fraction",
	maxDrawdown: "fraction",
	adminFee: "fraction",
	performanceFee: "fraction",
	return12m: "fraction",
	spread: "fraction",
	percentOfIndex: "fraction",
	meanDailyTradedValue: "BRL",
	minimumInvestment: "BRL",
	redemptionDays: "days",
	termDays: "days",
	riskLevel: "level",
	rateIndex: "index",
	maturityDate: "date",
} satisfies InterestFieldUnits & Partial<Record<InterestFieldName | FactName, Unit>>;

/** "{{count}} dias" with { count: "30" } → "30 dias". */
export function fill(template: string, params: Record<string, string>): string {
	return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => params[key] ?? whole);
}

/** A field's label in the active language; an unknown field shows its own name rather than nothing. */
export function fieldLabel(field: string, w: Wording): string {
	return (w.words.fields as Record<string, string>)[field] ?? field;
}

export function formatValue(value: unknown, unit: Unit, w: Wording): string {
	const { format, words } = w;
	if (typeof value === "boolean") return value ? words.values.yes : words.values.no;
	if (typeof value === "number") {
		switch (unit) {
			case "fraction":
				return format.percent(value);
			case "BRL":
				return format.brl(value);
			case "days":
				return fill(value === 1 ? words.values.day : words.values.days, { count: format.number(value) });
			case "risk":
				return fill(words.values.risk, { level: format.number(value) });
			default:
				return format.number(value);
		}
	}
	if (typeof value === "string") {
		if (unit === "index") return value === "PRE" ? words.values.fixed : value;
		// Noon local time: a calendar day never shifts to the day before in any time zone.
		if (unit === "date" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return format.date(`${value}T12:00:00`);
		return value;
	}
	return String(value);
}

/** "110% do CDI", "IPCA + 6,15%", "Pré 12,4%", "100% do CDI + 0,5%". */
export function formatRate(
	rate: { index: string; percentOfIndex?: number; spread?: number },
	w: Wording,
): string {
	const { format, words } = w;
	const spread = rate.spread == null ? undefined : format.percent(rate.spread);
	if (rate.index === "PRE") return spread ? `${words.values.fixed} ${spread}` : words.values.fixed;
	const base =
		rate.percentOfIndex == null
			? rate.index
			: fill(words.values.ofIndex, { percent: format.percent(rate.percentOfIndex), index: rate.index });
	return spread ? `${base} + ${spread}` : base;
}

/** Only absolute http(s) links: a crawled `javascript:` or `data:` URL must never become a link. */
export function httpUrl(url: string | undefined): string | undefined {
	if (!url) return undefined;
	try {
		const parsed = new URL(url);
		return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
	} catch {
		return undefined;
	}
}
