/**
 * XP's funds (yield portal, `…/v2/investment-funds?onlyrpps=false&family=null`):
 * `{ data: [...] }`, percent numbers that may arrive as Brazilian-formatted strings,
 * `isSuggested` (XP's own featured flag), `onlyQualified`/`onlyProfessional` (who may
 * buy) and `fundingBlocked` (closed to new money). The API wants its subscription key and
 * XP's own origin and referer (defaultHeaders in index.ts). See ../shared/SOURCES.md.
 */
import type { Audience } from "../../../domain/product.ts";
import { preview, readFields, type Unparsed } from "../fields.ts";
import { parseBoolean } from "../formats.ts";
import { addProduct, emptyParsed, type Parsed } from "../normalize.ts";
import type { Source } from "../sources.ts";
import { jsonItems, type RawItem, redemptionDays } from "./json.ts";

/** A yes/no flag (true, "true", "S"…); absent is undefined, unreadable is reported too. */
function flag(item: RawItem, key: string, unparsed: Unparsed[]): boolean | undefined {
	const raw = item[key];
	if (raw === undefined || raw === null || raw === "") return undefined;
	const value = parseBoolean(raw);
	if (value === undefined) unparsed.push({ field: key, value: preview(raw) });
	return value;
}

/** Professional wins over qualified: a fund for professionals only is not for qualified ones. */
function audienceOf(item: RawItem, unparsed: Unparsed[]): Audience | undefined {
	const professional = flag(item, "onlyProfessional", unparsed);
	const qualified = flag(item, "onlyQualified", unparsed);
	if (professional) return "professional";
	if (qualified) return "qualified";
	if (professional === false || qualified === false) return "general";
	return undefined;
}

export function parseXpFunds(text: string, source: Source, collectedAt: string): Parsed {
	const parsed = emptyParsed();
	const items = jsonItems(
		text,
		parsed,
		(json) => {
			const data = (json as { data?: unknown } | null)?.data;
			return Array.isArray(data) ? data : undefined;
		},
		"{data:[…]}",
	);
	for (const [index, item] of items.entries()) {
		const nativeId = item.id === undefined || item.id === null ? undefined : String(item.id).slice(0, 100);
		const label = `#${nativeId ?? `item ${index}`}`;
		if (source.featuredOnly && parseBoolean(item.isSuggested) !== true) {
			parsed.skipped.push(`${label}: not featured by XP (featuredOnly)`);
			continue;
		}
		const { values, unparsed } = readFields(
			{
				name: item.name,
				description: item.objective,
				riskLevel: item.xpRisk,
				minimumInvestment: item.minimalInitialInvestment,
				fundType: item.classificationXp ?? item.categoryName,
				adminFee: item.administrationRate,
				performanceFee: item.maxPerformanceRate,
				return12m: item.profitability12,
				cnpj: item.cnpj,
				benchmark: item.benchmark,
			},
			"fund",
		);
		const days = redemptionDays(item.redemptionQuotationDays, item.redemptionSettlementDays);
		if (days.value !== undefined) values.redemptionDays = days.value;
		else if (days.raw) unparsed.push({ field: "redemptionDays", value: days.raw });
		const audience = audienceOf(item, unparsed);
		if (audience) values.audience = audience;
		const blocked = flag(item, "fundingBlocked", unparsed);
		if (blocked !== undefined) values.openToInvestment = !blocked;
		addProduct(parsed, source, { label, category: "fund", nativeId, values, unparsed, collectedAt });
	}
	return parsed;
}
