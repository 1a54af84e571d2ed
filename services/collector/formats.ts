/**
 * Parsers for the Brazilian-formatted values the collector crawls from broker pages and JSON.
 *
 * Conventions:
 * - Rates, fees and percentages come back as FRACTIONS ("12,5%" → 0.125), never percent numbers;
 *   money comes back as a BRL number.
 * - Never guess: whatever cannot be read unambiguously returns `undefined`, and the caller records it.
 *   A monthly rate is not converted to an annual one, business days are not converted to calendar days,
 *   a two-digit year is not expanded.
 * - Every function accepts `unknown` (string, number or anything else) and never throws.
 */
import type { Rate } from "../../domain/product.ts";

/** Longer inputs cannot be a single value: refused before any pattern runs. */
const MAX_VALUE_LENGTH = 100;

const UNICODE_MINUS = /\u2212/g;
/** "1.234,56", "1234,56", "12,5", "-1,2" (groups of 3 only when the first group has no leading zero). */
const BR_DECIMAL = /^([-+]?)((?:[1-9]\d{0,2}(?:\.\d{3})+)|\d+),(\d+)$/;
/** "1.234", "1.234.567": a dot followed by exactly 3 digits, no comma, first group not starting with 0. */
const BR_THOUSANDS = /^([-+]?)([1-9]\d{0,2}(?:\.\d{3})+)$/;
/** "1500", "2.5", "0.123" (JSON-style). */
const PLAIN = /^([-+]?)(\d+(?:\.\d+)?)$/;

/** The string form of a scalar value, trimmed, or undefined when it is not a (short) string. */
function text(input: unknown): string | undefined {
	if (typeof input !== "string") return undefined;
	const value = input.trim();
	return value.length > 0 && value.length <= MAX_VALUE_LENGTH ? value : undefined;
}

/** Lower case, accents removed, unicode minus as "-", whitespace collapsed to one space. */
function fold(value: string): string {
	return value
		.normalize("NFD")
		.replace(/\p{M}/gu, "")
		.toLowerCase()
		.replace(UNICODE_MINUS, "-")
		.replace(/\s+/g, " ")
		.trim();
}

const noNegativeZero = (n: number) => (n === 0 ? 0 : n);

/** Percent number → fraction, without the float noise of the division (6.15 / 100 = 0.0615). */
const toFraction = (percent: number) => noNegativeZero(Number.parseFloat((percent / 100).toPrecision(15)));

/**
 * A Brazilian-formatted number: "1.234,56" → 1234.56, "12,5" → 12.5, "1.234" → 1234 (a dot followed by
 * exactly three digits and no comma is a thousands separator), "1.5" → 1.5, "2.5" / "1500" (JSON) as such,
 * "-1,2" / "−1,2" → -1.2. Finite numbers pass through. Note "0.123" stays 0.123: a thousands group never
 * follows a leading 0.
 */
export function parseNumber(input: unknown): number | undefined {
	if (typeof input === "number") return Number.isFinite(input) ? noNegativeZero(input) : undefined;
	const raw = text(input);
	if (raw === undefined) return undefined;
	const value = raw.replace(UNICODE_MINUS, "-");
	const decimal = BR_DECIMAL.exec(value);
	const thousands = decimal ? null : BR_THOUSANDS.exec(value);
	const plain = decimal || thousands ? null : PLAIN.exec(value);
	let digits: string;
	if (decimal) digits = `${(decimal[2] ?? "").replaceAll(".", "")}.${decimal[3] ?? ""}`;
	else if (thousands) digits = (thousands[2] ?? "").replaceAll(".", "");
	else if (plain) digits = plain[2] ?? "";
	else return undefined;
	const sign = (decimal ?? thousands ?? plain)?.[1];
	const n = Number(digits);
	if (!Number.isFinite(n)) return undefined;
	return noNegativeZero(sign === "-" ? -n : n);
}

/** Money in BRL, ≥ 0: "R$ 1.234,56", "R$1.000", "1.234,56", numbers. "R$ -", "—", "Consulte" → undefined. */
export function parseMoney(input: unknown): number | undefined {
	if (typeof input === "number")
		return Number.isFinite(input) && input >= 0 ? noNegativeZero(input) : undefined;
	const raw = text(input);
	if (raw === undefined) return undefined;
	const amount = raw.replace(/^R\$/i, "").replace(/\s+/g, "");
	const n = parseNumber(amount);
	return n !== undefined && n >= 0 ? n : undefined;
}

/** Suffixes meaning "per year" (on folded text): "a.a.", "a.a", "aa", "ao ano", "por ano", "/ano". */
const ANNUAL = String.raw`(?:a\.? ?a\.?|ao ano|por ano|/ ?ano)`;
const PERCENT = new RegExp(String.raw`^([-+]?[\d.,]+) ?%(?: ?${ANNUAL})?$`);
const BARE_NUMBER = /^[-+]?[\d.,]+$/;

