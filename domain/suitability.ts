/**
 * Suitability (CVM Resolution 30, art. 2): the questionnaire a client answers, scored into
 * the most risky profile they may have. It asks about the three things the rule names —
 * objectives (purpose, horizon, liquidity need, tolerance to loss), financial situation
 * (income, wealth) and knowledge (products used, training) — in pt-BR and en.
 *
 * Versioned: a questionnaire is never edited once clients answered it. A change is a new
 * version beside it (and `currentVersion` moves), so stored answers can always be read
 * with the questions they answered. Pure: no clock, no storage.
 */
import type { Locale, RiskProfile } from "./subscriber.ts";
import { riskProfiles } from "./subscriber.ts";

export type Text = Record<Locale, string>;

export interface QuestionOption {
	id: string;
	text: Text;
	points: number;
	/** Whatever the score, an answer like this one allows at most this profile. */
	cap?: RiskProfile;
}

export interface Question {
	id: string;
	text: Text;
	options: QuestionOption[];
}

export interface Questionnaire {
	version: string;
	questions: Question[];
	/** The lowest score of each profile above conservative (conservative: from 0). */
	thresholds: { moderate: number; aggressive: number };
}

/** Question id → option id. */
export type SuitabilityAnswers = Record<string, string>;

const option = (id: string, points: number, pt: string, en: string, cap?: RiskProfile): QuestionOption => ({
	id,
	points,
	text: { "pt-BR": pt, en },
	...(cap ? { cap } : {}),
});

const questionnaire202612: Questionnaire = {
	version: "2026-12",
	// 8 questions of 0–3 points: 0–9 conservative, 10–17 moderate, 18–24 aggressive.
	thresholds: { moderate: 10, aggressive: 18 },
	questions: [
		{
			id: "objective",
			text: {
				"pt-BR": "Qual é o principal objetivo destes investimentos?",
				en: "What is the main purpose of these investments?",
			},
			options: [
				option("preserve", 0, "Preservar o valor, sem correr riscos", "Keep their value, taking no risks"),
				option(
					"income",
					1,
					"Ter uma renda regular, aceitando pouca oscilação",
					"A regular income, accepting little fluctuation",
				),
				option(
					"grow",
					2,
					"Fazer o patrimônio crescer, aceitando oscilações",
					"Grow my wealth, accepting ups and downs",
				),
				option(
					"maximize",
					3,
					"Buscar o maior retorno possível, aceitando perdas relevantes",
					"The highest possible return, accepting significant losses",
				),
			],
		},
		{
			id: "horizon",
			text: {
				"pt-BR": "Por quanto tempo você pretende manter estes investimentos?",
				en: "How long do you plan to keep these investments?",
			},
			options: [
				// Money needed within a year cannot wait out a fall.
				option("under1y", 0, "Menos de 1 ano", "Less than 1 year", "conservative"),
				option("1to3y", 1, "De 1 a 3 anos", "1 to 3 years"),
				option("3to5y", 2, "De 3 a 5 anos", "3 to 5 years"),
				option("over5y", 3, "Mais de 5 anos", "More than 5 years"),
			],
		},
		{
			id: "liquidity",
			text: {
				"pt-BR": "Quanto deste dinheiro você pode precisar nos próximos 12 meses?",
				en: "How much of this money might you need in the next 12 months?",
			},
			options: [
				option("most", 0, "Mais da metade", "More than half", "conservative"),
				option("part", 1, "Entre um quarto e a metade", "Between a quarter and half"),
				option("little", 2, "Menos de um quarto", "Less than a quarter"),
				option("none", 3, "Nada", "None of it"),
			],
		},
		{
			id: "lossTolerance",
			text: {
				"pt-BR": "Se seus investimentos caíssem 15% em um mês, você…",
				en: "If your investments fell 15% in a month, you would…",
			},
			options: [
				option(
					"sellAll",
					0,
					"Venderia tudo para não perder mais",
					"Sell everything to stop the loss",
					"conservative",
				),
				option("sellPart", 1, "Venderia uma parte", "Sell part of them"),
				option("hold", 2, "Manteria e esperaria a recuperação", "Hold and wait for a recovery"),
				option("buyMore", 3, "Aproveitaria para investir mais", "Take the chance to invest more"),
			],
		},
		{
			id: "income",
			text: {
				"pt-BR": "Como está a sua renda regular em relação às suas despesas?",
				en: "How does your regular income compare with your expenses?",
			},
			options: [
				option("below", 0, "Não cobre as minhas despesas", "It does not cover my expenses"),
				option("covers", 1, "Cobre as despesas, com pouca sobra", "It covers them, with little left over"),
				option("saves", 2, "Permite guardar uma parte todo mês", "I save part of it every month"),
				option("savesMuch", 3, "Permite guardar boa parte todo mês", "I save a large part of it every month"),
			],
		},
		{
			id: "wealth",
			text: {
				"pt-BR": "Quanto você tem em investimentos financeiros, somando tudo?",
				en: "How much do you hold in financial investments, all together?",
			},
			options: [
				option("upTo50k", 0, "Até R$ 50 mil", "Up to R$ 50 thousand"),
				option("upTo300k", 1, "De R$ 50 mil a R$ 300 mil", "R$ 50 thousand to R$ 300 thousand"),
				option("upTo1m", 2, "De R$ 300 mil a R$ 1 milhão", "R$ 300 thousand to R$ 1 million"),
				option("over1m", 3, "Mais de R$ 1 milhão", "More than R$ 1 million"),
			],
		},
		{
			id: "experience",
			text: {
				"pt-BR": "Em quais produtos você investiu nos últimos 24 meses?",
				en: "Which products have you invested in over the last 24 months?",
			},
			options: [
				// Without any experience of products that fluctuate, the risks are not known first-hand.
				option("none", 0, "Só poupança, ou nenhum", "Only savings accounts, or none", "moderate"),
				option(
					"fixedIncome",
					1,
					"Tesouro Direto, CDB, LCI/LCA ou fundos de renda fixa",
					"Treasury bonds, CDBs, LCI/LCA or fixed-income funds",
				),
				option(
					"funds",
					2,
					"Também fundos multimercado, previdência ou debêntures",
					"Also multi-market funds, pension plans or debentures",
				),
				option(
					"variable",
					3,
					"Também ações, FIIs, COE ou derivativos",
					"Also stocks, real-estate funds (FII), COE or derivatives",
				),
			],
		},
		{
			id: "education",
			text: {
				"pt-BR": "Qual é a sua formação ou experiência profissional em finanças?",
				en: "What is your training or professional experience in finance?",
			},
			options: [
				option("none", 0, "Nenhuma", "None"),
				option(
					"selfTaught",
					1,
					"Cursos livres ou leitura por conta própria",
					"Short courses or my own reading",
				),
				option(
					"degree",
					2,
					"Formação superior ou trabalho na área financeira",
					"A degree in, or work in, finance",
				),
				option(
					"certified",
					3,
					"Certificação do mercado (CPA, CEA, CFP, CNPI ou similar)",
					"A market certification (CPA, CEA, CFP, CNPI or similar)",
				),
			],
		},
	],
};

