/**
 * A notification as the store holds it. The fields queries read (client, product,
 * publication, category, times, venue, notice) stay fields; what only travels with it —
 * its reasons, its changes and its audit — is one JSON text, `detail`.
 *
 * Why: NeDB checks, serialises and deep-copies every key of a document, nested ones too, on
 * each insert, read and update. The reasons and the audit are most of a notification's
 * keys: with `detail` the pipeline bench's bare insert of the same rows went from 25,371/s
 * to 44,836/s (docs/matching.md, step 9), and every read and mark-as-read copies less.
 * Nothing queries inside them. Documents stored before `detail` keep the three as fields
 * and read the same.
 */
import { createHash } from "node:crypto";
import type { MatchAudit } from "../../domain/audit.ts";
import type { FieldChange } from "../../domain/changes.ts";
import type { MatchToStore } from "../../domain/contracts.ts";
import {
	detailText,
	type MatchReason,
	type Notification,
	type NotificationDetail,
} from "../../domain/notification.ts";

/** The stored document: a notification without its detail's fields, keyed by `_id`. */
export interface StoredNotification extends Omit<Notification, "id" | keyof NotificationDetail> {
	_id: string;
	/** Sort key: creation time in ms × 10,000 + position in its batch. */
	order: number;
	/** JSON of NotificationDetail. */
	detail?: string;
	/** Before `detail`: the detail's fields as they were. */
	reasons?: MatchReason[];
	changes?: FieldChange[];
	audit?: MatchAudit;
}

/** A stored notification with its detail read back. */
export type ReadNotification = Omit<StoredNotification, "detail"> & NotificationDetail;

/**
 * A stored batch's name, from its notifications' ids: the same batch stored again (a retry
 * after a crash) has the same one. Its mail-due mark and its distributions message are named
 * by it, so each is made once.
 */
export function batchDigest(notificationIds: readonly string[]): string {
	return createHash("sha256").update(notificationIds.join("\n")).digest("base64url");
}

/** The longest detail text the store takes (a match is about 700 bytes, detail included). */
export const maxDetailLength = 65_536;

/**
 * What is wrong with a match the store is given, if anything: the store keeps a `detail`
 * text as it comes, so it takes one only as a JSON object's text of bounded length, and a
 * match of a matcher before `detail` only with its reasons.
 */
export function matchProblem(match: MatchToStore): string | undefined {
	if ("detail" in match) {
		const { detail } = match;
		if (typeof detail !== "string") return "its detail is not a text";
		if (detail.length > maxDetailLength) return `its detail is longer than ${maxDetailLength} characters`;
		if (!detail.startsWith("{") || !detail.endsWith("}")) return "its detail is not a JSON object";
		return undefined;
	}
	return Array.isArray(match.reasons) ? undefined : "it has neither a detail nor reasons";
}

/** The detail a match brings, as stored: its text, or, from a matcher before `detail`, its objects written out. */
export function detailOfMatch(match: MatchToStore): string {
	return "detail" in match ? match.detail : detailText(match);
}

/**
 * The detail of a stored document, whichever way it was stored. A text that does not read
 * (written by a faulty node) reads as no reasons and no audit, as a notification from
 * before the audit trail does: one bad row must not break a client's inbox or an export.
 */
export function detailOf(
	doc: Pick<StoredNotification, "detail" | "reasons" | "changes" | "audit">,
): NotificationDetail {
	if (doc.detail !== undefined) return readDetail(doc.detail);
	return {
		reasons: doc.reasons ?? [],
		...(doc.changes ? { changes: doc.changes } : {}),
		...(doc.audit ? { audit: doc.audit } : {}),
	};
}

function readDetail(text: string): NotificationDetail {
	try {
		const detail: unknown = JSON.parse(text);
		if (typeof detail === "object" && detail !== null && "reasons" in detail && Array.isArray(detail.reasons))
			return detail as NotificationDetail;
	} catch {
		// Falls through: as no detail.
	}
	return { reasons: [] };
}

/** A stored document as the service answers with it: its detail's fields back in place. */
export function readStored(doc: StoredNotification): ReadNotification {
	const { detail: _detail, reasons: _reasons, changes: _changes, audit: _audit, ...fields } = doc;
	return { ...fields, ...detailOf(doc) };
}
