/**
 * Tesouro Direto's titles from Tesouro Transparente's `PrecoTaxaTesouroDireto.csv`: every
 * title's morning rates and prices on every base date since 2002 (latin-1, `;`, decimal
 * comma, ~15 MB, in no particular order). It is streamed and only each title's latest row
 * is kept. That file prices every title still held, sold or not, so only the site's
 * current-offers CSV (`offersUrl`, UTF-8 with a BOM) says what is on sale; it also gives
 * the minimums and the site's names. Formats, choices and evidence: docs/sources.md.
 */
import type { RateIndex } from "../../../domain/product.ts";
import { preview, type Unparsed } from "../fields.ts";
import { parseDate, parseMoney, parsePercent } from "../formats.ts";
import { addProduct, emptyParsed, type Parsed } from "../normalize.ts";
import { SourceFormatError, type SourceReader } from "../reader.ts";
import type { Adapter } from "./types.ts";

export const pricesHeader =
	"Tipo Titulo;Data Vencimento;Data Base;Taxa Compra Manha;Taxa Venda Manha;PU Compra Manha;PU Venda Manha;PU Base Manha";
export const offersHeader =
	"Título;Rendimento anual do título;Investimento mínimo;Preço unitário de investimento;Vencimento do Título";

/** The page where the site lists its titles with rates and prices (there is none per title). */
export const tesouroDiretoPage =
	"https://www.tesourodireto.com.br/produtos/dados-sobre-titulos/rendimento-dos-titulos";

/** Titles whose latest base date is older than this (days) are no longer priced: not offered. */
const defaultMaxAgeDays = 7;

interface TitleType {
	/** Null: indexed to something our rates cannot express. */
	index: RateIndex | null;
	/**
	 * The site names Renda+ and Educa+ by the year their monthly payments start, not by
	 * maturity (its offers CSV: "Tesouro Renda+ Aposentadoria Extra 2030" matures 15/12/2049).
	 */
	yearsBeforeMaturity?: number;
}

const titleTypes = new Map<string, TitleType>([
	["Tesouro Prefixado", { index: "PRE" }],
	["Tesouro Prefixado com Juros Semestrais", { index: "PRE" }],
	["Tesouro IPCA+", { index: "IPCA" }],
	["Tesouro IPCA+ com Juros Semestrais", { index: "IPCA" }],
	["Tesouro Selic", { index: "SELIC" }],
	// 60 monthly payments, from January of the named year to December four years later.
	["Tesouro Educa+", { index: "IPCA", yearsBeforeMaturity: 4 }],
	// 240 monthly payments, from January of the named year to December nineteen years later.
	["Tesouro Renda+ Aposentadoria Extra", { index: "IPCA", yearsBeforeMaturity: 19 }],
	["Tesouro IGPM+ com Juros Semestrais", { index: null }],
]);

/** A title's latest row: raw values, read only once the whole file has been seen. */
interface LatestRow {
	type: string;
	maturity: string;
	baseDate: string;
	buyRate: string;
	buyPrice: string;
}

interface Offer {
	name: string;
	maturity: string;
	minimum: string;
	matched: boolean;
}

/** Line-level problems reported one by one; past this, counted (a broken file has ~177k lines). */
const maxLineReports = 50;

const BOM = /^(\uFEFF|\u00EF\u00BB\u00BF)/;
const cellsOf = (line: string) => line.split(";").map((cell) => cell.trim().replace(/\s+/g, " "));
const keyOf = (type: string, maturity: string) => `${type}|${maturity}`;
const isBlank = (line: string) => line.replace(/;/g, "").trim() === "";

function checkHeader(line: string | undefined, expected: string, file: string): void {
	const got = line === undefined ? undefined : cellsOf(line).join(";").normalize("NFC");
	if (got === expected) return;
	throw new SourceFormatError(
		`${file}: expected the header "${expected}", got ${got === undefined ? "an empty file" : `"${got.slice(0, 200)}"`}`,
	);
}

/** Reports a line that cannot be used, up to maxLineReports; returns the new count. */
function badLine(parsed: Parsed, count: number, reason: string): number {
	if (count < maxLineReports) parsed.skipped.push(reason);
	return count + 1;
}

