/**
 * The one "no longer available / no longer fits your profile" notice (docs/changes.md): the
 * matcher proposes it to every client a changed product stopped fitting; it is due only
 * to a client whose latest notification of that product is a tip from the last 30 days.
 * After the notice, the latest is the notice, so a second one never follows; a redelivered
 * match finds its own notice (same key) and is kept, changing nothing.
 */
import { noticeWindowDays } from "../../domain/changes.ts";
import type { Match } from "../../domain/contracts.ts";
import { notificationKey } from "../../domain/notification.ts";

/** What the decision reads of a stored notification. */
export interface Told {
	_id: string;
	createdAt: string;
	notice?: string;
}

export function noticeDue(latest: Told | undefined, key: string, now: number): boolean {
	if (!latest) return false;
	if (latest._id === key) return true;
	if (latest.notice) return false;
	return now - Date.parse(latest.createdAt) <= noticeWindowDays * 86_400_000;
}

/**
 * The matches to store: every tip, and the notices that are due. `latest` finds a client's
 * newest notification of a product.
 */
export async function withDueNotices(
	matches: Match[],
	publicationId: string,
	now: number,
	latest: (subscriberId: string, productId: string) => Promise<Told | undefined>,
): Promise<Match[]> {
	if (!matches.some((match) => match.notice)) return matches;
	const out: Match[] = [];
	for (const match of matches) {
		if (!match.notice) out.push(match);
		else {
			const key = notificationKey(match.subscriberId, publicationId, match.productId);
			if (noticeDue(await latest(match.subscriberId, match.productId), key, now)) out.push(match);
		}
	}
	return out;
}
