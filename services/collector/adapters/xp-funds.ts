/**
 * XP's funds (yield portal): `{ data: [...] }`, percent numbers that may arrive as strings,
 * and `isSuggested`, XP's own featured flag (../shared/SOURCES.md).
 */
import { readFields } from "../fields.ts";
import { addProduct, emptyParsed, type Parsed } from "../normalize.ts";
import type { Source } from "../sources.ts";
import { jsonItems, redemptionDays } from "./json.ts";

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
		if (source.featuredOnly && item.isSuggested !== true) {
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
		addProduct(parsed, source, { label, category: "fund", nativeId, values, unparsed, collectedAt });
	}
	return parsed;
}
