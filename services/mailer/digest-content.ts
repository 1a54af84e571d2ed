/**
 * The data of the `digest` e-mail: matched products turned into what a reader sees, each
 * value formatted in the subscriber's language (Intl), each match reason as a sentence.
 * Crawled text is neither escaped nor stripped here: the HTML template escapes it and the
 * text part is plain text.
 */
import type { FieldChange, Notice } from "../../domain/changes.ts";
import { type InterestField, interestFields } from "../../domain/interests.ts";
import type { MatchReason } from "../../domain/notification.ts";
import { type Category, type Product, type Rate, valueAt } from "../../domain/product.ts";
import { digestFacts, type FactKind, type FactName, facts, factValue } from "../../domain/product-facts.ts";
import { rankedVenues, venueLabel } from "../../domain/venues.ts";
import { changeTexts, noticeTexts } from "./change-text.ts";
import {
	type DigestLocale,
	digestLocale,
	formatBrl,
	formatDate,
	formatDays,
	formatPercent,
	formatRate,
	indexLabel,
	numberFormat,
	words,
} from "./formats.ts";
import { httpUrl } from "./templates.ts";

/** Products shown in one e-mail; the rest are counted in `more` ("and N more in the app"). */
export const maxDigestProducts = 50;

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

function formatValue(locale: DigestLocale, kind: FactKind, value: unknown): string {
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

/** The e-mail's labels of the facts the interests catalogue has no field for. */
const factLabels: Partial<Record<FactName, Record<DigestLocale, string>>> = {
	ticker: { "pt-BR": "Código", en: "Ticker" },
	maturityDate: { "pt-BR": "Vencimento", en: "Maturity" },
	rate: { "pt-BR": "Taxa", en: "Rate" },
};

/** A catalogue label without its unit in parentheses when the value carries it ("Prazo (dias)"). */
function catalogueLabel(locale: DigestLocale, entry: InterestField): string {
	const label = entry.label[locale];
	return entry.unit === "days" ? label.replace(/\s*\((dias|days)\)$/, "") : label;
}

/** The digest facts of its category (domain/product-facts.ts) a product has, with their labels. */
function productFields(locale: DigestLocale, product: Product): DigestField[] {
	const fields: DigestField[] = [];
	for (const name of digestFacts[product.category]) {
		const value = factValue(product, facts[name]);
		if (value === undefined) continue;
		const entry = interestFields[product.category].find((f) => f.name === name);
		const label = factLabels[name]?.[locale] ?? (entry ? catalogueLabel(locale, entry) : name);
		fields.push({ label, value: formatValue(locale, facts[name].kind, value) });
	}
	return fields;
}

/** "Dividend yield (12 meses) 9,1% ≥ 8%", "Segmento ∈ Logística, Shoppings", "Isento de IR = Sim". */
export function reasonText(locale: DigestLocale, category: Category, reason: MatchReason): string {
	const entry = interestFields[category]?.find((f) => f.name === reason.field);
	const label = entry ? catalogueLabel(locale, entry) : reason.field;
	const kind: FactKind = entry?.kind === "number" ? (entry.unit ?? "text") : "text";
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
