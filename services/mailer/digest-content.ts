/**
 * The data of the `digest` e-mail: matched products turned into what a reader sees, each
 * value formatted in the subscriber's language (Intl), each match reason as a sentence.
 * Crawled text is neither escaped nor stripped here: the HTML template escapes it and the
 * text part is plain text.
 */
import type { FieldChange, Notice } from "../../domain/changes.ts";
import { type FieldUnit, type InterestField, interestFields } from "../../domain/interests.ts";
import type { MatchReason } from "../../domain/notification.ts";
import { type Category, type Product, type Rate, valueAt } from "../../domain/product.ts";
import { rankedVenues, venueLabel } from "../../domain/venues.ts";
import { changeTexts, noticeTexts } from "./change-text.ts";
import { httpUrl, resolveLocale } from "./templates.ts";

/** Products shown in one e-mail; the rest are counted in `more` ("and N more in the app"). */
export const maxDigestProducts = 50;

export type DigestLocale = "pt-BR" | "en";
export type DigestFrequency = "immediate" | "daily" | "weekly";

export interface DigestInput {
	locale: string;
	name: string;
	frequency: DigestFrequency;
	/** The app's base URL (PUBLIC_URL); the e-mail links to its feed, `${appUrl}/dicas`. */
	appUrl: string;
	items: DigestItem[];
}

/** A notification as the e-mail needs it: the product, why, and what changed or why it is a notice. */
export interface DigestItem {
	product: Product;
	reasons: MatchReason[];
	/** The source whose venue met the client (domain/venues.ts). */
	venue?: string;
	changes?: FieldChange[];
	notice?: Notice;
}

export interface DigestField {
	label: string;
	value: string;
}

export interface DigestProduct {
	name: string;
	categoryLabel: string;
	issuer?: string;
	/** Only when the product's URL is an absolute http(s) URL. */
	url?: string;
	fields: DigestField[];
	reasons: string[];
	/** "Taxa de administração 0,50% → 0,49%": what changed since it was published before. */
	changes: string[];
	/** "No longer available…" rather than a tip. */
	notice?: string;
	/** Where it is sold, side by side, best first; only for a product sold at several venues. */
	venues: DigestVenue[];
}

/** One venue of a product, as the e-mail shows it. */
export interface DigestVenue {
	label: string;
	minimum?: string;
	adminFee?: string;
	/** Only an absolute http(s) URL. */
	url?: string;
	/** The venue whose conditions met the client: the reasons are its. */
	matched: boolean;
	/** Closed to new investment there. */
	closed: boolean;
}

/** The venues side by side, best first (domain/venues.ts); none for a product sold at one. */
function digestVenues(locale: DigestLocale, product: Product, matched: string | undefined): DigestVenue[] {
	const venues = rankedVenues(product);
	if (venues.length < 2) return [];
	return venues.map((venue) => {
		const url = httpUrl(venue.url);
		return {
			label: venueLabel(venue),
			...(venue.minimumInvestment === undefined
				? {}
				: { minimum: formatBrl(locale, venue.minimumInvestment) }),
			...(venue.adminFee === undefined ? {} : { adminFee: formatPercent(locale, venue.adminFee, 2) }),
			...(url ? { url } : {}),
			matched: venue.source === matched,
			closed: venue.openToInvestment === false || venue.withdrawnAt !== undefined,
		};
	});
}

export const categoryLabels: Record<DigestLocale, Record<Category, string>> = {
	"pt-BR": {
		stock: "Ações",
		reit: "FIIs",
		fund: "Fundos",
		coe: "COE",
		pension: "Previdência",
		fixed_income: "Renda fixa",
	},
	en: {
		stock: "Stocks",
		reit: "REITs (FIIs)",
		fund: "Funds",
		coe: "COE",
		pension: "Pension",
		fixed_income: "Fixed income",
	},
};

const words = {
	"pt-BR": { yes: "Sim", no: "Não", day: "dia", days: "dias", of: "do", fixed: "Pré" },
	en: { yes: "Yes", no: "No", day: "day", days: "days", of: "of", fixed: "Fixed" },
} as const;

/** The digest's language: English for any `en*` locale, else pt-BR (as the templates resolve it). */
export function digestLocale(locale: string): DigestLocale {
	return resolveLocale(["en", "pt-BR"], locale) as DigestLocale;
}

