/** Notifications: the matches stored as each client's inbox, told live and handed to analytics. */

import type { MatchAudit } from "../audit.ts";
import {
	detailText,
	type MatchReason,
	matchReasonSchema,
	type Notification,
	type NotificationDetail,
} from "../notification.ts";
import { audiences, type Category, type Product } from "../product.ts";
import { riskProfiles } from "../subscriber.ts";

/**
 * One client a product reaches, as a matcher hands it to the store. Its reasons, the changes
 * (a product published before) and its audit (which product version met which standing of
 * the client, domain/audit.ts) travel as `detail`, the text the store keeps: the matcher
 * writes it while the match's objects are fresh, and the store, which every matcher's
 * batches go through, neither reads nor writes three object trees per notification
 * (docs/matching.md, step 20).
 */
export interface Match {
	subscriberId: string;
	productId: string;
	category: Category;
	/** The source whose venue met the client (domain/venues.ts). */
	venue?: Notification["venue"];
	/** Not a tip: the product stopped reaching a client who was told about it. */
	notice?: Notification["notice"];
	/** detailText() of the match's NotificationDetail. */
	detail: string;
}

/**
 * A match as matchers sent it before `detail`: the store still takes it, so a rolling upgrade
 * that brings the notifications nodes first loses nothing a matcher of the previous version
 * sends (a store of the previous version would drop a `detail`: upgrade matchers after).
 */
export interface MatchBeforeDetail extends Omit<Match, "detail">, NotificationDetail {}

/** What `notifications.store` takes. */
export type MatchToStore = Match | MatchBeforeDetail;

/** `subscriberId`'s match of `product` with its detail written out; venue and notice only when there is one. */
export function matchOf(
	product: Pick<Product, "id" | "category">,
	subscriberId: string,
	detail: NotificationDetail,
	told: Pick<Match, "venue" | "notice"> = {},
): Match {
	const match: Match = {
		subscriberId,
		productId: product.id,
		category: product.category,
		detail: detailText(detail),
	};
	if (told.venue) match.venue = told.venue;
	if (told.notice) match.notice = told.notice;
	return match;
}

/** One notification as analytics counts it. */
export interface Distributed {
	subscriberId: string;
	productId: string;
	createdAt: string;
}

/**
 * Durable queue subject "distributions": a stored batch of notifications, for analytics.
 * `notified` groups its clients by product and time stored — a thousand notifications are a
 * few product ids and a list of client ids, not a thousand objects, since the embedded queue
 * writes every message (and every acknowledgement) to disk whole.
 */
export interface DistributionBatch {
	publicationId: string;
	notified?: { productId: string; createdAt: string; subscriberIds: string[] }[];
	/** How messages queued before `notified` existed list them, one object each. */
	notifications?: (Distributed & { category?: string })[];
}

/** The batch message for these stored notifications. */
export function distributionBatch(publicationId: string, stored: readonly Distributed[]): DistributionBatch {
	type Group = { productId: string; createdAt: string; subscriberIds: string[] };
	const notified: Group[] = [];
	// By time, then product: a batch has one time or a few, and no key text is built per notification.
	const byTime = new Map<string, Map<string, Group>>();
	for (const { subscriberId, productId, createdAt } of stored) {
		let byProduct = byTime.get(createdAt);
		if (!byProduct) {
			byProduct = new Map();
			byTime.set(createdAt, byProduct);
		}
		const group = byProduct.get(productId);
		if (group) group.subscriberIds.push(subscriberId);
		else {
			const added = { productId, createdAt, subscriberIds: [subscriberId] };
			byProduct.set(productId, added);
			notified.push(added);
		}
	}
	return { publicationId, notified };
}

/** A notification as its client reads it: the product with it, and where it sits in the inbox. */
export type InboxRow = Omit<Notification, "audit"> & {
	product?: Product;
	/** Resumes the inbox after this row (`since`, `before`). */
	cursor: string;
};

/** One notification of the trail. `audit` is absent for notifications stored before audits existed. */
export interface AuditRow {
	notificationId: string;
	/** When the notification was stored (the client's inbox shows this time). */
	notifiedAt: string;
	subscriberId: string;
	productId: string;
	publicationId: string;
	category: string;
	/** A "no longer…" notice rather than a tip. */
	notice?: string;
	/** The source whose venue met the client (domain/venues.ts). */
	venue?: string;
	reasons: MatchReason[];
	audit?: MatchAudit;
}

