/**
 * The inbox's retention (docs/audit.md, "Retention"): a notification older than
 * INBOX_RETENTION_DAYS leaves the client's inbox, and only its audit record stays, archived
 * (audit.ts), for AUDIT_RETENTION_DAYS (at least the five years CVM Resolution 30 asks
 * for); then that goes too. Analytics counts from its own facts, so no count changes.
 */
import type { DbLocals } from "../../mixins/db.mixin.ts";
import { archived, type StoredAuditDoc } from "./audit.ts";

const day = 86_400_000;
/** Notifications archived per round, and a bound on the rounds of one pass. */
const perRound = 5_000;
const maxRounds = 1_000;

export interface RetentionPolicy {
	now: number;
	inboxDays: number;
	auditDays: number;
}

/**
 * One pass: archives what the inbox no longer keeps, then drops the archived records past
 * their own retention. The archived copy is written before the notification goes, so a
 * crash in between leaves both, and the next pass ends the move (the copy is kept once).
 */
export async function applyRetention(
	store: Pick<DbLocals, "adapter" | "insertNew" | "compactStore">,
	{ now, inboxDays, auditDays }: RetentionPolicy,
): Promise<{ archived: number; dropped: number }> {
	const inboxCut = new Date(now - inboxDays * day).toISOString();
	let moved = 0;
	for (let round = 0; round < maxRounds; round++) {
		const expired = await store.adapter.find<StoredAuditDoc>({
			query: { subscriberId: { $exists: true }, createdAt: { $lt: inboxCut } },
			limit: perRound,
		});
		if (expired.length === 0) break;
		await store.insertNew(expired.map(archived));
		await store.adapter.removeMany({ _id: { $in: expired.map((doc) => doc._id) } });
		moved += expired.length;
	}
	const dropped = await store.adapter.removeMany({
		archivedFor: { $exists: true },
		createdAt: { $lt: new Date(now - auditDays * day).toISOString() },
	});
	if (moved + dropped > 0) await store.compactStore();
	return { archived: moved, dropped };
}