/** Intl formatters are costly to build (~20 µs) and a digest formats dozens of values: reuse them. */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
	const key = `n|${locale}|${JSON.stringify(options)}`;
	let format = formatters.get(key) as Intl.NumberFormat | undefined;
	if (!format) {
		format = new Intl.NumberFormat(locale, options);
		formatters.set(key, format);
	}
	return format;
}
function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const key = `d|${locale}|${JSON.stringify(options)}`;
	let format = formatters.get(key) as Intl.DateTimeFormat | undefined;
	if (!format) {
		format = new Intl.DateTimeFormat(locale, options);
		formatters.set(key, format);
	}
	return format;
}

/** Intl puts no-break spaces in "R$ 1,00" and "BRL 1.00": plain spaces read the same everywhere. */
const plainSpaces = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

export function formatBrl(locale: DigestLocale, value: number): string {
	const options: Intl.NumberFormatOptions = { style: "currency", currency: "BRL" };
	if (locale === "en") options.currencyDisplay = "code";
	return plainSpaces(numberFormat(locale, options).format(value));
}

/** A fraction as a percentage: 0.125 → "12,5%" / "12.5%". */
export function formatPercent(locale: DigestLocale, fraction: number, minimumFractionDigits = 0): string {
	return plainSpaces(
		numberFormat(locale, {
			style: "percent",
			minimumFractionDigits,
			maximumFractionDigits: Math.max(2, minimumFractionDigits),
		}).format(fraction),
	);
}

export function formatDays(locale: DigestLocale, days: number): string {
	const number = numberFormat(locale).format(days);
	return `${number} ${days === 1 ? words[locale].day : words[locale].days}`;
}

/** An ISO date (YYYY-MM-DD): "15/01/2028" / "Jan 15, 2028"; anything else as given. */
export function formatDate(locale: DigestLocale, iso: string): string {
	const date = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
	if (!/^\d{4}-\d{2}-\d{2}/.test(iso) || Number.isNaN(date.getTime())) return iso;
	const options: Intl.DateTimeFormatOptions =
		locale === "en" ? { dateStyle: "medium", timeZone: "UTC" } : { timeZone: "UTC" };
	return dateFormat(locale, options).format(date);
}