/** Each title's (type + maturity) latest row, streaming the file. */
async function latestRows(reader: SourceReader, parsed: Parsed): Promise<Map<string, LatestRow>> {
	const titles = new Map<string, LatestRow>();
	let header: string | undefined;
	let number = 0;
	let bad = 0;
	for await (const raw of reader.lines(undefined, "windows-1252")) {
		number++;
		const line = header === undefined ? raw.replace(BOM, "") : raw;
		// Blank lines, and the ";;;;;;;" rows a spreadsheet leaves behind, carry nothing.
		if (isBlank(line)) continue;
		if (header === undefined) {
			checkHeader(line, pricesHeader, "PrecoTaxaTesouroDireto.csv");
			header = line;
			continue;
		}
		const cells = cellsOf(line);
		if (cells.length !== 8) {
			bad = badLine(parsed, bad, `line ${number}: expected 8 columns, got ${cells.length}`);
			continue;
		}
		const [type = "", maturityText, baseText, buyRate = "", , buyPrice = ""] = cells;
		const maturity = parseDate(maturityText);
		const baseDate = parseDate(baseText);
		if (!type || !maturity || !baseDate) {
			const what = !type
				? "no title type"
				: `unreadable date "${preview(maturity ? baseText : maturityText)}"`;
			bad = badLine(parsed, bad, `line ${number}: ${what}`);
			continue;
		}
		const key = keyOf(type, maturity);
		const known = titles.get(key);
		if (!known || baseDate > known.baseDate) titles.set(key, { type, maturity, baseDate, buyRate, buyPrice });
	}
	if (header === undefined) checkHeader(undefined, pricesHeader, "PrecoTaxaTesouroDireto.csv");
	if (bad > maxLineReports) parsed.skipped.push(`${bad - maxLineReports} more unusable lines`);
	return titles;
}

/** The site's current offers, by type + maturity. */
async function currentOffers(reader: SourceReader, url: string, parsed: Parsed): Promise<Map<string, Offer>> {
	let text: string;
	try {
		text = await reader.text(url);
	} catch (err) {
		(err as Error).message = `offers CSV: ${(err as Error).message}`;
		throw err;
	}
	const lines = text.replace(BOM, "").split(/\r?\n/);
	const start = lines.findIndex((line) => !isBlank(line));
	checkHeader(start < 0 ? undefined : lines[start], offersHeader, "offers CSV");
	const offers = new Map<string, Offer>();
	for (const [index, line] of lines.entries()) {
		if (index <= start || isBlank(line)) continue;
		const cells = cellsOf(line);
		const [title = "", , minimum = "", , maturityText] = cells;
		const named = /^(.*\S) (\d{4})$/.exec(title);
		const maturity = parseDate(maturityText);
		if (cells.length !== 5 || !named || !maturity) {
			parsed.skipped.push(`offers line ${index + 1}: not a title, minimum and maturity ("${preview(line)}")`);
			continue;
		}
		const key = keyOf(named[1] ?? "", maturity);
		if (!offers.has(key)) offers.set(key, { name: title, maturity, minimum, matched: false });
	}
	return offers;
}

/** The calendar date of an instant in Brasília, where Tesouro Direto's days begin and end. */
function dateInBrasilia(instant: string): string {
	return new Intl.DateTimeFormat("en-CA", {
		timeZone: "America/Sao_Paulo",
		year: "numeric",
		month: "2-digit",
		day: "2-digit",
	}).format(new Date(instant));
}

const daysBetween = (from: string, to: string) =>
	Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

const slug = (text: string) =>
	text
		.normalize("NFD")
		.replace(/\p{M}/gu, "")
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-|-$/g, "");

interface Judged {
	row: LatestRow;
	kind: TitleType | undefined;
	offer: Offer | undefined;
	/** Undefined when reading the site's offers was not configured. */
	offers: Map<string, Offer> | undefined;
	/** The run's date in Brasília, and the date prices are measured against. */
	today: string;
	pricedAsOf: string;
	maxAgeDays: number;
}