/** Every version clients may have answered, by id. */
export const questionnaires: Record<string, Questionnaire> = {
	[questionnaire202612.version]: questionnaire202612,
};
export const currentQuestionnaire: Questionnaire = questionnaire202612;

export const profileRank = (profile: RiskProfile): number => riskProfiles.indexOf(profile);
export const lowerProfile = (a: RiskProfile, b: RiskProfile): RiskProfile =>
	profileRank(a) <= profileRank(b) ? a : b;
export const isAtOrBelow = (profile: RiskProfile, limit: RiskProfile): boolean =>
	profileRank(profile) <= profileRank(limit);

export interface Scored {
	version: string;
	answers: SuitabilityAnswers;
	score: number;
	profile: RiskProfile;
}

/**
 * The score (sum of the chosen options' points) and the profile: by the thresholds, then
 * lowered to the strictest cap among the answers. Answers must be complete (checkAnswers).
 */
export function score(questionnaire: Questionnaire, answers: SuitabilityAnswers): Scored {
	let points = 0;
	let profile: RiskProfile = "aggressive";
	for (const question of questionnaire.questions) {
		const chosen = question.options.find((candidate) => candidate.id === answers[question.id]);
		if (!chosen) throw new Error(`Question ${question.id} has no answer ${answers[question.id]}`);
		points += chosen.points;
		if (chosen.cap) profile = lowerProfile(profile, chosen.cap);
	}
	const { moderate, aggressive } = questionnaire.thresholds;
	const byScore: RiskProfile =
		points >= aggressive ? "aggressive" : points >= moderate ? "moderate" : "conservative";
	return {
		version: questionnaire.version,
		answers: Object.fromEntries(questionnaire.questions.map((q) => [q.id, answers[q.id] as string])),
		score: points,
		profile: lowerProfile(byScore, profile),
	};
}

