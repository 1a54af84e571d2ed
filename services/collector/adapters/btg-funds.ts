/**
 * BTG Pactual's public funds list (../shared/SOURCES.md). Today it is the paged v2 list,
 * `{ items, total_pages, total }` with pages numbered from 1; older mirrors still serve
 * the bare arrays of 2020–22, which are read as before. One response's bytes are parsed by
 * a pure function (parseBtgFunds); the adapter only asks for the pages.
 */
import type { RiskLevel } from "../../../domain/product.ts";
import { preview, readFields, type Unparsed } from "../fields.ts";
import { cleanText } from "../formats.ts";
import { addProduct, emptyParsed, type Parsed } from "../normalize.ts";
import { parseJson, SourceFormatError, shapeOf } from "../reader.ts";
import type { Source } from "../sources.ts";
import { isObject, itemObjects, mergeParsed, type RawItem, redemptionDays } from "./json.ts";
import type { Adapter } from "./types.ts";

/** The list a snapshot stands in for (a sample source has no URL of its own). */
export const btgListUrl =
	"https://investimentos.btgpactual.com/services/api/funds-public/public/funds/list/v2?orderBy=NOME&sortingDirection=ASC";
/** A fund's page on BTG's site; a source's `productUrl` with `{slug}` replaces it. */
export const btgFundPage = "https://investimentos.btgpactual.com/fundos-de-investimento/{slug}";
/** BTG refuses pages of more than 100. */
export const btgDefaultPageSize = 100;
/** ~700 funds make 7 pages; a list claiming more than this many pages is read this far. */
export const btgMaxPages = 100;

/**
 * BTG's suitability profiles (`Detail.riskName`, upper case) on our 1–5 scale: its four
 * profiles spread evenly over the five levels (1, 2.33, 3.67, 5, rounded). A name not
 * listed here is left empty and reported, never guessed.
 */
export const btgRiskLevels: Readonly<Record<string, RiskLevel>> = {
	CONSERVADOR: 1,
	MODERADO: 2,
	ARROJADO: 4,
	SOFISTICADO: 5,
};

/**
 * The slug BTG's own listing links a fund by: the name without accents, every run of
 * other characters than letters and digits turned into one "-", no "-" at either end,
 * lower case. "Ações & Dividendos — FIC FIA" → "acoes-dividendos-fic-fia".
 */
export function btgSlug(name: string): string {
	return name
		.normalize("NFKD")
		.replace(/\P{ASCII}/gu, "")
		.replace(/[^a-zA-Z0-9]+/g, "-")
		.replace(/^-+|-+$/g, "")
		.toLowerCase();
}

/** The list URL for one page: `page` and `size` set, every other parameter kept. */
export function btgPageUrl(list: string, page: number, size: number): string {
	const url = new URL(list);
	url.searchParams.set("page", String(page));
	url.searchParams.set("size", String(size));
	return url.href;
}

function riskLevelOf(riskName: unknown, unparsed: Unparsed[]): RiskLevel | undefined {
	if (riskName === undefined || riskName === null || riskName === "") return undefined;
	const key = typeof riskName === "string" ? riskName.normalize("NFD").replace(/\p{M}/gu, "") : "";
	const level = btgRiskLevels[key.trim().toUpperCase()];
	if (level === undefined) unparsed.push({ field: "riskLevel", value: preview(riskName) });
	return level;
}

/** One fund of the v2 list: identified by the CNPJ it is listed under (a fund's or a class's). */
function addV2Fund(parsed: Parsed, source: Source, item: RawItem, label: string, collectedAt: string): void {
	const detail = isObject(item.Detail) ? item.Detail : {};
	const shortName = cleanText(item.Name, 200);
	const { values, unparsed } = readFields(
		{
			// The platform's short name is what a client sees; the registered one only stands in.
			name: shortName ?? item.NameOriginal,
			cnpj: item.CNPJ,
			fundType: detail.categoryBTG ?? detail.subcategoryBTG,
			audience: detail.investmentType,
			minimumInvestment: detail.minimumInitialInvestment,
			// Days from the redemption request to the money: quotation and settlement together.
			redemptionDays: detail.numeroDiaFinanceiroResgate,
		},
		"fund",
	);
	const riskLevel = riskLevelOf(detail.riskName, unparsed);
	if (riskLevel !== undefined) values.riskLevel = riskLevel;
	// The link is built from the short name only: a slug of the registered name would be a guess.
	const slug = shortName ? btgSlug(shortName) : "";
	const slugPage = source.productUrl?.includes("{slug}") ? source.productUrl : undefined;
	if (slug) values.url = (slugPage ?? btgFundPage).replace("{slug}", slug);
	const nativeId = values.cnpj as string | undefined;
	// A `{slug}` template is no `{id}` one: without a slug the fund has no link.
	const { productUrl: _slugTemplate, ...withoutTemplate } = source;
	addProduct(parsed, slugPage ? withoutTemplate : source, {
		label: nativeId ? `#${nativeId}` : shortName ? `${label} ("${shortName.slice(0, 60)}")` : label,
		category: "fund",
		nativeId,
		values,
		unparsed,
		collectedAt,
	});
}