export interface AuditTrail {
	subscriberId?: string;
	productId?: string;
	from: string;
	to: string;
	rows: AuditRow[];
	/** More rows than maxAuditRows: ask again with `after: next`. */
	truncated: boolean;
	next?: string;
}

/** notifications.unread: the badge's count, "99+" beyond 99. */
export interface UnreadCount {
	unread: number;
	display: string;
	hasMore: boolean;
}

export interface NotificationsActions {
	"notifications.pendingMail": {
		/** `createdUntil`: the latest creation time included (ISO), the sweep's instant. */
		params: { subscriberId: string; createdUntil?: string; limit?: number };
		result: (Notification & { product?: Product })[];
	};
	"notifications.markMailed": {
		params: { subscriberId: string; ids: string[] };
		result: { updated: number };
	};
	/**
	 * Clients with mail due by `before`, soonest first: each has notifications not e-mailed
	 * yet, and the mailer has not put them off past `before` (their digest hour, say).
	 */
	"notifications.mailDue": {
		params: { before: string; limit?: number };
		result: { subscriberId: string; dueAt: string }[];
	};
	/**
	 * The mailer looked at this client: put them off until `nextDueAt`, or, without it, done
	 * until their next notification — unless some are still not e-mailed, then due from the oldest.
	 */
	"notifications.mailChecked": {
		params: { subscriberId: string; nextDueAt?: string };
		result: { dueAt?: string };
	};
	/** The caller's own inbox: the subscriber comes from ctx.meta.subscriberId (the session). */
	"notifications.list": {
		params: { since?: string; before?: string; limit?: number; unread?: boolean; category?: Category };
		result: {
			rows: InboxRow[];
			unread: number;
			hasMore: boolean;
			next?: string;
		};
	};
	/** Internal (live): each client's own notifications among the ids given for them, oldest first, and their unread count. */
	"notifications.delivery": {
		params: { subscribers: { subscriberId: string; notificationIds: string[] }[] };
		result: { subscriberId: string; rows: InboxRow[]; unread: UnreadCount }[];
	};
	/** The session's unread count, as the badge shows it ("99+"). */
	"notifications.unread": {
		params: Record<string, never>;
		result: UnreadCount;
	};
	"notifications.markRead": { params: { ids?: string[]; all?: boolean }; result: { updated: number } };
	"notifications.store": {
		/** `backfill`: a client's recent matches, stored only where news to them (notices.ts). */
		params: { publicationId: string; matches: MatchToStore[]; backfill?: boolean };
		result: { created: number; existing: number };
	};
	"notifications.forget": { params: { subscriberId: string }; result: { removed: number } };
	/**
	 * Operators: one client's or one product's notifications over a period of São Paulo days.
	 * `format: "csv"` answers the same rows as CSV text.
	 */
	"notifications.audit": {
		params: {
			subscriberId?: string;
			productId?: string;
			from?: string;
			to?: string;
			format?: "json" | "csv";
			after?: string;
		};
		result: AuditTrail;
	};
}

export interface NotificationsEvents {
	/** One per stored batch: its notifications by client, for the live nodes holding their sockets. */
	"notifications.created": {
		publicationId: string;
		subscribers: { subscriberId: string; notificationIds: string[] }[];
	};
}

export interface NotificationsQueue {
	/** notifications → analytics: notifications stored. */
	distributions: DistributionBatch;
}

/** What `GET /api/admin/audit` answers in JSON (CSV: the same rows, one a line). */
export const auditTrailRule = {
	type: "object",
	props: {
		subscriberId: "string|optional",
		productId: "string|optional",
		from: "string",
		to: "string",
		rows: {
			type: "array",
			items: {
				type: "object",
				props: {
					notificationId: "string",
					notifiedAt: "string",
					subscriberId: "string",
					productId: "string",
					publicationId: "string",
					category: "string",
					notice: "string|optional",
					venue: "string|optional",
					reasons: { type: "array", items: matchReasonSchema },
					audit: {
						type: "object",
						optional: true,
						props: {
							matchedAt: "string",
							productVersion: "string",
							profileInForce: { type: "enum", values: [...riskProfiles] },
							profileChosen: { type: "enum", values: [...riskProfiles] },
							profileExpiresAt: "string|optional",
							investorCategory: { type: "enum", values: [...audiences] },
							questionnaireVersion: "string|optional",
							interestsVersion: "string",
						},
					},
				},
			},
		},
		truncated: "boolean",
		next: "string|optional",
	},
} as const;
