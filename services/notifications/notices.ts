/**
 * The one "no longer available / no longer fits your profile" notice (docs/changes.md): the
 * matcher proposes it to every client a changed product stopped fitting; it is due only
 * to a client whose latest notification of that product is a tip from the last 30 days.
 * After the notice, the latest is the notice, so a second one never follows; a redelivered
 * match finds its own notice (same key) and is kept, changing nothing.
 */
import { noticeWindowDays } from "../../domain/changes.ts";
import type { MatchToStore } from "../../domain/contracts.ts";
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
 * Whether a backfilled tip (a newcomer, a client whose interests or standing changed) is
 * news to them: not when their newest notification of the product is a tip already (told,
 * perhaps under an earlier publication of it); yes when there is none or it is a notice (it
 * fits them again). Its own key is kept, so a repeated backfill changes nothing.
 */
export function backfillNews(latest: Told | undefined, key: string): boolean {
	return !latest || latest._id === key || latest.notice !== undefined;
}

/**
 * The matches to store: every tip (of a backfill, only the news), and the notices that are
 * due. `latest` finds a client's newest notification of a product.
 */
export async function withDueNotices(
	matches: MatchToStore[],
	publicationId: string,
	now: number,
	latest: (subscriberId: string, productId: string) => Promise<Told | undefined>,
	backfill = false,
): Promise<MatchToStore[]> {
	if (!backfill && !matches.some((match) => match.notice)) return matches;
	const out: MatchToStore[] = [];
	for (const match of matches) {
		if (!match.notice && !backfill) {
			out.push(match);
			continue;
		}
		const key = notificationKey(match.subscriberId, publicationId, match.productId);
		const newest = await latest(match.subscriberId, match.productId);
		if (match.notice ? noticeDue(newest, key, now) : backfillNews(newest, key)) out.push(match);
	}
	return out;
}