function indexLabel(locale: DigestLocale, index: string): string {
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

type Kind = FieldUnit | "date" | "rate" | "boolean" | "text";

function formatValue(locale: DigestLocale, kind: Kind, value: unknown): string {
	if (typeof value === "boolean") return value ? words[locale].yes : words[locale].no;
	if (typeof value === "number") {
		if (kind === "fraction") return formatPercent(locale, value);
		if (kind === "BRL") return formatBrl(locale, value);
		if (kind === "days") return formatDays(locale, value);
		return numberFormat(locale).format(value);
	}
	if (kind === "rate" && typeof value === "object" && value !== null)
		return formatRate(locale, value as Rate);
	if (typeof value === "string" && kind === "date") return formatDate(locale, value);
	return String(value);
}

/** Key fields shown per category; the label comes from the interests catalogue unless given here. */
interface KeyField {
	paths: string[];
	kind: Kind;
	label?: Record<DigestLocale, string>;
}

const ticker: KeyField = { paths: ["ticker"], kind: "text", label: { "pt-BR": "Código", en: "Ticker" } };
const maturity: KeyField = {
	paths: ["maturityDate"],
	kind: "date",
	label: { "pt-BR": "Vencimento", en: "Maturity" },
};
const field = (path: string, kind: Kind): KeyField => ({ paths: [path], kind });
const market = (last: string): KeyField[] => [
	field("metrics.dividendYield", "fraction"),
	{ paths: ["metrics.totalReturn12m", "return12m"], kind: "fraction" },
	ticker,
	field(last, "text"),
];

export const keyFields: Record<Category, KeyField[]> = {
	stock: market("sector"),
	reit: market("segment"),
	fund: [
		field("minimumInvestment", "BRL"),
		field("adminFee", "fraction"),
		field("return12m", "fraction"),
		field("redemptionDays", "days"),
		field("fundType", "text"),
	],
	coe: [
		field("minimumInvestment", "BRL"),
		field("termDays", "days"),
		maturity,
		field("protectedCapital", "boolean"),
		field("underlying", "text"),
	],
	pension: [field("minimumInvestment", "BRL"), field("adminFee", "fraction"), field("planType", "text")],
	fixed_income: [
		{ paths: ["rate"], kind: "rate", label: { "pt-BR": "Taxa", en: "Rate" } },
		maturity,
		field("minimumInvestment", "BRL"),
		field("taxExempt", "boolean"),
		field("instrument", "text"),
	],
};

/** A catalogue label without its unit in parentheses when the value carries it ("Prazo (dias)"). */
function catalogueLabel(locale: DigestLocale, entry: InterestField): string {
	const label = entry.label[locale];
	return entry.unit === "days" ? label.replace(/\s*\((dias|days)\)$/, "") : label;
}

function productFields(locale: DigestLocale, product: Product): DigestField[] {
	const fields: DigestField[] = [];
	for (const key of keyFields[product.category]) {
		const value = key.paths.map((path) => valueAt(product, path)).find((v) => v !== undefined && v !== "");
		if (value === undefined || value === null) continue;
		const entry = interestFields[product.category].find((f) => f.path === key.paths[0]);
		const label = key.label?.[locale] ?? (entry ? catalogueLabel(locale, entry) : key.paths[0]);
		fields.push({ label: label as string, value: formatValue(locale, key.kind, value) });
	}
	return fields;
}

/** "Dividend yield (12 meses) 9,1% ≥ 8%", "Segmento ∈ Logística, Shoppings", "Isento de IR = Sim". */
export function reasonText(locale: DigestLocale, category: Category, reason: MatchReason): string {
	const entry = interestFields[category]?.find((f) => f.name === reason.field);
	const label = entry ? catalogueLabel(locale, entry) : reason.field;
	const kind: Kind = entry?.kind === "number" ? (entry.unit ?? "text") : "text";
	const one = (value: unknown) =>
		entry?.name === "rateIndex" && typeof value === "string"
			? indexLabel(locale, value)
			: formatValue(locale, kind, value);
	if (reason.operator === "∈" || reason.operator === "∉") {
		const bound = Array.isArray(reason.bound) ? reason.bound : [reason.bound];
		return `${label} ${reason.operator} ${bound.map(one).join(", ")}`;
	}
	if (reason.operator === "=") return `${label} = ${one(reason.bound)}`;
	return `${label} ${one(reason.value)} ${reason.operator} ${one(reason.bound)}`;
}

export function digestProduct(locale: DigestLocale, item: DigestItem): DigestProduct {
	const { product } = item;
	const url = httpUrl(product.url);
	return {
		name: product.name,
		categoryLabel: categoryLabels[locale][product.category] ?? product.category,
		...(product.issuer ? { issuer: product.issuer } : {}),
		...(url ? { url } : {}),
		fields: productFields(locale, product),
		reasons: item.reasons.map((reason) => reasonText(locale, product.category, reason)),
		changes: changeTexts(
			locale,
			product.category,
			item.changes ?? [],
			valueAt(product, "rate") as Rate | undefined,
			product.venues,
		),
		...(item.notice ? { notice: noticeTexts[locale][item.notice] } : {}),
		venues: digestVenues(locale, product, item.venue),
	};
}

/**
 * The `data` of `mailer.send({ template: "digest", … })`. `count` is every matched
 * product (tips), `notices` the "no longer…" notices; at most `maxDigestProducts` are
 * listed, `more` counts the rest.
 */
export function digestData(input: DigestInput): Record<string, unknown> {
	const locale = digestLocale(input.locale);
	// Tips are counted as products for them; "no longer…" notices apart (docs/changes.md).
	const notices = input.items.filter((item) => item.notice).length;
	const count = input.items.length - notices;
	return {
		name: input.name,
		frequency: input.frequency,
		daily: input.frequency === "daily",
		weekly: input.frequency === "weekly",
		count,
		single: count === 1,
		notices,
		singleNotice: notices === 1,
		onlyNotices: count === 0 && notices > 0,
		appUrl: `${input.appUrl.replace(/\/+$/, "")}/dicas`,
		products: input.items.slice(0, maxDigestProducts).map((item) => digestProduct(locale, item)),
		more: Math.max(0, input.items.length - maxDigestProducts),
	};
}
