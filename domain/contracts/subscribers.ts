/**
 * The subscribers folder: the clients (subscribers) and their sessions (identity); every
 * change to a client, and their erasure.
 */

import type { Audience } from "../product.ts";
import type { Interests, Preferences, RiskProfile, Subscriber, SubscriberStatus } from "../subscriber.ts";

/** An erased client, known only by their id, for the matchers that missed the event. */
export interface ErasedRow {
	subscriberId: string;
	status: "erased";
}

/**
 * What the matcher needs of a client to decide what may reach them (CVM Resolution 30):
 * the profile they chose (never above their questionnaire's score), until when it holds
 * (after, they count as conservative until renewed), their investor category, and interests.
 */
export interface SubscriptionRow {
	subscriberId: string;
	riskProfile: RiskProfile;
	/** When the suitability assessment behind riskProfile expires; absent: no assessment (conservative). */
	profileExpiresAt?: string;
	investorCategory?: Audience;
	/** The suitability questionnaire version answered; absent: none (for the audit trail). */
	questionnaireVersion?: string;
	interests: Interests;
}

/**
 * Durable queue subject "erasures": a client erased their account. Every analytics node
 * replaces their id in its facts by `replacement` (random, the same on every node), so the
 * counts stay exact and nothing left points at the person.
 */
export interface ErasureMessage {
	subscriberId: string;
	replacement: string;
}

export type SubscriberChange =
	| "verified"
	| "profile"
	| "interests"
	| "preferences"
	| "unsubscribed"
	| "bouncing"
	| "erased";

export interface SubscribersActions {
	"subscribers.get": { params: { id: string }; result: Subscriber };
	"subscribers.mailable": {
		params: { after?: string; pageSize?: number };
		result: {
			rows: { id: string; email: string; name: string; locale: string; preferences: Preferences }[];
			next?: string;
		};
	};
	"subscribers.unsubscribeUrl": { params: { id: string }; result: string };
	"subscribers.markBouncing": { params: { email: string }; result: { updated: number } };
	"subscribers.active": {
		params: { after?: string; pageSize?: number };
		result: { rows: SubscriptionRow[]; next?: string };
	};
	"subscribers.changedSince": {
		params: { since: string; after?: string; pageSize?: number };
		/** Erased clients come back as `{ subscriberId, status: "erased" }` for a while (tombstones). */
		result: {
			rows: ((SubscriptionRow & { status: SubscriberStatus }) | ErasedRow)[];
			next?: string;
		};
	};
	/** Verified subscribers right now. */
	"subscribers.countActive": { params: Record<string, never>; result: { count: number } };
	/** The subscriber a session token belongs to (401 when missing, forged or expired). */
	"identity.authenticate": {
		params: { token: string };
		/** sessionId: the session's jti, for sign-out and renewal; live: preferences.live. */
		result: { subscriberId: string; sessionId: string; live: boolean };
	};
}

export interface SubscribersEvents {
	/** Every change to a subscriber; matcher nodes update their index from it. */
	"subscribers.changed": { id: string; change: SubscriberChange };
}

export interface SubscribersQueue {
	/** subscribers → analytics: a client erased their account. */
	erasures: ErasureMessage;
}
