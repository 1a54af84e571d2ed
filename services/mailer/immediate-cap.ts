/**
 * The daily cap on immediate e-mails (IMMEDIATE_DAILY_CAP, docs/mail.md): a client who wants
 * every publication by e-mail gets at most `cap` of them per local day. Past the cap the
 * matches stay pending (nothing is lost, the app shows them at once); from the client's
 * digest hour of the next day, whatever is still pending from an earlier day goes out as one
 * daily digest (`daily:<subscriber>:<date>`, the same window key as a daily subscriber's),
 * before that day's immediate e-mails start again. Pure: the sweep gives what it read.
 */
import { localTime } from "./digests.ts";

export interface PendingItem {
	id: string;
	publicationId: string;
	createdAt: string;
}

export interface ImmediatePlan<T extends PendingItem> {
	/** Leftovers of earlier days, for the digest under `digestKey`. */
	digest?: { key: string; items: T[] };
	/** Today's immediate e-mails still within the cap, one per publication. */
	immediate: [publicationId: string, items: T[]][];
	/** Publications that wait (the cap was reached). */
	waiting: number;
}

export interface PlanInput<T extends PendingItem> {
	subscriberId: string;
	/** Settled pending notifications, oldest first. */
	pending: T[];
	/** When this client's immediate e-mails of the last two days were queued (ISO). */
	sentRecently: string[];
	cap: number;
	now: Date;
	timeZone: string;
	digestHour: number;
}

export function planImmediate<T extends PendingItem>(input: PlanInput<T>): ImmediatePlan<T> {
	const zone = input.timeZone || "America/Sao_Paulo";
	const local = localTime(input.now, zone);
	const dayOf = (iso: string) => localTime(new Date(iso), zone).date;
	const sentToday = input.sentRecently.filter((at) => dayOf(at) === local.date).length;
	const earlier = input.pending.filter((item) => dayOf(item.createdAt) < local.date);
	const today = input.pending.filter((item) => dayOf(item.createdAt) >= local.date);
	const plan: ImmediatePlan<T> = { immediate: [], waiting: 0 };
	// Earlier days' leftovers wait for the digest hour; without any, nothing was held back.
	if (earlier.length > 0 && local.hour >= input.digestHour)
		plan.digest = { key: `daily:${input.subscriberId}:${local.date}`, items: earlier };
	const byPublication = [...Map.groupBy(today, (item) => item.publicationId)];
	const room = Math.max(0, input.cap - sentToday);
	plan.immediate = byPublication.slice(0, room);
	plan.waiting = byPublication.length - plan.immediate.length;
	return plan;
}