/**
 * A percentage as a fraction: "12,5% a.a." → 0.125, "12,5%" → 0.125, "0,85% ao ano" → 0.0085.
 * Unqualified and annual percentages only: "1,2% a.m." (monthly) → undefined, converting it would be a guess.
 * Numbers, and numeric strings without "%", are percent numbers: 2 → 0.02, "2,5" → 0.025.
 */
export function parsePercent(input: unknown): number | undefined {
	if (typeof input === "number") return Number.isFinite(input) ? toFraction(input) : undefined;
	const raw = text(input);
	if (raw === undefined) return undefined;
	const value = fold(raw);
	const number = BARE_NUMBER.test(value) ? value : PERCENT.exec(value)?.[1];
	const n = number === undefined ? undefined : parseNumber(number);
	return n === undefined ? undefined : toFraction(n);
}

const RATE_NUMBER = String.raw`(\d[\d.,]*)`;
/** "110% do CDI", "110% CDI", "100% Selic", "100% da Selic". */
const PERCENT_OF_INDEX = new RegExp(`^${RATE_NUMBER} ?% ?(?:(?:do|da|de) )?(cdi|selic|ipca)$`);
/** "CDI + 1,20%", "IPCA+6,15% a.a.", "SELIC + 0,1%". */
const INDEX_PLUS_SPREAD = new RegExp(String.raw`^(cdi|selic|ipca) ?\+ ?${RATE_NUMBER} ?%?(?: ?${ANNUAL})?$`);
/** "Pré 12,4%", "PRÉ 12,4% a.a.", "Prefixado 12,4%", "Pré-fixado: 12,4%", "Taxa pré 12,4%". */
const PRE_KEYWORD = new RegExp(`^(?:taxa )?pre(?:-? ?fixad[oa])?:? ?${RATE_NUMBER} ?%?(?: ?${ANNUAL})?$`);
/** "12,4% a.a.": a bare annual percentage is a pre-fixed rate (a bare "12,4%" is not: it may lack an index). */
const BARE_ANNUAL = new RegExp(`^${RATE_NUMBER} ?% ?${ANNUAL}$`);

const indexOf = (name: string): Rate["index"] =>
	name === "cdi" ? "CDI" : name === "ipca" ? "IPCA" : "SELIC";

/**
 * A rate as brokers quote it: "110% do CDI" → { index: "CDI", percentOfIndex: 1.1 },
 * "IPCA + 6,15%" → { index: "IPCA", spread: 0.0615 }, "Pré 12,4%" / "12,4% a.a." → { index: "PRE", spread: 0.124 },
 * "100% Selic" / "SELIC + 0,1%" → SELIC. Case-insensitive, accents optional. Anything else (including a bare
 * "12,4%" without "a.a.", monthly rates and hybrids such as "110% CDI + 1%") → undefined.
 */
export function parseRate(input: unknown): Rate | undefined {
	const raw = text(input);
	if (raw === undefined) return undefined;
	const value = fold(raw);
	let match = PERCENT_OF_INDEX.exec(value);
	if (match) {
		const percent = parseNumber(match[1]);
		if (percent === undefined || percent <= 0) return undefined;
		return { index: indexOf(match[2] ?? ""), percentOfIndex: toFraction(percent) };
	}
	match = INDEX_PLUS_SPREAD.exec(value);
	if (match) {
		const spread = parseNumber(match[2]);
		return spread === undefined ? undefined : { index: indexOf(match[1] ?? ""), spread: toFraction(spread) };
	}
	match = PRE_KEYWORD.exec(value) ?? BARE_ANNUAL.exec(value);
	if (match) {
		const spread = parseNumber(match[1]);
		return spread === undefined ? undefined : { index: "PRE", spread: toFraction(spread) };
	}
	return undefined;
}

