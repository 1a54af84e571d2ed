/**
 * Schema, client and questionnaire fixtures shaped like GET /api/interests/schema,
 * GET /api/me and GET /api/suitability/questionnaire answer.
 */
import type { InterestField, InterestsSchema, Questionnaire, Subscriber } from "../../core/models";

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
	updatedAt: "2026-11-01T10:00:00.000Z",
	consent: { version: "2026-11", acceptedAt: "2026-11-01T10:00:00.000Z" },
	effectiveProfile: "conservative",
	investorCategory: { category: "general" },
};

/** Three questions of the server's questionnaire (the real one has eight). */
export const questionnaire: Questionnaire = {
	version: "2026-12",
	validMonths: 24,
	thresholds: { moderate: 10, aggressive: 18 },
	questions: [
		{
			id: "horizon",
			text: {
				"pt-BR": "Por quanto tempo você pretende manter estes investimentos?",
				en: "How long do you plan to keep these investments?",
			},
			options: [
				{
					id: "under1y",
					points: 0,
					cap: "conservative",
					text: { "pt-BR": "Menos de 1 ano", en: "Less than 1 year" },
				},
				{ id: "1to3y", points: 1, text: { "pt-BR": "De 1 a 3 anos", en: "1 to 3 years" } },
				{ id: "over5y", points: 3, text: { "pt-BR": "Mais de 5 anos", en: "More than 5 years" } },
			],
		},
		{
			id: "lossTolerance",
			text: {
				"pt-BR": "Se seus investimentos caíssem 15% em um mês, você…",
				en: "If your investments fell 15% in a month, you would…",
			},
			options: [
				{
					id: "sellAll",
					points: 0,
					cap: "conservative",
					text: { "pt-BR": "Venderia tudo para não perder mais", en: "Sell everything to stop the loss" },
				},
				{ id: "hold", points: 2, text: { "pt-BR": "Manteria e esperaria", en: "Hold and wait" } },
				{ id: "buyMore", points: 3, text: { "pt-BR": "Investiria mais", en: "Invest more" } },
			],
		},
		{
			id: "experience",
			text: {
				"pt-BR": "Em quais produtos você investiu nos últimos 24 meses?",
				en: "Which products have you invested in over the last 24 months?",
			},
			options: [
				{ id: "none", points: 0, cap: "moderate", text: { "pt-BR": "Só poupança", en: "Only savings" } },
				{ id: "variable", points: 3, text: { "pt-BR": "Ações e FIIs", en: "Stocks and FIIs" } },
			],
		},
	],
};

/** A client whose questionnaire (moderate) holds until 2028. */
export const assessed: Subscriber = {
	...subscriber,
	riskProfile: "moderate",
	effectiveProfile: "moderate",
	suitability: {
		version: "2026-12",
		answers: { horizon: "1to3y", lossTolerance: "hold", experience: "variable" },
		score: 13,
		profile: "moderate",
		assessedAt: "2026-12-01T10:00:00.000Z",
		expiresAt: "2028-12-01T10:00:00.000Z",
		expired: false,
	},
};

/** The same client 24 months later: their questionnaire expired, they count as conservative. */
export const expired: Subscriber = {
	...assessed,
	effectiveProfile: "conservative",
	suitability: { ...(assessed.suitability as NonNullable<Subscriber["suitability"]>), expired: true },
};
