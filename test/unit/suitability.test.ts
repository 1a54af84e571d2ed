/**
 * The suitability rules on small exact cases: scoring, thresholds and caps, what a refused
 * answer set says, the validity of an assessment (calendar months, clamped), what a client
 * may choose, and the investor category declarations.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Errors } from "moleculer";
import { currentStatements, mayReceive, statementText } from "../../domain/investor-category.ts";
import {
	answersInWords,
	assessmentExpiresAt,
	checkAnswers,
	currentQuestionnaire,
	expiredIfAssessedBefore,
	profileStanding,
	score,
} from "../../domain/suitability.ts";
import { afterAssessment, declaration, profileChoice } from "../../services/subscribers/suitability.ts";
import { answersFor } from "../fixtures/clients.ts";

const q = currentQuestionnaire;
/** Every question at the option with `index` (clamped to its options). */
const all = (index: number) =>
	Object.fromEntries(q.questions.map((question) => [question.id, question.options[index]?.id as string]));

describe("the questionnaire", () => {
	it("asks 5 to 8 questions, each in pt-BR and en, with unique ids and 0–3 points", () => {
		assert.ok(q.questions.length >= 5 && q.questions.length <= 8);
		assert.equal(new Set(q.questions.map((question) => question.id)).size, q.questions.length);
		for (const question of q.questions) {
			assert.ok(question.text["pt-BR"] && question.text.en, question.id);
			for (const option of question.options) {
				assert.ok(option.text["pt-BR"] && option.text.en, `${question.id}.${option.id}`);
				assert.ok(option.points >= 0 && option.points <= 3);
			}
		}
		for (const topic of [
			"objective",
			"horizon",
			"liquidity",
			"lossTolerance",
			"income",
			"wealth",
			"experience",
		])
			assert.ok(
				q.questions.some((question) => question.id === topic),
				topic,
			);
	});

	it("scores by the documented thresholds: 0–9 conservative, 10–17 moderate, 18–24 aggressive", () => {
		assert.deepEqual(q.thresholds, { moderate: 10, aggressive: 18 });
		assert.deepEqual(
			[score(q, all(0)).score, score(q, all(0)).profile],
			[0, "conservative"],
			"every most cautious answer",
		);
		assert.deepEqual([score(q, all(3)).score, score(q, all(3)).profile], [24, "aggressive"]);
		assert.deepEqual(
			[score(q, answersFor("moderate")).score, score(q, answersFor("moderate")).profile],
			[13, "moderate"],
		);
		// 9 and 10, 17 and 18: the edges, from 4 points of answers that cap nothing.
		const base = {
			objective: "preserve",
			horizon: "1to3y",
			liquidity: "part",
			lossTolerance: "sellPart",
			income: "below",
			wealth: "upTo50k",
			experience: "fixedIncome",
			education: "none",
		};
		const at = (changes: Record<string, string>) => score(q, { ...base, ...changes });
		assert.deepEqual(at({}).score, 4);
		const top = { objective: "maximize", income: "savesMuch", wealth: "over1m", education: "certified" };
		const edges = [
			at({ objective: "maximize", income: "saves" }),
			at({ objective: "maximize", income: "savesMuch" }),
			at({ ...top, horizon: "3to5y" }),
			at({ ...top, horizon: "over5y" }),
		];
		assert.deepEqual(
			edges.map((scored) => [scored.score, scored.profile]),
			[
				[9, "conservative"],
				[10, "moderate"],
				[17, "moderate"],
				[18, "aggressive"],
			],
		);
	});

	it("caps the profile by answers that rule risk out, whatever the score", () => {
		const bold = all(3);
		assert.equal(
			score(q, { ...bold, horizon: "under1y" }).profile,
			"conservative",
			"money needed within a year",
		);
		assert.equal(score(q, { ...bold, liquidity: "most" }).profile, "conservative");
		assert.equal(score(q, { ...bold, lossTolerance: "sellAll" }).profile, "conservative");
		assert.equal(
			score(q, { ...bold, experience: "none" }).profile,
			"moderate",
			"never invested beyond savings",
		);
		assert.equal(score(q, { ...bold, experience: "none" }).score, 21, "the score itself is kept");
	});

	it("refuses answers naming each problem: version, unanswered, unknown options and questions", () => {
		const checked = checkAnswers({
			version: "2020-01",
			answers: { ...all(1), horizon: undefined, wealth: "lots", mood: "good" },
		});
		assert.equal(checked.ok, false);
		const errors = checked.ok ? [] : checked.errors;
		const fields = errors.map((e) => e.field);
		assert.deepEqual(fields.sort(), ["answers.horizon", "answers.mood", "answers.wealth", "version"]);
		const message = (field: string) => errors.find((e) => e.field === field)?.message ?? "";
		assert.match(message("version"), /"2020-01" is not the current questionnaire \(2026-12\)/);
		assert.match(message("answers.horizon"), /not answered; one of under1y, 1to3y, 3to5y, over5y/);
		assert.match(message("answers.wealth"), /"lots" is not an option; one of upTo50k/);
		assert.match(message("answers.mood"), /is not a question of version 2026-12/);
		assert.equal(checkAnswers({ version: q.version, answers: [] }).ok, false);
		assert.equal(checkAnswers(undefined).ok, false);
		const good = checkAnswers({ version: q.version, answers: answersFor("aggressive") });
		assert.ok(good.ok && good.value.profile === "aggressive" && good.value.version === "2026-12");
	});

	it("reads answers back in words, in either language", () => {
		const words = answersInWords(q.version, answersFor("conservative"), "en");
		assert.equal(words.length, q.questions.length);
		assert.deepEqual(words[1], {
			question: "horizon",
			text: "How long do you plan to keep these investments?",
			answer: "under1y",
			answerText: "Less than 1 year",
			points: 0,
		});
		assert.equal(
			answersInWords(q.version, answersFor("conservative"), "pt-BR")[1]?.answerText,
			"Menos de 1 ano",
		);
		assert.deepEqual(answersInWords("1999-01", {}, "en"), []);
	});
});