const BR_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
/** "2027-01-15", optionally followed by a time ("T10:30", "T10:30:00.000Z", " 10:30:00-03:00"). */
const ISO_DATE =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ]([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function isoDate(year: number, month: number, day: number): string | undefined {
	if (year < 1 || month < 1 || month > 12 || day < 1) return undefined;
	const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
	const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
	if (day > days) return undefined;
	return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/**
 * A calendar date as ISO "YYYY-MM-DD": "15/01/2027" (DD/MM/AAAA), "2027-01-15", or an ISO date-time whose
 * date part is kept as written (no time-zone shift). Impossible dates ("31/02/2026") and two-digit years → undefined.
 */
export function parseDate(input: unknown): string | undefined {
	const value = text(input);
	if (value === undefined) return undefined;
	const br = BR_DATE.exec(value);
	if (br) return isoDate(Number(br[3]), Number(br[2]), Number(br[1]));
	const iso = ISO_DATE.exec(value);
	if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
	return undefined;
}

/** Days per unit of a term. Convention: a month is 30 days, a year 365 days (calendar days, not business days). */
export const DAYS_PER_UNIT = { day: 1, month: 30, year: 365 } as const;

const D_PLUS = /^d ?\+ ?(\d+)$/;
const TERM = /^([\d.]+) ?(dias?|mes|meses|anos?)?$/;

/**
 * A term in calendar days: "D+30" → 30, "720 dias" → 720, "1 dia" → 1, "24 meses" → 720 (30 days a month),
 * "1 mês" → 30, "2 anos" → 730 (365 days a year), integers ≥ 0 (numbers or numeric strings) as days.
 * Fractions ("1,5 ano"), business days ("30 dias úteis") and anything else → undefined.
 */
export function parseTermDays(input: unknown): number | undefined {
	if (typeof input === "number")
		return Number.isSafeInteger(input) && input >= 0 ? noNegativeZero(input) : undefined;
	const raw = text(input);
	if (raw === undefined) return undefined;
	const value = fold(raw);
	const dPlus = D_PLUS.exec(value);
	if (dPlus) {
		const days = Number(dPlus[1]);
		return Number.isSafeInteger(days) ? days : undefined;
	}
	const term = TERM.exec(value);
	if (!term) return undefined;
	const count = parseNumber(term[1]);
	if (count === undefined || !Number.isSafeInteger(count) || count < 0) return undefined;
	const unit = term[2] ?? "dias";
	const perUnit = unit.startsWith("dia")
		? DAYS_PER_UNIT.day
		: unit.startsWith("mes")
			? DAYS_PER_UNIT.month
			: DAYS_PER_UNIT.year;
	const days = count * perUnit;
	return Number.isSafeInteger(days) ? days : undefined;
}

const TRUE_WORDS = new Set(["sim", "s", "yes", "true"]);
const FALSE_WORDS = new Set(["nao", "n", "no", "false"]);

/** "sim"/"S"/"yes"/"true"/true → true, "não"/"nao"/"N"/"no"/"false"/false → false, anything else → undefined. */
export function parseBoolean(input: unknown): boolean | undefined {
	if (typeof input === "boolean") return input;
	const raw = text(input);
	if (raw === undefined) return undefined;
	const value = fold(raw);
	if (TRUE_WORDS.has(value)) return true;
	if (FALSE_WORDS.has(value)) return false;
	return undefined;
}

/** Tags whose removal joins the surrounding text ("X<b>P</b>" → "XP"); any other tag becomes a space. */
const INLINE_TAGS = new Set([
	"a",
	"abbr",
	"b",
	"bdi",
	"bdo",
	"cite",
	"code",
	"data",
	"dfn",
	"em",
	"font",
	"i",
	"kbd",
	"mark",
	"q",
	"s",
	"samp",
	"small",
	"span",
	"strong",
	"sub",
	"sup",
	"time",
	"u",
	"var",
	"wbr",
]);

const isAsciiLetter = (code: number) => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
const isTagNameChar = (code: number) => isAsciiLetter(code) || (code >= 48 && code <= 57) || code === 45;

/** Index just past the ">" ending a tag whose name ends at `from`, skipping quoted attribute values; -1 if none. */
function endOfTag(html: string, from: number): number {
	let quote = 0;
	for (let i = from; i < html.length; i++) {
		const code = html.charCodeAt(i);
		if (quote !== 0) {
			if (code === quote) quote = 0;
		} else if (code === 34 || code === 39) {
			quote = code;
		} else if (code === 62) {
			return i + 1;
		}
	}
	return -1;
}

/**
 * Removes tags, comments, and `<script>`/`<style>` blocks with their content, in one linear pass.
 * An unterminated tag, comment or block drops the rest of the input. A "<" not starting a tag is kept.
 */
function stripTags(html: string): string {
	const parts: string[] = [];
	let position = 0;
	const closers: Record<string, RegExp> = { script: /<\/script/gi, style: /<\/style/gi };
	while (position < html.length) {
		const open = html.indexOf("<", position);
		if (open === -1) break;
		const next = html.charCodeAt(open + 1);
		const closing = next === 47; // "/"
		const nameStart = closing ? open + 2 : open + 1;
		if (next === 33 || next === 63) {
			// "<!-- comment -->", "<!DOCTYPE …>", "<?xml …?>"
			parts.push(html.slice(position, open));
			const comment = html.startsWith("<!--", open);
			const end = comment ? html.indexOf("-->", open + 4) : html.indexOf(">", open + 2);
			if (end === -1) return parts.join("");
			position = end + (comment ? 3 : 1);
			continue;
		}
		if (!isAsciiLetter(html.charCodeAt(nameStart))) {
			parts.push(html.slice(position, open + 1));
			position = open + 1;
			continue;
		}
		let nameEnd = nameStart;
		while (nameEnd < html.length && isTagNameChar(html.charCodeAt(nameEnd))) nameEnd++;
		const name = html.slice(nameStart, nameEnd).toLowerCase();
		parts.push(html.slice(position, open), INLINE_TAGS.has(name) ? "" : " ");
		const end = endOfTag(html, nameEnd);
		if (end === -1) return parts.join("");
		position = end;
		const closer = closing ? undefined : closers[name];
		if (closer) {
			closer.lastIndex = position;
			const found = closer.exec(html);
			if (!found) return parts.join("");
			const blockEnd = endOfTag(html, found.index + found[0].length);
			if (blockEnd === -1) return parts.join("");
			position = blockEnd;
		}
	}
	parts.push(html.slice(position));
	return parts.join("");
}

const NAMED_ENTITIES: Record<string, string> = {
	amp: "&",
	lt: "<",
	gt: ">",
	quot: '"',
	apos: "'",
	nbsp: "\u00a0",
	ordm: "º",
	ordf: "ª",
	deg: "°",
	copy: "©",
	reg: "®",
	euro: "€",
	ndash: "–",
	mdash: "—",
	hellip: "…",
	lsquo: "‘",
	rsquo: "’",
	ldquo: "“",
	rdquo: "”",
	laquo: "«",
	raquo: "»",
	middot: "·",
	bull: "•",
	sup1: "¹",
	sup2: "²",
	sup3: "³",
	szlig: "ß",
};
/** Latin-1 accented letters by HTML name: "&ccedil;" → "ç", "&atilde;" → "ã", "&Eacute;" → "É". */
const ACCENTS: Record<string, string> = {
	acute: "\u0301",
	grave: "\u0300",
	circ: "\u0302",
	tilde: "\u0303",
	uml: "\u0308",
	cedil: "\u0327",
};
const ENTITY = /&(?:#(\d{1,7})|#[xX]([\da-fA-F]{1,6})|([a-zA-Z][a-zA-Z\d]{1,9}));/g;

function fromCodePoint(code: number): string {
	// NUL, surrogates and out-of-range code points are replaced, as browsers do.
	if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\ufffd";
	return String.fromCodePoint(code);
}

function decodeEntity(entity: string, decimal?: string, hex?: string, name?: string): string {
	if (decimal !== undefined) return fromCodePoint(Number.parseInt(decimal, 10));
	if (hex !== undefined) return fromCodePoint(Number.parseInt(hex, 16));
	if (name === undefined) return entity;
	const known = NAMED_ENTITIES[name];
	if (known !== undefined) return known;
	const mark = ACCENTS[name.slice(1)];
	if (mark === undefined) return entity;
	const letter = `${name[0]}${mark}`.normalize("NFC");
	// Only the Latin-1 letters are HTML entities (there is no "&ktilde;").
	return letter.length === 1 && letter.charCodeAt(0) <= 0xff ? letter : entity;
}

/** Control characters (C0, DEL, C1), bidirectional overrides/isolates and the BOM. \t \n \r become spaces first. */
const CONTROLS = /[\p{Cc}\u202a-\u202e\u2066-\u2069\ufeff]/gu;

/**
 * Crawled text made safe to store: `<script>`/`<style>` blocks and their content removed, other tags removed,
 * the common HTML entities decoded once (so "&amp;lt;b&amp;gt;" is the text "&lt;b&gt;", and "&lt;b&gt;" the
 * text "<b>" — plain text, escaped when shown), control characters removed, whitespace collapsed, trimmed,
 * NFC-normalized and cut to at most `maxLength` UTF-16 units without splitting a surrogate pair.
 * Strings and finite numbers only; an empty result → undefined. Linear in the input's length.
 */
export function cleanText(input: unknown, maxLength: number): string | undefined {
	let value: string;
	if (typeof input === "string") value = input;
	else if (typeof input === "number" && Number.isFinite(input)) value = String(input);
	else return undefined;
	if (typeof maxLength !== "number" || !(maxLength >= 1)) return undefined;
	const limit = Math.floor(maxLength);
	const cleaned = stripTags(value)
		.replace(ENTITY, decodeEntity)
		.toWellFormed()
		.replace(/[\t\n\r]/g, " ")
		.replace(CONTROLS, "")
		.replace(/\s+/g, " ")
		.trim()
		.normalize("NFC");
	let cut = cleaned;
	if (cleaned.length > limit) {
		const last = cleaned.charCodeAt(limit - 1);
		const splitsPair = last >= 0xd800 && last <= 0xdbff;
		cut = cleaned.slice(0, splitsPair ? limit - 1 : limit).trimEnd();
	}
	return cut.length > 0 ? cut : undefined;
}
