/**
 * An erased client's id is kept by no service. Where a service must still recognise a late
 * message of theirs (a notification in flight, a batch still in the queue), it keeps a
 * digest of the id instead, for as long as such messages can arrive, then drops it.
 */
import { createHash } from "node:crypto";

export function erasedDigest(subscriberId: string): string {
	return createHash("sha256").update(subscriberId).digest("base64url");
}
