/**
 * The digest sweep: every client with mail due, whatever they are due now — an e-mail per
 * settled publication (immediate), or the day's or week's digest — built from the
 * notifications not e-mailed yet. Who is due comes from the notifications store's mail-due
 * marks (made with a client's first unmailed notification, moved here to when the client is
 * due next), so a sweep reads the due clients, not every client. Pull-based on purpose:
 * notifications are persisted, so a mailer that was down catches up at its next sweep, and
 * window keys (delivery idempotency keys) keep a repeated sweep from sending anything twice.
 */
import type { ServiceBroker } from "moleculer";
import pLimit from "p-limit";
import { type Actions, call } from "../../domain/contracts.ts";
import { chunks } from "../../lib/collections.ts";
import { digestData } from "./digest-content.ts";
import { digestWindow, nextWindowAt } from "./digests.ts";
import { planImmediate } from "./immediate-cap.ts";

type Pending = Actions["notifications.pendingMail"]["result"];
type Mailable = Actions["subscribers.mailable"]["result"]["rows"][number];

export interface SweepOptions {
	now: Date;
	/** Immediate e-mails wait this long after a notification, so one publication is one e-mail. */
	settleMs: number;
	appUrl: string;
	/** Immediate e-mails per client per local day; past it, matches wait for the next daily digest. */
	immediateDailyCap: number;
	/** When this client's immediate e-mails created since `since` were queued (ISO). */
	immediateSentSince(subscriberId: string, since: Date): Promise<string[]>;
	/** A delivery with this idempotency key exists already (the window was e-mailed). */
	exists(key: string): Promise<boolean>;
	send(input: {
		to: string;
		template: "digest";
		locale: string;
		data: Record<string, unknown>;
		subscriberId: string;
		idempotencyKey: string;
		unsubscribeUrl: string;
	}): Promise<unknown>;
}

function pendingOf(broker: ServiceBroker, subscriberId: string, createdUntil: Date): Promise<Pending> {
	return call(broker, "notifications.pendingMail", {
		subscriberId,
		createdUntil: createdUntil.toISOString(),
		limit: 1_000,
	});
}

async function mail(
	broker: ServiceBroker,
	options: SweepOptions,
	subscriber: Mailable,
	key: string,
	items: Pending,
	frequency = subscriber.preferences.digest,
): Promise<void> {
	const unsubscribeUrl = await call(broker, "subscribers.unsubscribeUrl", { id: subscriber.id });
	const data = digestData({
		locale: subscriber.locale,
		name: subscriber.name,
		frequency,
		appUrl: options.appUrl,
		items: items.flatMap((n) =>
			n.product
				? [{ product: n.product, reasons: n.reasons, venue: n.venue, changes: n.changes, notice: n.notice }]
				: [],
		),
	});
	await options.send({
		to: subscriber.email,
		template: "digest",
		locale: subscriber.locale,
		data,
		subscriberId: subscriber.id,
		idempotencyKey: key,
		unsubscribeUrl,
	});
	await call(broker, "notifications.markMailed", {
		subscriberId: subscriber.id,
		ids: items.map((n) => n.id),
	});
}

/** What one look at a client did: e-mails queued, and when to look again (none: at their next notification). */
interface Looked {
	sent: number;
	nextDueAt?: Date;
}

function earliest(...dates: (Date | undefined)[]): Date | undefined {
	const times = dates.flatMap((date) => (date ? [date.getTime()] : []));
	return times.length > 0 ? new Date(Math.min(...times)) : undefined;
}

/** What one client is due now, queued; and when they are due next. */
async function sweepOne(broker: ServiceBroker, options: SweepOptions, subscriber: Mailable): Promise<Looked> {
	const { preferences } = subscriber;
	const { now } = options;
	if (preferences.digest === "immediate") {
		const settledBy = now.getTime() - options.settleMs;
		const unmailed = await pendingOf(broker, subscriber.id, now);
		// Settled once `settleMs` have passed, so with no settling time a notification stored in
		// this very millisecond goes now, not at the next sweep (a minute later, or never in a
		// test whose sweeps are called).
		const settled = unmailed.filter((n) => Date.parse(n.createdAt) <= settledBy);
		const settling = unmailed.filter((n) => Date.parse(n.createdAt) > settledBy);
		const plan = planImmediate({
			subscriberId: subscriber.id,
			pending: settled,
			sentRecently: await options.immediateSentSince(subscriber.id, new Date(now.getTime() - 2 * 86_400_000)),
			cap: options.immediateDailyCap,
			now,
			timeZone: preferences.timeZone,
			digestHour: preferences.digestHour,
		});
		let sent = 0;
		let told = 0;
		if (plan.digest && !(await options.exists(plan.digest.key))) {
			await mail(broker, options, subscriber, plan.digest.key, plan.digest.items, "daily");
			sent++;
			told += plan.digest.items.length;
		}
		for (const [publicationId, items] of plan.immediate) {
			await mail(broker, options, subscriber, `immediate:${subscriber.id}:${publicationId}`, items);
			sent++;
			told += items.length;
		}
		// Still settling: due when settled. Held back (the day's cap, an earlier day's): the digest hour.
		const oldestSettling = settling.map((n) => Date.parse(n.createdAt)).sort((a, b) => a - b)[0];
		const heldBack = told < settled.length;
		return {
			sent,
			nextDueAt: earliest(
				oldestSettling === undefined ? undefined : new Date(oldestSettling + options.settleMs),
				heldBack ? nextWindowAt(subscriber.id, { ...preferences, digest: "daily" }, now) : undefined,
			),
		};
	}
	const key = digestWindow(subscriber.id, preferences, now);
	// Before the hour, or this window's digest went out already: the next window.
	if (!key || (await options.exists(key)))
		return { sent: 0, nextDueAt: nextWindowAt(subscriber.id, preferences, now) };
	const pending = await pendingOf(broker, subscriber.id, now);
	if (pending.length === 0) return { sent: 0 };
	await mail(broker, options, subscriber, key, pending);
	return { sent: 1 };
}

