/**
 * What a subscriber's record shows to its owner and to other services, and the rows the
 * matcher reads; internal fields never leave the service. Pure: "now" and the validity of
 * a questionnaire are given.
 */
import { interestsVersion } from "../../domain/audit.ts";
import type { ErasedRow, SubscriptionRow } from "../../domain/contracts.ts";
import type { Interests } from "../../domain/interests.ts";
import type { Subscriber, SubscriberStatus, SubscriberView } from "../../domain/subscriber.ts";
import { profileStanding } from "../../domain/suitability.ts";

export interface StoredSubscriber extends Subscriber {
	/** jtis of verify and sign-in links not yet used (the newest few). */
	pendingLinks: string[];
	/** jtis of the sessions still valid (the newest few): sign-out removes one, sign-out everywhere all. */
	sessions?: string[];
	/**
	 * interestsVersion() of `interests` (domain/audit.ts), written with them (storedInterests):
	 * the matcher records it in every match's audit, and hashing a million clients' interests
	 * each time a matcher loads them was most of its index build. Absent on records written
	 * before it: computed from the interests then.
	 */
	interestsVersion?: string;
}

/** Interests as a record stores them: always with their version. */
export function storedInterests(
	interests: Interests,
): Pick<StoredSubscriber, "interests" | "interestsVersion"> {
	return { interests, interestsVersion: interestsVersion(interests) };
}

/** A record as a store query answers it: its id is read from `_id`. */
export type SubscriberDoc = StoredSubscriber & { _id: string };

/**
 * What is left of an erased client for a while (queueKeepMs): their id and when they were
 * erased (updatedAt), so a matcher that missed the event learns it from changedSince.
 * `email` only because the collection's unique index on it needs a value on MongoDB and
 * NeDB alike: `erased:<id>` can never be an address (addresses are validated).
 */
export interface Tombstone {
	id: string;
	status: "erased";
	email: string;
	updatedAt: string;
}

export const tombstone = (id: string, erasedAt: string): Tombstone => ({
	id,
	status: "erased",
	email: `erased:${id}`,
	updatedAt: erasedAt,
});

export const isTombstone = (doc: { status?: string } | undefined): boolean => doc?.status === "erased";

/** What every query but changedSince adds: tombstones are nobody. */
export const notErased = { status: { $ne: "erased" } };

export interface Standing {
	now: number;
	validMonths: number;
}

export function publicView(stored: StoredSubscriber, at: Standing): SubscriberView {
	const {
		pendingLinks: _links,
		sessions: _sessions,
		interestsVersion: _version,
		...subscriber
	} = stored as StoredSubscriber & { _id?: string };
	delete (subscriber as { _id?: string })._id;
	const { suitability, investorCategory, ...rest } = subscriber;
	const standing = profileStanding(stored, at.now, at.validMonths);
	return {
		...rest,
		// A record from before questionnaires (or an import) may hold more than it may choose.
		riskProfile: standing.chosen,
		...(suitability && standing.expiresAt
			? { suitability: { ...suitability, expiresAt: standing.expiresAt, expired: standing.expired } }
			: {}),
		effectiveProfile: standing.effective,
		investorCategory: investorCategory ?? { category: "general" },
	};
}

/** What the matcher indexes of a verified client (CVM Resolution 30 gates and interests). */
export function subscriptionRow(
	stored: StoredSubscriber & { _id: string },
	validMonths: number,
): SubscriptionRow {
	// The expiry is compared by the matcher at match time: "now" is not frozen into the row.
	const standing = profileStanding(stored, 0, validMonths);
	return {
		subscriberId: stored._id,
		riskProfile: standing.chosen,
		...(standing.expiresAt ? { profileExpiresAt: standing.expiresAt } : {}),
		investorCategory: stored.investorCategory?.category ?? "general",
		...(stored.suitability ? { questionnaireVersion: stored.suitability.version } : {}),
		interests: stored.interests,
		interestsVersion: stored.interestsVersion ?? interestsVersion(stored.interests),
	};
}

/** A changedSince row: a subscription with its status, or an erased client's tombstone (nothing else). */
export function changedRow(
	doc: (StoredSubscriber | Tombstone) & { _id: string },
	validMonths: number,
): (SubscriptionRow & { status: SubscriberStatus }) | ErasedRow {
	if (doc.status === "erased") return { subscriberId: doc._id, status: "erased" };
	return { ...subscriptionRow(doc, validMonths), status: doc.status };
}