export type Checked =
	| { ok: true; value: Scored }
	| { ok: false; errors: { field: string; message: string }[] };

/**
 * `{ version, answers }` as a client sent it: the current version, every question answered
 * with one of its options, nothing else. Scored when valid; otherwise every problem named.
 */
export function checkAnswers(input: unknown, questionnaire: Questionnaire = currentQuestionnaire): Checked {
	const errors: { field: string; message: string }[] = [];
	const given = (typeof input === "object" && input !== null ? input : {}) as {
		version?: unknown;
		answers?: unknown;
	};
	if (given.version !== questionnaire.version)
		errors.push({
			field: "version",
			message: `${JSON.stringify(given.version ?? null)} is not the current questionnaire (${questionnaire.version}): answer GET /api/suitability/questionnaire`,
		});
	const answers = given.answers;
	if (typeof answers !== "object" || answers === null || Array.isArray(answers)) {
		errors.push({ field: "answers", message: "must be an object of question id → option id" });
		return { ok: false, errors };
	}
	const known = new Set(questionnaire.questions.map((q) => q.id));
	for (const id of Object.keys(answers))
		if (!known.has(id))
			errors.push({
				field: `answers.${id}`,
				message: `is not a question of version ${questionnaire.version}`,
			});
	for (const question of questionnaire.questions) {
		const value = (answers as Record<string, unknown>)[question.id];
		const allowed = question.options.map((o) => o.id).join(", ");
		if (value === undefined)
			errors.push({ field: `answers.${question.id}`, message: `not answered; one of ${allowed}` });
		else if (!question.options.some((o) => o.id === value))
			errors.push({
				field: `answers.${question.id}`,
				message: `${JSON.stringify(value).slice(0, 60)} is not an option; one of ${allowed}`,
			});
	}
	if (errors.length > 0) return { ok: false, errors };
	return { ok: true, value: score(questionnaire, answers as SuitabilityAnswers) };
}

/**
 * When an assessment made at `assessedAt` stops holding: `months` calendar months later
 * (UTC, clamped to the month's last day: 31 Jan + 1 month = 28/29 Feb), same time of day.
 */
export function assessmentExpiresAt(assessedAt: string, months: number): string {
	const at = new Date(assessedAt);
	const target = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + months, 1));
	const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
	target.setUTCDate(Math.min(at.getUTCDate(), lastDay));
	target.setUTCHours(at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds(), at.getUTCMilliseconds());
	return target.toISOString();
}

/** The latest assessment time that has expired by `now` (with assessmentExpiresAt's clamping, a bound). */
export function expiredIfAssessedBefore(now: number, months: number): string {
	// Clamping can only make an expiry earlier, by at most three days: the caller filters exactly.
	return new Date(
		Date.parse(assessmentExpiresAt(new Date(now).toISOString(), -months)) + 4 * 86_400_000,
	).toISOString();
}

/** What a client's questionnaire and choice allow, and what reaches them now. */
export interface ProfileStanding {
	/** The most the client may choose: the score's profile, or conservative without a questionnaire. */
	ceiling: RiskProfile;
	/** The profile chosen (never above the ceiling). */
	chosen: RiskProfile;
	/** Absent without a questionnaire. */
	expiresAt?: string;
	expired: boolean;
	/** What products are chosen by now: conservative without a valid questionnaire. */
	effective: RiskProfile;
}

export function profileStanding(
	subscriber: { riskProfile: RiskProfile; suitability?: { profile: RiskProfile; assessedAt: string } },
	now: number,
	validMonths: number,
): ProfileStanding {
	const assessment = subscriber.suitability;
	const ceiling = assessment?.profile ?? "conservative";
	const chosen = lowerProfile(subscriber.riskProfile, ceiling);
	if (!assessment) return { ceiling, chosen, expired: false, effective: "conservative" };
	const expiresAt = assessmentExpiresAt(assessment.assessedAt, validMonths);
	const expired = Date.parse(expiresAt) <= now;
	return { ceiling, chosen, expiresAt, expired, effective: expired ? "conservative" : chosen };
}

/** The questionnaire's answers as words, in a language: what the export and an auditor read. */
export function answersInWords(version: string, answers: SuitabilityAnswers, locale: Locale) {
	const questionnaire = questionnaires[version];
	if (!questionnaire) return [];
	return questionnaire.questions.map((question) => {
		const chosen = question.options.find((o) => o.id === answers[question.id]);
		return {
			question: question.id,
			text: question.text[locale],
			answer: answers[question.id],
			answerText: chosen?.text[locale],
			points: chosen?.points,
		};
	});
}
