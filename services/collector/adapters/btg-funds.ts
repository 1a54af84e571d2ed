/**
 * BTG Pactual's public funds list: an array of funds whose fees are percent numbers
 * (2 = 2%) and whose redemption terms are "D+N" strings (../shared/SOURCES.md).
 */
import { readFields } from "../fields.ts";
import { addProduct, emptyParsed, type Parsed } from "../normalize.ts";
import type { Source } from "../sources.ts";
import { jsonItems, type RawItem, redemptionDays } from "./json.ts";

export function parseBtgFunds(text: string, source: Source, collectedAt: string): Parsed {
	const parsed = emptyParsed();
	const items = jsonItems(text, parsed, (json) => (Array.isArray(json) ? json : undefined), "an array");
	for (const [index, item] of items.entries()) {
		const detail = (item.detail ?? {}) as RawItem;
		const { values, unparsed } = readFields(
			{
				name: item.product,
				description: item.description,
				issuer: detail.manager ?? item.issuerName,
				riskLevel: item.riskLevel,
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
	return parsed;
}