describe("validity", () => {
	it("lasts calendar months from the assessment, clamped to the month's end", () => {
		assert.equal(assessmentExpiresAt("2026-12-01T10:00:00.000Z", 24), "2028-12-01T10:00:00.000Z");
		assert.equal(assessmentExpiresAt("2026-01-31T23:30:00.000Z", 1), "2026-02-28T23:30:00.000Z");
		assert.equal(assessmentExpiresAt("2028-02-29T00:00:00.000Z", 12), "2029-02-28T00:00:00.000Z");
	});

	it("finds every expired assessment with a query bound that never misses one", () => {
		const months = 24;
		const now = Date.parse("2028-03-01T12:00:00Z");
		const bound = expiredIfAssessedBefore(now, months);
		for (let day = -800; day <= -700; day++) {
			const assessedAt = new Date(now + day * 86_400_000 + 3_600_000).toISOString();
			const expired = Date.parse(assessmentExpiresAt(assessedAt, months)) <= now;
			if (expired) assert.ok(assessedAt <= bound, `${assessedAt} expired but after the bound ${bound}`);
		}
	});

	it("makes a client without a valid questionnaire conservative, whatever their record says", () => {
		const at = Date.parse("2026-12-01T10:00:00Z");
		assert.deepEqual(profileStanding({ riskProfile: "aggressive" }, at, 24), {
			ceiling: "conservative",
			chosen: "conservative",
			expired: false,
			effective: "conservative",
		});
		const assessed = {
			riskProfile: "moderate" as const,
			suitability: { profile: "aggressive" as const, assessedAt: "2024-12-01T10:00:00.000Z" },
		};
		assert.deepEqual(profileStanding(assessed, at - 1, 24), {
			ceiling: "aggressive",
			chosen: "moderate",
			expiresAt: "2026-12-01T10:00:00.000Z",
			expired: false,
			effective: "moderate",
		});
		const expired = profileStanding(assessed, at, 24);
		assert.equal(expired.expired, true);
		assert.equal(expired.effective, "conservative");
		assert.equal(expired.chosen, "moderate", "the choice stays, for when the client renews");
	});
});

