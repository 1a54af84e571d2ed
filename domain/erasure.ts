/**
 * An erased client's id, random and linked to nothing once the account is gone, is kept only
 * where another service must act on it: the subscribers' tombstone (id and time) that
 * matchers which missed the event reconcile from, for the queue's window. Where a service
 * only needs to recognise a late message of theirs (a notification in flight, a batch still
 * in the queue), it keeps a digest of the id instead, as long as such messages can arrive.
 */
import { createHash } from "node:crypto";

export function erasedDigest(subscriberId: string): string {
	return createHash("sha256").update(subscriberId).digest("base64url");
}
