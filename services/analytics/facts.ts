/**
 * The facts analytics keeps: one per notification and one per publication, each counted once
 * under a key derived from what it describes, so a message delivered twice adds nothing.
 * Every number analytics answers is a count over these facts (view.ts).
 *
 * Notification facts are stored a message's worth at a time, one document per publication
 * and day holding each (subscriber, product), not a document each: the store's cost is per
 * document, and a publication makes a hundred thousand of them at once.
 */
import { createHash } from "node:crypto";
import type { DistributionBatch } from "../../domain/contracts.ts";
import { localDate } from "../../domain/dates.ts";
import { notificationKey } from "../../domain/notification.ts";
import { productOrigin } from "../../domain/product.ts";
import type { Publication } from "../../domain/publication.ts";

/** Notification facts of one publication and day, as stored: the i-th subscriber was told of the i-th product. */
export interface StoredNotificationDay {
	_id: string;
	kind: "notifications";
	publicationId: string;
	/** São Paulo's calendar day they were created. */
	day: string;
	subscribers: string[];
	products: string[];
}

/** One notification as stored before facts were grouped by day (still read). */
export interface StoredNotificationFact {
	/** The notification's own key: subscriber|publication|product. */
	_id: string;
	productId: string;
	/** São Paulo's calendar day it was created. */
	day: string;
}

/** A notification fact: ids are pseudonymous, no name or address is kept. */
export interface NotificationFact {
	/** The notification's own key: subscriber|publication|product. */
	_id: string;
	kind: "notification";
	productId: string;
	/** São Paulo's calendar day it was created. */
	day: string;
	subscriberId: string;
	publicationId: string;
	category: string;
	source: string;
}

export interface PublicationFact {
	_id: string;
	kind: "publication";
	publicationId: string;
	publishedAt: string;
	day: string;
	/** Products per origin, "source:category" (a product id's first two parts). */
	byOrigin: Record<string, number>;
	products: number;
	audience?: number;
}

export type StoredFact = StoredNotificationDay | StoredNotificationFact | PublicationFact;
export type Fact = NotificationFact | PublicationFact;

export function notificationFact(
	subscriberId: string,
	publicationId: string,
	productId: string,
	day: string,
): NotificationFact {
	const { source, category } = productOrigin(productId);
	return {
		_id: notificationKey(subscriberId, publicationId, productId),
		kind: "notification",
		subscriberId,
		publicationId,
		productId,
		category,
		source,
		day,
	};
}

/** Notification facts of one publication, product and day: the clients told. */
export interface NotifiedGroup {
	publicationId: string;
	productId: string;
	/** São Paulo's calendar day they were created. */
	day: string;
	subscriberIds: string[];
}

/** A distributions message's notifications, grouped as it lists them: by product and time stored. */
export function notifiedGroups(batch: DistributionBatch): NotifiedGroup[] {
	const days = new Map<string, string>();
	const dayOf = (createdAt: string) => {
		let day = days.get(createdAt);
		if (day === undefined) {
			day = localDate(new Date(createdAt));
			days.set(createdAt, day);
		}
		return day;
	};
	const { publicationId } = batch;
	const groups = (batch.notified ?? []).map(({ productId, createdAt, subscriberIds }) => ({
		publicationId,
		productId,
		day: dayOf(createdAt),
		subscriberIds,
	}));
	// A message queued before the grouped form: one object per notification.
	for (const { subscriberId, productId, createdAt } of batch.notifications ?? [])
		groups.push({ publicationId, productId, day: dayOf(createdAt), subscriberIds: [subscriberId] });
	return groups;
}

/** Notification facts as groups: each run of one publication, product and day in a row. */
export function groupsOf(facts: readonly NotificationFact[]): NotifiedGroup[] {
	const groups: NotifiedGroup[] = [];
	let last: NotifiedGroup | undefined;
	for (const { publicationId, productId, day, subscriberId } of facts) {
		if (last && last.productId === productId && last.publicationId === publicationId && last.day === day)
			last.subscriberIds.push(subscriberId);
		else {
			last = { publicationId, productId, day, subscriberIds: [subscriberId] };
			groups.push(last);
		}
	}
	return groups;
}

/**
 * The facts as documents, one per publication and day, each named by what it holds: the same
 * facts stored twice (two nodes sharing a MongoDB) make one document.
 */
export function storedNotificationDays(groups: readonly NotifiedGroup[]): StoredNotificationDay[] {
	const byDay = new Map<string, StoredNotificationDay & { keys: string[] }>();
	for (const { publicationId, productId, day, subscriberIds } of groups) {
		const id = `${publicationId}|${day}`;
		let doc = byDay.get(id);
		if (!doc) {
			doc = { _id: "", kind: "notifications", publicationId, day, subscribers: [], products: [], keys: [] };
			byDay.set(id, doc);
		}
		for (const subscriberId of subscriberIds) {
			doc.subscribers.push(subscriberId);
			doc.products.push(productId);
			doc.keys.push(notificationKey(subscriberId, publicationId, productId));
		}
	}
	return [...byDay.values()].map(({ keys, ...doc }) => ({
		...doc,
		_id: `notifications:${createHash("sha256").update(keys.sort().join("\n")).digest("base64url")}`,
	}));
}

/** The facts a stored document holds, with what their keys say spelled out. */
export function readFacts(stored: StoredFact): Fact[] {
	if (!("kind" in stored)) {
		const subscriberEnd = stored._id.indexOf("|");
		const publicationId = stored._id.slice(
			subscriberEnd + 1,
			stored._id.length - stored.productId.length - 1,
		);
		return [
			notificationFact(stored._id.slice(0, subscriberEnd), publicationId, stored.productId, stored.day),
		];
	}
	if (stored.kind === "publication") return [stored];
	return stored.subscribers.map((subscriberId, i) =>
		notificationFact(subscriberId, stored.publicationId, stored.products[i] as string, stored.day),
	);
}

function tally(values: string[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
}

export function publicationFact(publication: Publication): PublicationFact {
	const origins = publication.productIds.map((id) => {
		const { source, category } = productOrigin(id);
		return `${source}:${category}`;
	});
	return {
		// Notification keys always hold "|": this prefix can never collide with one.
		_id: `publication:${publication.id}`,
		kind: "publication",
		publicationId: publication.id,
		publishedAt: publication.publishedAt,
		day: localDate(new Date(publication.publishedAt)),
		byOrigin: tally(origins),
		products: publication.productIds.length,
		...(publication.audience === undefined ? {} : { audience: publication.audience }),
	};
}