describe("choosing a profile", () => {
	const refusedAs = (type: string) => (err: unknown) =>
		err instanceof Errors.MoleculerClientError && err.code === 422 && err.type === type;

	it("allows the score's profile or a lower one, never a higher one", () => {
		assert.deepEqual(profileChoice("moderate", "moderate", true), {
			riskProfile: "moderate",
			riskProfileChosen: false,
		});
		assert.deepEqual(profileChoice("moderate", "conservative", true), {
			riskProfile: "conservative",
			riskProfileChosen: true,
		});
		assert.throws(() => profileChoice("moderate", "aggressive", true), refusedAs("PROFILE_ABOVE_SCORE"));
		assert.throws(
			() => profileChoice("conservative", "moderate", false),
			/Without a suitability questionnaire/,
		);
	});

	it("keeps a lower choice through a new questionnaire while it stays below the score", () => {
		const scored = score(q, all(3));
		assert.equal(afterAssessment({ riskProfile: "conservative" }, scored, "t").riskProfile, "aggressive");
		assert.equal(
			afterAssessment({ riskProfile: "aggressive" }, score(q, all(0)), "t").riskProfile,
			"conservative",
			"an old profile above the new score goes down to it",
		);
		const kept = afterAssessment({ riskProfile: "moderate", riskProfileChosen: true }, scored, "t");
		assert.deepEqual([kept.riskProfile, kept.riskProfileChosen], ["moderate", true]);
		const reached = afterAssessment(
			{ riskProfile: "moderate", riskProfileChosen: true },
			score(q, answersFor("moderate")),
			"t",
		);
		assert.deepEqual([reached.riskProfile, reached.riskProfileChosen], ["moderate", false]);
		assert.equal(kept.suitability.assessedAt, "t");
		assert.equal(kept.suitability.score, 24);
	});
});

describe("investor category", () => {
	const at = { declaredAt: "2026-12-01T10:00:00.000Z", locale: "pt-BR" as const };
	const refusedAs = (type: string) => (err: unknown) =>
		err instanceof Errors.MoleculerClientError && err.type === type;

	it("needs the statement attested, on a ground the category accepts, in its current version", () => {
		assert.throws(() => declaration({ category: "qualified" }, at), refusedAs("ATTESTATION_REQUIRED"));
		assert.throws(
			() => declaration({ category: "qualified", attestation: false }, at),
			refusedAs("ATTESTATION_REQUIRED"),
		);
		assert.throws(
			() => declaration({ category: "professional", ground: "certification", attestation: true }, at),
			refusedAs("INVALID_GROUND"),
		);
		assert.throws(
			() => declaration({ category: "qualified", attestation: true, statementVersion: "2020-01" }, at),
			refusedAs("STATEMENT_OUTDATED"),
		);
		assert.deepEqual(
			declaration({ category: "qualified", ground: "certification", attestation: true, locale: "en" }, at),
			{
				category: "qualified",
				ground: "certification",
				statementVersion: currentStatements.version,
				locale: "en",
				declaredAt: at.declaredAt,
			},
		);
		assert.deepEqual(declaration({ category: "general" }, at), {
			category: "general",
			declaredAt: at.declaredAt,
		});
	});

	it("words each statement in both languages with its thresholds, and professionals receive qualified products", () => {
		assert.match(
			statementText(currentStatements, "qualified", "investments", "pt-BR") ?? "",
			/R\$ 1\.000\.000,00/,
		);
		assert.match(
			statementText(currentStatements, "professional", "investments", "en") ?? "",
			/R\$ 10,000,000\.00/,
		);
		assert.match(
			statementText(currentStatements, "professional", "registration", "pt-BR") ?? "",
			/art\. 11, VII/,
		);
		assert.equal(statementText(currentStatements, "general", undefined, "en"), undefined);
		assert.ok(mayReceive("professional", "qualified") && mayReceive("qualified", "general"));
		assert.ok(!mayReceive("general", "qualified") && !mayReceive("qualified", "professional"));
	});
});
