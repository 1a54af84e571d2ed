/**
 * What the matcher keeps of a client, from the two shapes it reads them in: a row of
 * subscribers.active / changedSince (SubscriptionRow), and the record subscribers.get
 * returns (on a `subscribers.changed` event, and for the preview of one's own interests).
 */
import type { SubscriptionRow } from "../../domain/contracts.ts";
import { type Audience, audiences } from "../../domain/product.ts";
import { type RiskProfile, riskProfiles } from "../../domain/subscriber.ts";
import type { Subscription } from "./reference.ts";

/** The row's matching fields, nothing else (a row may carry its status). */
export function subscriptionOf(row: SubscriptionRow): Subscription {
	return {
		subscriberId: row.subscriberId,
		riskProfile: row.riskProfile,
		...(row.profileExpiresAt !== undefined ? { profileExpiresAt: row.profileExpiresAt } : {}),
		...(row.investorCategory !== undefined ? { investorCategory: row.investorCategory } : {}),
		...(row.questionnaireVersion !== undefined ? { questionnaireVersion: row.questionnaireVersion } : {}),
		interests: row.interests,
		interestsVersion: row.interestsVersion,
	};
}

/**
 * The record subscribers.get gives, read for what matching needs: the profile chosen, the
 * expiry of the questionnaire behind it (`suitability.expiresAt`) and its version (for the
 * audit), the investor category (`investorCategory.category`, or a plain category). Read
 * field by field, tolerating what is missing: without a readable expiry the client counts
 * as conservative, without a readable category as general — the stricter reading, until
 * the next reconcile pass brings the row.
 */
export function subscriptionOfRecord(subscriberId: string, record: unknown): Subscription {
	const view = (typeof record === "object" && record !== null ? record : {}) as {
		riskProfile?: unknown;
		suitability?: { expiresAt?: unknown; profile?: unknown; version?: unknown };
		investorCategory?: unknown;
		interests?: unknown;
	};
	const ceiling = view.suitability?.profile;
	let riskProfile: RiskProfile = riskProfiles.includes(view.riskProfile as RiskProfile)
		? (view.riskProfile as RiskProfile)
		: "conservative";
	// Never above what the questionnaire scored, whatever the record says.
	if (
		riskProfiles.includes(ceiling as RiskProfile) &&
		riskProfiles.indexOf(ceiling as RiskProfile) < riskProfiles.indexOf(riskProfile)
	)
		riskProfile = ceiling as RiskProfile;
	const expiresAt = view.suitability?.expiresAt;
	const questionnaireVersion = view.suitability?.version;
	const declared = view.investorCategory;
	const category =
		typeof declared === "object" && declared !== null
			? (declared as { category?: unknown }).category
			: declared;
	return {
		subscriberId,
		riskProfile,
		...(typeof expiresAt === "string" ? { profileExpiresAt: expiresAt } : {}),
		...(audiences.includes(category as Audience) ? { investorCategory: category as Audience } : {}),
		...(typeof questionnaireVersion === "string" ? { questionnaireVersion } : {}),
		interests: (typeof view.interests === "object" && view.interests !== null
			? view.interests
			: {}) as Subscription["interests"],
	};
}
