/**
 * The facts analytics keeps: one per notification and one per publication, each stored once
 * under a key derived from what it describes, so a message delivered twice adds nothing.
 * Every number analytics answers is a count over these facts (view.ts).
 */
import type { Distributed } from "../../domain/contracts.ts";
import { localDate } from "../../domain/dates.ts";
import { notificationKey } from "../../domain/notification.ts";
import { productOrigin } from "../../domain/product.ts";
import type { Publication } from "../../domain/publication.ts";

/**
 * One notification as stored: its key already names subscriber, publication and product,
 * and the product id names source and category, so the document holds only what the key
 * cannot (a million of them live in memory with NeDB).
 */
export interface StoredNotificationFact {
	/** The notification's own key: subscriber|publication|product. */
	_id: string;
	productId: string;
	/** São Paulo's calendar day it was created. */
	day: string;
}

/** A notification fact read back: ids are pseudonymous, no name or address is kept. */
export interface NotificationFact extends StoredNotificationFact {
	kind: "notification";
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

export type StoredFact = StoredNotificationFact | PublicationFact;
export type Fact = NotificationFact | PublicationFact;

export function notificationFacts(
	publicationId: string,
	notifications: Distributed[],
): StoredNotificationFact[] {
	return notifications.map((n) => ({
		_id: notificationKey(n.subscriberId, publicationId, n.productId),
		productId: n.productId,
		day: localDate(new Date(n.createdAt)),
	}));
}

/** A stored fact with what its keys say spelled out. */
export function readFact(stored: StoredFact): Fact {
	if ("kind" in stored) return stored;
	const subscriberEnd = stored._id.indexOf("|");
	const { source, category } = productOrigin(stored.productId);
	return {
		...stored,
		kind: "notification",
		subscriberId: stored._id.slice(0, subscriberEnd),
		publicationId: stored._id.slice(subscriberEnd + 1, stored._id.length - stored.productId.length - 1),
		category,
		source,
	};
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
