/**
 * One matched product in one subscriber's inbox. Keyed by (subscriber, publication,
 * product) so a redelivered publication can never create a second one.
 */
import type { MatchAudit } from "./audit.ts";
import { type FieldChange, fieldChangeRule, type Notice } from "./changes.ts";

/** How a reason's value meets the client's bound or set. */
export const reasonOperators = ["≥", "≤", "∈", "∉", "="] as const;

/** Why a product matched: one per satisfied constraint, e.g. dividendYield 0.091 ≥ 0.08. */
export interface MatchReason {
	field: string;
	operator: (typeof reasonOperators)[number];
	/** The product's value. */
	value: number | string | boolean;
	/** The subscriber's bound or set. */
	bound: number | string | boolean | string[];
}

export interface Notification {
	id: string;
	subscriberId: string;
	productId: string;
	publicationId: string;
	category: string;
	reasons: MatchReason[];
	/**
	 * The source whose venue met the client, the best that fits them when several sell the
	 * product (domain/venues.ts): the reasons are that venue's conditions.
	 */
	venue?: string;
	createdAt: string;
	seenAt?: string;
	readAt?: string;
	/** When it went out in an e-mail (immediate or digest). */
	mailedAt?: string;
	/** A product told about before that changed: what changed since the version before. */
	changes?: FieldChange[];
	/** "No longer available / no longer fits your profile" rather than a tip. */
	notice?: Notice;
	/** What the match was made of (domain/audit.ts): for operators, never sent to the client. */
	audit?: MatchAudit;
}

/** What a notification carries beyond the fields queries read: why it fits, what changed, its audit. */
export interface NotificationDetail {
	reasons: MatchReason[];
	changes?: FieldChange[];
	audit?: MatchAudit;
}

/**
 * JSON with `rawJSON` ("JSON.parse source text access": V8 11.4, Node 21 on), which
 * TypeScript's libraries do not have yet. Typed here, not globally: the SPA type-checks this
 * file too (for its types only).
 */
const json = JSON as JSON & { rawJSON(text: string): unknown };

/** `text` with every character beyond ASCII as its JSON escape ("\u2265" for "≥"). */
const asciiEscaped = (text: string): string =>
	text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/**
 * Each operator as a raw JSON string in escapes, which JSON.stringify writes as it is. Why: V8
 * keeps a text in one byte a character only while every character fits in one, so a single
 * "≥" doubled the whole detail, in the inbox's memory, in the store's line and in its UTF-8
 * encoding (docs/matching.md, step 21). JSON.parse reads the escape back as the operator.
 */
const escapedOperators = new Map<string, unknown>(
	reasonOperators.map((operator) => [operator, json.rawJSON(`"${asciiEscaped(operator)}"`)]),
);

/**
 * The detail as one JSON text: what the matcher hands the store with each match and the
 * store keeps as it is (services/notifications/stored.ts). Absent members are left out;
 * operators are written escaped (escapedOperators).
 */
export function detailText({ reasons, changes, audit }: NotificationDetail): string {
	const written = reasons.map(({ field, operator, value, bound }) => ({
		field,
		operator: escapedOperators.get(operator) ?? operator,
		value,
		bound,
	}));
	return JSON.stringify({ reasons: written, changes, audit });
}

export function notificationKey(subscriberId: string, publicationId: string, productId: string): string {
	return `${subscriberId}|${publicationId}|${productId}`;
}

export const matchReasonSchema = {
	type: "object",
	strict: "remove",
	props: {
		field: "string|min:1|max:50",
		operator: { type: "enum", values: [...reasonOperators] },
		value: { type: "multi", rules: ["number", "string", "boolean"] },
		bound: "any",
	},
} as const;

export const notificationSchema = {
	$$root: true,
	type: "object",
	strict: "remove",
	props: {
		id: "string|min:1",
		subscriberId: "string|min:1",
		productId: "string|min:1",
		publicationId: "string|min:1",
		category: "string|min:1",
		reasons: { type: "array", items: matchReasonSchema },
		venue: { type: "string", max: 50, optional: true },
		createdAt: { type: "string", pattern: /^\d{4}-\d{2}-\d{2}T/ },
		seenAt: { type: "string", optional: true },
		readAt: { type: "string", optional: true },
		mailedAt: { type: "string", optional: true },
		changes: { type: "array", items: fieldChangeRule, optional: true },
		notice: { type: "enum", values: ["no-longer-available", "no-longer-fits"], optional: true },
	},
} as const;
