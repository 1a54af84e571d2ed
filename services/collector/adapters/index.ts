/** The parser of each source format; a `sample` source uses the one it stands in for. */
import type { Parsed } from "../normalize.ts";
import type { ParsedType, Source } from "../sources.ts";
import { parseBtgFunds } from "./btg-funds.ts";
import { parseFile } from "./file.ts";
import { parseHtml } from "./html.ts";
import { parseXpFunds } from "./xp-funds.ts";

export type Parser = (text: string, source: Source, collectedAt: string) => Parsed;

export const parsersByFormat: Record<ParsedType, Parser> = {
	"btg-funds": parseBtgFunds,
	"xp-funds": parseXpFunds,
	html: parseHtml,
	file: parseFile,
};

/** Headers a format cannot work without: the source is skipped, with a log line, when absent. */
export const requiredHeaders: Partial<Record<ParsedType, string[]>> = {
	"xp-funds": ["ocp-apim-subscription-key"],
};