/** One fund of the 2020–22 arrays: their own numeric id, fees as percent numbers. */
function addArrayFund(
	parsed: Parsed,
	source: Source,
	item: RawItem,
	index: number,
	collectedAt: string,
): void {
	const detail = isObject(item.detail) ? item.detail : {};
	const { values, unparsed } = readFields(
		{
			name: item.product,
			description: item.description,
			issuer: detail.manager ?? item.issuerName,
			// 0 is the list's "unknown", not an unreadable level.
			riskLevel: item.riskLevel === 0 ? undefined : item.riskLevel,
			minimumInvestment: item.minimumInitialInvestment,
			fundType: detail.categoryDescription ?? item.type,
			adminFee: detail.administrationFee,
			performanceFee: detail.performanceFee,
			cnpj: item.cnpj,
		},
		"fund",
	);
	const days = redemptionDays(detail.rescueQuota, detail.rescuefinancialSettlement);
	if (days.value !== undefined) values.redemptionDays = days.value;
	else if (days.raw) unparsed.push({ field: "redemptionDays", value: days.raw });
	const nativeId = item.id === undefined || item.id === null ? undefined : String(item.id).slice(0, 100);
	addProduct(parsed, source, {
		label: `#${nativeId ?? `item ${index}`}`,
		category: "fund",
		nativeId,
		values,
		unparsed,
		collectedAt,
	});
}

/** What one response held: its products, and for a v2 page how many pages the list has. */
export interface BtgResponse {
	parsed: Parsed;
	/** Absent for the older bare arrays, which are the whole list. */
	totalPages?: number;
}

/**
 * One response, already JSON. `page` is the v2 page it answers; from page 2 on only a v2
 * page is accepted (the list does not change format halfway).
 */
export function parseBtgResponse(json: unknown, source: Source, collectedAt: string, page = 1): BtgResponse {
	const parsed = emptyParsed();
	if (Array.isArray(json) && page === 1) {
		for (const [index, item] of itemObjects(json, parsed).entries())
			addArrayFund(parsed, source, item, index, collectedAt);
		return { parsed };
	}
	const expected = page === 1 ? "{items,total_pages} or an array" : "{items,total_pages}";
	if (!isObject(json) || !Array.isArray(json.items) || !("total_pages" in json))
		throw new SourceFormatError(`page ${page}: expected ${expected}, got ${shapeOf(json)}`);
	const totalPages =
		typeof json.total_pages === "string" ? Number(json.total_pages.trim() || Number.NaN) : json.total_pages;
	if (typeof totalPages !== "number" || !Number.isSafeInteger(totalPages) || totalPages < 0)
		throw new SourceFormatError(
			`page ${page}: total_pages is not a page count ("${preview(json.total_pages)}")`,
		);
	const where = `page ${page} `;
	for (const [index, item] of itemObjects(json.items, parsed, where).entries())
		addV2Fund(parsed, source, item, `${where}item ${index}`, collectedAt);
	return { parsed, totalPages };
}

/** One response's bytes (a bare array, or one v2 page) to products: the pure core. */
export function parseBtgFunds(text: string, source: Source, collectedAt: string): Parsed {
	return parseBtgResponse(parseJson(text), source, collectedAt).parsed;
}

/**
 * Reads the list page after page until `total_pages`, an empty page or btgMaxPages. An
 * empty first page fails the source: BTG lists hundreds of funds, so it means the list or
 * its paging changed, and a run that found nothing must say so.
 */
export const btgFunds: Adapter = async (source, reader, collectedAt) => {
	const list = source.location.kind === "http" ? source.location.url : (source.pageUrl ?? btgListUrl);
	const size = source.pageSize ?? btgDefaultPageSize;
	const all = emptyParsed();
	for (let page = 1; ; page++) {
		const json = await reader.json(btgPageUrl(list, page, size));
		const { parsed, totalPages } = parseBtgResponse(json, source, collectedAt, page);
		mergeParsed(all, parsed);
		if (totalPages === undefined) return all;
		if (page === 1 && parsed.fetched === 0)
			throw new SourceFormatError(`page 1 lists no funds (total_pages ${totalPages})`);
		if (parsed.fetched === 0 || page >= totalPages) return all;
		if (page >= btgMaxPages) {
			all.skipped.push(
				`pages ${page + 1}–${totalPages}: not read, the list is read ${btgMaxPages} pages at most`,
			);
			return all;
		}
	}
};
