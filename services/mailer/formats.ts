/**
 * How the e-mail writes values, in the subscriber's language: money, percentages, days,
 * dates and rates ("R$ 1.000,00", "12,5%", "IPCA + 6,15%" / "BRL 1,000.00"…). Used by the
 * digest's content and by what-changed lines alike.
 */
import type { Rate } from "../../domain/product.ts";
import { resolveLocale } from "./templates.ts";

export type DigestLocale = "pt-BR" | "en";

export const words = {
	"pt-BR": { yes: "Sim", no: "Não", day: "dia", days: "dias", of: "do", fixed: "Pré" },
	en: { yes: "Yes", no: "No", day: "day", days: "days", of: "of", fixed: "Fixed" },
} as const;

/** The digest's language: English for any `en*` locale, else pt-BR (as the templates resolve it). */
export function digestLocale(locale: string): DigestLocale {
	return resolveLocale(["en", "pt-BR"], locale) as DigestLocale;
}

/**
 * Intl formatters are costly to build (~20 µs) and a digest formats dozens of values: each
 * is built once per locale and kind, under a key spelled by hand (spelling the key from the
 * options, as JSON, for every value cost about as much as the formatting: bench mail).
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function reuse<F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => F): F {
	let format = formatters.get(key) as F | undefined;
	if (!format) {
		format = make();
		formatters.set(key, format);
	}
	return format;
}

/** Plain numbers in the locale: "1.234,5" / "1,234.5". */
export function numberFormat(locale: string): Intl.NumberFormat {
	return reuse(`number|${locale}`, () => new Intl.NumberFormat(locale));
}

/** Intl puts no-break spaces in "R$ 1,00" and "BRL 1.00": plain spaces read the same everywhere. */
const plainSpaces = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

export function formatBrl(locale: DigestLocale, value: number): string {
	const format = reuse(`brl|${locale}`, () => {
		const options: Intl.NumberFormatOptions = { style: "currency", currency: "BRL" };
		if (locale === "en") options.currencyDisplay = "code";
		return new Intl.NumberFormat(locale, options);
	});
	return plainSpaces(format.format(value));
}

/** A fraction as a percentage: 0.125 → "12,5%" / "12.5%". */
export function formatPercent(locale: DigestLocale, fraction: number, minimumFractionDigits = 0): string {
	const format = reuse(
		`percent|${locale}|${minimumFractionDigits}`,
		() =>
			new Intl.NumberFormat(locale, {
				style: "percent",
				minimumFractionDigits,
				maximumFractionDigits: Math.max(2, minimumFractionDigits),
			}),
	);
	return plainSpaces(format.format(fraction));
}

export function formatDays(locale: DigestLocale, days: number): string {
	const number = numberFormat(locale).format(days);
	return `${number} ${days === 1 ? words[locale].day : words[locale].days}`;
}

/** An ISO date (YYYY-MM-DD): "15/01/2028" / "Jan 15, 2028"; anything else as given. */
export function formatDate(locale: DigestLocale, iso: string): string {
	const date = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
	if (!/^\d{4}-\d{2}-\d{2}/.test(iso) || Number.isNaN(date.getTime())) return iso;
	const format = reuse(
		`date|${locale}`,
		() =>
			new Intl.DateTimeFormat(
				locale,
				locale === "en" ? { dateStyle: "medium", timeZone: "UTC" } : { timeZone: "UTC" },
			),
	);
	return format.format(date);
}

export function indexLabel(locale: DigestLocale, index: string): string {
	return index === "PRE" ? words[locale].fixed : index;
}

/** "110% do CDI", "IPCA + 6,15%", "Pré 12,40%" / "110% of CDI", "IPCA + 6.15%", "Fixed 12.40%". */
export function formatRate(locale: DigestLocale, rate: Rate): string {
	const spread = rate.spread !== undefined ? formatPercent(locale, rate.spread, 2) : undefined;
	if (rate.index === "PRE") return spread ? `${words[locale].fixed} ${spread}` : words[locale].fixed;
	const base =
		rate.percentOfIndex !== undefined
			? `${formatPercent(locale, rate.percentOfIndex)} ${words[locale].of} ${rate.index}`
			: rate.index;
	return spread ? `${base} + ${spread}` : base;
}
