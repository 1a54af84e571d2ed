/**
 * The delivery log's documents and the queries over them. A document holds the rendered
 * message only while it may still be sent, and a lease while one mailer instance is
 * attempting it, so two nodes sharing a database never send the same message at once.
 */
import type { Delivery, DeliveryStatus } from "../../domain/contracts.ts";
import { escapeRegExp } from "../../lib/collections.ts";

export const pendingStatuses: readonly DeliveryStatus[] = ["queued", "retrying"];

/** The rendered message, kept until it is sent or has failed for good. */
export interface StoredMessage {
	from: string;
	subject: string;
	html: string;
	text: string;
	headers: Record<string, string>;
	links: string[];
}

/** A delivery as stored; `_id` is the delivery id. */
export interface StoredDelivery extends Omit<Delivery, "id"> {
	_id: string;
	/** Why the last attempt failed (retrying) or why the delivery gave up (failed; "erased"). */
	error?: string;
	message?: StoredMessage;
	/** The mailer instance attempting it now, and until when its claim holds. */
	leaseOwner?: string;
	leaseUntil?: string;
}

/** A delivery log entry as callers see it: metadata only, never the message. */
export type DeliveryView = Delivery & { error?: string };

export function deliveryView(doc: StoredDelivery): DeliveryView {
	const view: DeliveryView = {
		id: doc._id,
		to: doc.to,
		subscriberId: doc.subscriberId,
		template: doc.template,
		locale: doc.locale,
		status: doc.status,
		attempts: doc.attempts,
		messageId: doc.messageId,
		createdAt: doc.createdAt,
		updatedAt: doc.updatedAt,
		nextAttemptAt: doc.nextAttemptAt,
		error: doc.error,
	};
	for (const key of Object.keys(view) as (keyof DeliveryView)[])
		if (view[key] === undefined) delete view[key];
	return view;
}

/** Without undefined fields: MongoDB would store them as null. */
export function compact<T extends object>(doc: T): T {
	return Object.fromEntries(Object.entries(doc).filter(([, value]) => value !== undefined)) as T;
}

function unleased(nowIso: string) {
	return [{ leaseUntil: { $exists: false } }, { leaseUntil: { $lt: nowIso } }];
}

/** Pending deliveries that no live instance holds, whenever they are due. */
export function unclaimedQuery(nowIso: string): object {
	return { status: { $in: pendingStatuses }, $or: unleased(nowIso) };
}

/** Pending deliveries whose time has come and that no live instance holds. */
export function dueQuery(nowIso: string): object {
	return { ...unclaimedQuery(nowIso), nextAttemptAt: { $lte: nowIso } };
}

/** The same for one delivery: the condition of claiming it. */
export function claimQuery(id: string, nowIso: string): object {
	return { _id: id, ...dueQuery(nowIso) };
}

/** Every delivery of a subscriber or to an address (any letter case). */
export function subjectQuery(subscriberId: string, email: string): object {
	return {
		$or: [{ subscriberId }, { to: { $regex: new RegExp(`^${escapeRegExp(email.trim())}$`, "i") } }],
	};
}

/** Servers quote the address in their replies ("550 <ana@example.com>: no such user"). */
export function redact(text: string, email: string): string {
	return text.replace(new RegExp(escapeRegExp(email.trim()), "gi"), "erased");
}

/** The update that erases one delivery: address, subscriber and content go; a pending one is cancelled. */
export function erasure(doc: StoredDelivery, email: string, nowIso: string): object {
	const pending = pendingStatuses.includes(doc.status);
	const set: Record<string, unknown> = {
		to: "erased",
		attempts: doc.attempts.map((attempt) =>
			attempt.error === undefined ? attempt : { ...attempt, error: redact(attempt.error, email) },
		),
		updatedAt: nowIso,
	};
	if (pending) Object.assign(set, { status: "failed", error: "erased" });
	else if (doc.error !== undefined) set.error = redact(doc.error, email);
	const unset: Record<string, true> = { subscriberId: true, message: true };
	if (pending) Object.assign(unset, { nextAttemptAt: true, leaseOwner: true, leaseUntil: true });
	return { $set: set, $unset: unset };
}
