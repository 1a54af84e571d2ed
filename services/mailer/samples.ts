/** Sample data for the operators' template preview (GET /api/admin/mail/preview). */
import type { MailTemplate } from "../../domain/contracts.ts";
import type { Product } from "../../domain/product.ts";
import { digestData } from "./digest-content.ts";

const sampleProducts: Product[] = [
	{
		id: "sample:fixed_income:1",
		source: "sample",
		category: "fixed_income",
		nativeId: "1",
		name: "CDB Banco Exemplo <b>2028</b>",
		issuer: "Banco Exemplo S.A.",
		instrument: "CDB",
		rate: { index: "CDI", percentOfIndex: 1.1 },
		maturityDate: "2028-01-15",
		minimumInvestment: 1_000,
		taxExempt: false,
		collectedAt: "2026-11-26T12:00:00Z",
	},
	{
		id: "sample:reit:HGLG11",
		source: "sample",
		category: "reit",
		nativeId: "HGLG11",
		name: "CSHG Logística",
		ticker: "HGLG11",
		segment: "Logística",
		collectedAt: "2026-11-26T12:00:00Z",
	},
];

export function sampleData(
	template: MailTemplate,
	locale: string,
	publicUrl: string,
): Record<string, unknown> {
	if (template === "suitability-expired")
		return {
			name: "Ana",
			link: `${publicUrl}/interesses`,
			assessedOn: locale === "en" ? "December 1, 2024" : "1 de dezembro de 2024",
			expiredOn: locale === "en" ? "December 1, 2026" : "1 de dezembro de 2026",
		};
	if (template !== "digest") return { name: "Ana", link: `${publicUrl}/verificar?token=sample` };
	return digestData({
		locale,
		name: "Ana",
		frequency: "daily",
		appUrl: publicUrl,
		items: sampleProducts.map((product) => ({
			product,
			reasons: [{ field: "minimumInvestment", operator: "≤", value: 1_000, bound: 5_000 }],
		})),
	});
}
