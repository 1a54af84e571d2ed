/**
 * The adapter of each source type: it reads its source (reader.ts) and makes products, or,
 * for an enricher, completes the products other sources made. A `sample` source uses the
 * adapter of the type it stands in for, on a bundled snapshot in that type's real format.
 */
import type { Product } from "../../../domain/product.ts";
import type { Parsed } from "../normalize.ts";
import type { SourceReader } from "../reader.ts";
import type { EnricherType, ParsedType, ProductSourceType, Source } from "../sources.ts";
import { btgFunds } from "./btg-funds.ts";
import { cvmFunds } from "./cvm-funds.ts";
import { parseFile } from "./file.ts";
import { parseHtml } from "./html.ts";
import { opinPension } from "./opin-pension.ts";
import { tesouroDireto } from "./tesouro-direto.ts";
import { parseXpFunds } from "./xp-funds.ts";

export type Adapter = (source: Source, reader: SourceReader, collectedAt: string) => Promise<Parsed>;

/** What an enricher did: the products (completed where it could), and its report. */
export interface Enriched {
	products: Product[];
	/** fetched: records read; products: unused; skipped/unparsed: what it could not use, and why. */
	report: Parsed;
	/** How many products it completed. */
	enriched: number;
}
export type Enricher = (products: Product[], source: Source, reader: SourceReader) => Promise<Enriched>;

/** A parser of one whole body, for the sources that are one response. */
const wholeBody =
	(parse: (text: string, source: Source, collectedAt: string) => Parsed): Adapter =>
	async (source, reader, collectedAt) =>
		parse(await reader.text(), source, collectedAt);

export const adapters: Record<ProductSourceType, Adapter> = {
	"btg-funds": btgFunds,
	"xp-funds": wholeBody(parseXpFunds),
	"tesouro-direto": tesouroDireto,
	"opin-pension": opinPension,
	html: wholeBody(parseHtml),
	file: wholeBody(parseFile),
};

export const enrichers: Record<EnricherType, Enricher> = {
	"cvm-funds": cvmFunds,
};

/** Headers a type sends unless the sources file says otherwise. */
export const defaultHeaders: Partial<Record<ParsedType, Record<string, string>>> = {
	// XP's API refuses (403) requests that do not come from its own site, since 2021.
	"xp-funds": { origin: "https://www.xpi.com.br", referer: "https://www.xpi.com.br/" },
	// The life-pension spec makes `cache-control` required, and gateways enforce it (400 without).
	"opin-pension": { "cache-control": "no-cache" },
};

/** Headers a format cannot work without: the source is skipped, with a log line, when absent. */
export const requiredHeaders: Partial<Record<ParsedType, string[]>> = {
	"xp-funds": ["ocp-apim-subscription-key"],
};