/** Why a title is not offered, or undefined when it is. */
function whyNotOffered({
	row,
	kind,
	offer,
	offers,
	today,
	pricedAsOf,
	maxAgeDays,
}: Judged): string | undefined {
	if (!kind) return `title type "${preview(row.type)}" is not one this adapter knows`;
	if (row.maturity <= today) return `matured on ${row.maturity}`;
	const age = daysBetween(row.baseDate, pricedAsOf);
	if (age > maxAgeDays)
		return `latest base date ${row.baseDate} is ${age} days old (maxAgeDays ${maxAgeDays}): no longer priced`;
	if (kind.index === null)
		return "indexed to IGP-M, which Insights' rates (CDI, IPCA, PRE, SELIC) cannot express";
	if (offers && !offer) return "not among the site's current offers (offersUrl): not on sale";
	// A zero or negative buying rate is a real one (Selic titles near par); a missing rate or a
	// missing or zero price is not.
	if (row.buyRate === "" || row.buyPrice === "" || parseMoney(row.buyPrice) === 0)
		return `no buying rate or price on ${row.baseDate}: not on sale`;
	return undefined;
}

/** The product's fields; unreadable values are left out and reported in `unparsed`. */
function valuesOf(
	row: LatestRow,
	index: RateIndex,
	kind: TitleType,
	offer: Offer | undefined,
	unparsed: Unparsed[],
): Record<string, unknown> {
	const read = <T>(field: string, raw: string, parse: (raw: string) => T | undefined): T | undefined => {
		if (raw === "") return undefined;
		const value = parse(raw);
		if (value === undefined) unparsed.push({ field, value: preview(raw) });
		return value;
	};
	// The buying ("Compra") rate and price: what an investor gets, and pays, buying the title.
	const spread = read("rate", row.buyRate, parsePercent);
	const year = Number(row.maturity.slice(0, 4)) - (kind.yearsBeforeMaturity ?? 0);
	const values: Record<string, unknown> = {
		name: offer?.name ?? `${row.type} ${year}`,
		instrument: row.type,
		issuer: "Tesouro Nacional",
		rate: spread === undefined ? undefined : { index, spread },
		maturityDate: row.maturity,
		unitPrice: read("unitPrice", row.buyPrice, parseMoney),
		minimumInvestment: offer ? read("minimumInvestment", offer.minimum, parseMoney) : undefined,
		riskLevel: 1,
		audience: "general",
		openToInvestment: true,
		taxExempt: false,
	};
	for (const [field, value] of Object.entries(values)) if (value === undefined) delete values[field];
	return values;
}

/** Plain code-unit order, not the locale's: the same on every machine. */
const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const tesouroDireto: Adapter = async (source, reader, collectedAt) => {
	const parsed = emptyParsed();
	// A snapshot stands in for every URL of its source, so it cannot answer for the offers too.
	const offers =
		source.offersUrl && source.location.kind === "http"
			? await currentOffers(reader, source.offersUrl, parsed)
			: undefined;
	const titles = [...(await latestRows(reader, parsed)).values()].sort(
		(a, b) => order(a.type, b.type) || order(a.maturity, b.maturity),
	);
	parsed.fetched = titles.length;

	const today = dateInBrasilia(collectedAt);
	// A snapshot is a photograph of the file: its prices are as fresh as its newest base date,
	// so the demo keeps offering them however old the snapshot gets (maturities still count).
	const newest = titles
		.map((row) => row.baseDate)
		.sort(order)
		.at(-1);
	const pricedAsOf = source.location.kind === "snapshot" && newest ? newest : today;
	const maxAgeDays = source.maxAgeDays ?? defaultMaxAgeDays;

	for (const row of titles) {
		const label = `${row.type} ${row.maturity}`;
		const kind = titleTypes.get(row.type);
		const offer = offers?.get(keyOf(row.type, row.maturity));
		if (offer) offer.matched = true;
		const reason = whyNotOffered({ row, kind, offer, offers, today, pricedAsOf, maxAgeDays });
		if (reason || !kind?.index) {
			parsed.skipped.push(`${label}: ${reason}`);
			continue;
		}
		const unparsed: Unparsed[] = [];
		const values = valuesOf(row, kind.index, kind, offer, unparsed);
		// A configured productUrl (a broker's own page) wins over the site's list.
		if (!source.productUrl) values.url = tesouroDiretoPage;
		const nativeId = `${slug(row.type)}-${row.maturity}`;
		addProduct(parsed, source, { label, category: "fixed_income", nativeId, values, unparsed, collectedAt });
	}
	for (const offer of offers?.values() ?? [])
		if (!offer.matched)
			parsed.skipped.push(
				`offer "${preview(offer.name)}" (${offer.maturity}): no such title in PrecoTaxaTesouroDireto.csv`,
			);
	return parsed;
};
