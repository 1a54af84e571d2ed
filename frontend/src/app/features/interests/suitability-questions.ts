/**
 * A short suitability questionnaire: four questions, each answer worth 0 (cautious) to 2
 * (bold) points. It only suggests a profile; the client decides, and the server enforces
 * whatever profile is saved (a product above its maximum risk is never matched).
 */
import type { RiskProfile } from "../../core/models";

export const questions = [
	{ id: "horizon", answers: ["short", "medium", "long"] },
	{ id: "fall", answers: ["sell", "wait", "buy"] },
	{ id: "experience", answers: ["none", "some", "much"] },
	{ id: "share", answers: ["most", "part", "little"] },
] as const;

export type QuestionId = (typeof questions)[number]["id"];
/** Per question, the index of the chosen answer (its points). */
export type Answers = Partial<Record<QuestionId, number>>;

/**
 * 0–2 points: conservative; 3–5: moderate; 6–8: aggressive. Money needed within a year
 * cannot wait out a fall, so a short horizon caps the suggestion at moderate whatever the
 * other answers say.
 */
export function suggestProfile(answers: Answers): RiskProfile | null {
	if (questions.some((question) => answers[question.id] === undefined)) return null;
	const points = questions.reduce((sum, question) => sum + (answers[question.id] ?? 0), 0);
	const profile: RiskProfile = points <= 2 ? "conservative" : points <= 5 ? "moderate" : "aggressive";
	return answers.horizon === 0 && profile === "aggressive" ? "moderate" : profile;
}
