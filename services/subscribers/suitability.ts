/**
 * The subscriber's side of CVM Resolution 30: what answering the questionnaire, choosing a
 * profile and declaring a category change on the record, or the 422 that says why not.
 * No storage and no clock: the service passes "now".
 */
import { Errors } from "moleculer";
import {
	type CategoryGround,
	categoryGrounds,
	currentStatements,
	type StatementSet,
} from "../../domain/investor-category.ts";
import type { Audience } from "../../domain/product.ts";
import type {
	InvestorCategoryDeclaration,
	Locale,
	RiskProfile,
	Subscriber,
	SuitabilityAssessment,
} from "../../domain/subscriber.ts";
import { checkAnswers, isAtOrBelow, profileRank, type Scored } from "../../domain/suitability.ts";

/** The answers scored, or a 422 naming every problem (version, unanswered, unknown options). */
export function scoredOrThrow(input: unknown): Scored {
	const checked = checkAnswers(input);
	if (checked.ok) return checked.value;
	throw new Errors.ValidationError(
		`Suitability answers refused: ${checked.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`,
		"INVALID_SUITABILITY",
		checked.errors,
	);
}

/**
 * The fields choosing `wanted` sets, when it is at or below `ceiling` (the score's profile,
 * conservative without a questionnaire); otherwise a 422 PROFILE_ABOVE_SCORE.
 */
export function profileChoice(
	ceiling: RiskProfile,
	wanted: RiskProfile,
	answered: boolean,
): Pick<Subscriber, "riskProfile" | "riskProfileChosen"> {
	if (!isAtOrBelow(wanted, ceiling))
		throw new Errors.MoleculerClientError(
			answered
				? `The profile ${wanted} is above the one your suitability questionnaire gives (${ceiling}): choose ${ceiling} or a lower one, or answer the questionnaire again.`
				: `Without a suitability questionnaire the profile is conservative: answer it (PUT /api/me/suitability) to choose ${wanted}.`,
			422,
			"PROFILE_ABOVE_SCORE",
			{ riskProfile: wanted, allowed: ceiling },
		);
	return { riskProfile: wanted, riskProfileChosen: wanted !== ceiling };
}

/**
 * A new assessment replaces the old one; the profile becomes the score's, unless the client
 * had chosen a lower one that is still below it.
 */
export function afterAssessment(
	current: Pick<Subscriber, "riskProfile" | "riskProfileChosen">,
	scored: Scored,
	assessedAt: string,
): Pick<Subscriber, "riskProfile" | "riskProfileChosen"> & { suitability: SuitabilityAssessment } {
	const keep =
		current.riskProfileChosen === true && profileRank(current.riskProfile) < profileRank(scored.profile);
	return {
		suitability: { ...scored, assessedAt },
		riskProfile: keep ? current.riskProfile : scored.profile,
		riskProfileChosen: keep,
	};
}

export interface CategoryRequest {
	category: Audience;
	ground?: CategoryGround;
	attestation?: boolean;
	statementVersion?: string;
	locale?: Locale;
}

/**
 * A declaration as the rule requires it: qualified and professional need a ground the
 * category accepts and the statement attested (`attestation: true`), in its current
 * version; general needs nothing (it only gives up access).
 */
export function declaration(
	request: CategoryRequest,
	at: { declaredAt: string; locale: Locale; ip?: string },
	statements: StatementSet = currentStatements,
): InvestorCategoryDeclaration {
	const { category } = request;
	const refuse = (type: string, message: string, data?: object): never => {
		throw new Errors.MoleculerClientError(message, 422, type, data);
	};
	if (category === "general") return { category, declaredAt: at.declaredAt, ...(at.ip ? { ip: at.ip } : {}) };
	const grounds: readonly string[] = categoryGrounds[category];
	const ground = request.ground ?? "investments";
	if (!grounds.includes(ground))
		refuse(
			"INVALID_GROUND",
			`${ground} is not a ground for ${category} investors; one of ${grounds.join(", ")}.`,
			{
				grounds,
			},
		);
	if (request.statementVersion !== undefined && request.statementVersion !== statements.version)
		refuse(
			"STATEMENT_OUTDATED",
			`The statement version ${request.statementVersion} is not the current one (${statements.version}): read it again (GET /api/investor-category/statements).`,
			{ current: statements.version },
		);
	if (request.attestation !== true)
		refuse(
			"ATTESTATION_REQUIRED",
			`Declaring yourself a ${category} investor needs the statement attested: send attestation: true after reading it (GET /api/investor-category/statements).`,
		);
	return {
		category,
		ground: ground as CategoryGround,
		statementVersion: statements.version,
		locale: request.locale ?? at.locale,
		declaredAt: at.declaredAt,
		...(at.ip ? { ip: at.ip } : {}),
	};
}