/** Due clients read per round (5,000 ids fit one NATS message). */
const duePerRound = 5_000;
/** Rounds per sweep at most: a million due clients; the next sweep goes on with any left. */
const maxRounds = 200;
/** A client the mailer cannot write to now (e-mail off, unsubscribed): looked at again in a day. */
const notMailableMs = 86_400_000;
/** A client whose look failed: tried again in 15 minutes, not at every sweep. */
const failedMs = 15 * 60_000;
/**
 * Clients looked at together. Each look is a chain of small store reads and writes, each
 * waiting on its file append: one at a time, the thread sat idle for those waits (bench mail).
 * Clients are independent (their own window keys and marks), so the order between them does
 * not matter.
 */
const looksAtOnce = 8;

/**
 * Every client with mail due now, and only them (notifications.mailDue reads an index on
 * when each is due next), each told once per window: the keys make a repeated sweep, or two
 * mailer nodes, send nothing twice. Each client's mark then moves to when they are due next.
 */
export async function sweepDigests(broker: ServiceBroker, options: SweepOptions): Promise<number> {
	let sent = 0;
	// A client looked at once is not looked at again in this sweep, even if still due.
	const seen = new Set<string>();
	for (let round = 0; round < maxRounds; round++) {
		const due = await call(broker, "notifications.mailDue", {
			before: options.now.toISOString(),
			limit: duePerRound,
		});
		// Those looked at are moved past now or ended; only a few can still be due (more came
		// for them meanwhile). A round of those alone ends the sweep: the next one goes on.
		const fresh = due.map((d) => d.subscriberId).filter((id) => !seen.has(id));
		if (fresh.length === 0) break;
		for (const id of fresh) seen.add(id);
		for (const ids of chunks(fresh, 500)) sent += await lookAt(broker, options, ids);
	}
	return sent;
}

/** These due clients, each looked at and their mark moved; returns how many e-mails were queued. */
async function lookAt(broker: ServiceBroker, options: SweepOptions, ids: string[]): Promise<number> {
	const { rows } = await call(broker, "subscribers.mailable", { ids });
	const byId = new Map(rows.map((row) => [row.id, row]));
	const limit = pLimit(looksAtOnce);
	const sent = await Promise.all(
		ids.map((subscriberId) => limit(() => lookAtOne(broker, options, subscriberId, byId.get(subscriberId)))),
	);
	return sent.reduce((sum, n) => sum + n, 0);
}

/** One due client looked at and their mark moved; returns how many e-mails were queued. */
async function lookAtOne(
	broker: ServiceBroker,
	options: SweepOptions,
	subscriberId: string,
	subscriber: Mailable | undefined,
): Promise<number> {
	const later = (ms: number) => new Date(options.now.getTime() + ms).toISOString();
	// One client's trouble (data a template refuses, a call that failed) is theirs alone:
	// the others still get their e-mail, and a later sweep tries this one again.
	try {
		const looked = subscriber
			? await sweepOne(broker, options, subscriber)
			: { sent: 0, nextDueAt: undefined };
		const nextDueAt = subscriber ? looked.nextDueAt?.toISOString() : later(notMailableMs);
		await call(broker, "notifications.mailChecked", { subscriberId, ...(nextDueAt ? { nextDueAt } : {}) });
		return looked.sent;
	} catch (err) {
		broker.logger.warn("Digest sweep skipped a subscriber this time", {
			subscriberId,
			error: (err as Error).message,
		});
		await call(broker, "notifications.mailChecked", { subscriberId, nextDueAt: later(failedMs) }).catch(
			() => undefined,
		);
		return 0;
	}
}
