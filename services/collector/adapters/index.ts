/**
 * The adapter of each source type: it reads its source (reader.ts) and makes products, or,
 * for an enricher, completes the products other sources made. A `sample` source uses the
 * adapter of the type it stands in for, on a bundled snapshot in that type's real format.
 */
import type { Parsed } from "../normalize.ts";
import type { EnricherType, ParsedType, ProductSourceType, Source } from "../sources.ts";
import { btgFunds } from "./btg-funds.ts";
import { cvmFunds } from "./cvm-funds.ts";
import { parseFile } from "./file.ts";
import { parseHtml } from "./html.ts";
import { opinPension } from "./opin-pension.ts";
import { tesouroDireto } from "./tesouro-direto.ts";
import type { Adapter, Enricher } from "./types.ts";
import { parseXpFunds } from "./xp-funds.ts";

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
