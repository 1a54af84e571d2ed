/** Schema and client fixtures shaped like GET /api/interests/schema and GET /api/me answer. */
import type { InterestField, InterestsSchema, Subscriber } from "../../core/models";

const number = (name: string, unit: InterestField["unit"], pt: string, en: string): InterestField => ({
	name,
	kind: "number",
	unit,
	path: name,
	label: { "pt-BR": pt, en },
});
const set = (name: string, pt: string, en: string, values: string[]): InterestField => ({
	name,
	kind: "set",
	path: name,
	label: { "pt-BR": pt, en },
	values,
});

export const schema: InterestsSchema = {
	riskProfiles: [
		{ profile: "conservative", maxRiskLevel: 2 },
		{ profile: "moderate", maxRiskLevel: 3 },
		{ profile: "aggressive", maxRiskLevel: 5 },
	],
	categories: {
		stock: [number("dividendYield", "fraction", "Dividend yield (12 meses)", "Dividend yield (12 months)")],
		reit: [
			number("dividendYield", "fraction", "Dividend yield (12 meses)", "Dividend yield (12 months)"),
			number("meanDailyTradedValue", "BRL", "Volume financeiro médio diário", "Mean daily traded value"),
			set("segment", "Segmento", "Segment", ["Logística", "Shoppings", "Papel"]),
		],
		fund: [
			number("minimumInvestment", "BRL", "Aplicação mínima", "Minimum investment"),
			number("adminFee", "fraction", "Taxa de administração", "Management fee"),
			number("redemptionDays", "days", "Prazo de resgate (dias)", "Redemption (days)"),
			number("riskLevel", "level", "Risco (1 a 5)", "Risk (1 to 5)"),
			set("issuer", "Emissor ou gestor", "Issuer or manager", [
				"BTG Pactual",
				"Itaú Asset",
				"XP Asset",
				"Kinea",
				"Verde",
				"SPX",
				"Legacy",
				"Ibiuna",
				"Absolute",
				"Bradesco Asset",
			]),
		],
		coe: [number("termDays", "days", "Prazo (dias)", "Term (days)")],
		pension: [number("adminFee", "fraction", "Taxa de administração", "Management fee")],
		fixed_income: [
			number("spread", "fraction", "Taxa (pré ou acima do índice)", "Rate (fixed or over the index)"),
			set("rateIndex", "Indexador", "Rate index", ["CDI", "IPCA", "PRE", "SELIC"]),
			{
				name: "taxExempt",
				kind: "boolean",
				path: "taxExempt",
				label: { "pt-BR": "Isento de IR", en: "Tax exempt" },
			},
		],
	},
};

export const subscriber: Subscriber = {
	id: "sub-1",
	email: "ana@example.com",
	name: "Ana",
	locale: "pt-BR",
	status: "verified",
	riskProfile: "conservative",
	interests: { fund: {} },
	preferences: { email: true, live: true, digest: "daily", digestHour: 8, timeZone: "America/Sao_Paulo" },
	createdAt: "2026-11-01T10:00:00.000Z",
};
