/**
 * Money, percentages, numbers and dates in the active locale, with Intl (formatters are
 * cached per locale). Pipes are impure on purpose: they read the language signal, so a
 * language switch re-renders every value without a reload.
 */
import { Injectable, inject, Pipe, type PipeTransform } from "@angular/core";
import { Language } from "./i18n";
import type { Locale } from "./models";

type Formatters = {
	brl: Intl.NumberFormat;
	percent: Intl.NumberFormat;
	number: Intl.NumberFormat;
	date: Intl.DateTimeFormat;
	dateTime: Intl.DateTimeFormat;
	day: Intl.DateTimeFormat;
};

const cache = new Map<Locale, Formatters>();

export function formattersFor(locale: Locale): Formatters {
	let formatters = cache.get(locale);
	if (!formatters) {
		formatters = {
			brl: new Intl.NumberFormat(locale, { style: "currency", currency: "BRL" }),
			percent: new Intl.NumberFormat(locale, {
				style: "percent",
				minimumFractionDigits: 0,
				maximumFractionDigits: 2,
			}),
			number: new Intl.NumberFormat(locale),
			date: new Intl.DateTimeFormat(locale, { dateStyle: "medium" }),
			dateTime: new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "short" }),
			// Days from the API are São Paulo calendar dates (YYYY-MM-DD): shown as such, in UTC.
			day: new Intl.DateTimeFormat(locale, { day: "2-digit", month: "short", timeZone: "UTC" }),
		};
		cache.set(locale, formatters);
	}
	return formatters;
}

const fixed = new Map<string, Intl.NumberFormat>();
function fixedPercent(locale: Locale, digits: number): Intl.NumberFormat {
	const key = `${locale}|${digits}`;
	let format = fixed.get(key);
	if (!format) {
		format = new Intl.NumberFormat(locale, {
			style: "percent",
			minimumFractionDigits: digits,
			maximumFractionDigits: digits,
		});
		fixed.set(key, format);
	}
	return format;
}

@Injectable({ providedIn: "root" })
export class Format {
	private readonly language = inject(Language);
	private get f() {
		return formattersFor(this.language.current());
	}
	brl(value: number | null | undefined): string {
		return value == null ? "—" : this.f.brl.format(value);
	}
	/**
	 * Fractions: 0.091 → 9,1 %. `fractionDigits` fixes the decimals, so two values side by side
	 * read alike (0,50% → 0,49%).
	 */
	percent(value: number | null | undefined, fractionDigits?: number): string {
		if (value == null) return "—";
		if (fractionDigits === undefined) return this.f.percent.format(value);
		return fixedPercent(this.language.current(), fractionDigits).format(value);
	}
	number(value: number | null | undefined): string {
		return value == null ? "—" : this.f.number.format(value);
	}
	date(value: string | null | undefined): string {
		return value ? this.f.date.format(new Date(value)) : "—";
	}
	dateTime(value: string | null | undefined): string {
		return value ? this.f.dateTime.format(new Date(value)) : "—";
	}
	/** A calendar day "2026-11-26" → "26 de nov.". */
	day(value: string): string {
		return this.f.day.format(new Date(`${value}T00:00:00Z`));
	}
}

@Pipe({ name: "brl", pure: false })
export class BrlPipe implements PipeTransform {
	private readonly format = inject(Format);
	transform(value: number | null | undefined): string {
		return this.format.brl(value);
	}
}

@Pipe({ name: "percent", pure: false })
export class PercentPipe implements PipeTransform {
	private readonly format = inject(Format);
	transform(value: number | null | undefined): string {
		return this.format.percent(value);
	}
}

@Pipe({ name: "num", pure: false })
export class NumberPipe implements PipeTransform {
	private readonly format = inject(Format);
	transform(value: number | null | undefined): string {
		return this.format.number(value);
	}
}

/** `when` and not `date`, so it can never be confused with Angular's own date pipe. */
@Pipe({ name: "when", pure: false })
export class WhenPipe implements PipeTransform {
	private readonly format = inject(Format);
	transform(value: string | null | undefined, style: "date" | "dateTime" = "date"): string {
		return style === "dateTime" ? this.format.dateTime(value) : this.format.date(value);
	}
}
