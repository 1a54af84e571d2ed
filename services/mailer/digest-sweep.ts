/**
 * The digest sweep: every subscriber who may receive e-mail, whatever they are due now —
 * an e-mail per settled publication (immediate), or the day's or week's digest — built from
 * the notifications not e-mailed yet. Pull-based on purpose: notifications are persisted,
 * so a mailer that was down catches up at its next sweep, and window keys (delivery
 * idempotency keys) keep a repeated sweep from sending anything twice.
 */
import type { ServiceBroker } from "moleculer";
import { type Actions, call } from "../../domain/contracts.ts";
import { digestData } from "./digest-content.ts";
import { digestWindow } from "./digests.ts";
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

function pendingOf(broker: ServiceBroker, subscriberId: string, createdBefore: Date): Promise<Pending> {
	return call(broker, "notifications.pendingMail", {
		subscriberId,
		createdBefore: createdBefore.toISOString(),
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

/** What one subscriber is due; returns how many e-mails were queued. */
async function sweepOne(broker: ServiceBroker, options: SweepOptions, subscriber: Mailable): Promise<number> {
	const { preferences } = subscriber;
	if (preferences.digest === "immediate") {
		const pending = await pendingOf(
			broker,
			subscriber.id,
			new Date(options.now.getTime() - options.settleMs),
		);
		const plan = planImmediate({
			subscriberId: subscriber.id,
			pending,
			sentRecently: await options.immediateSentSince(
				subscriber.id,
				new Date(options.now.getTime() - 2 * 86_400_000),
			),
			cap: options.immediateDailyCap,
			now: options.now,
			timeZone: preferences.timeZone,
			digestHour: preferences.digestHour,
		});
		let sent = 0;
		if (plan.digest && !(await options.exists(plan.digest.key))) {
			await mail(broker, options, subscriber, plan.digest.key, plan.digest.items, "daily");
			sent++;
		}
		for (const [publicationId, items] of plan.immediate) {
			await mail(broker, options, subscriber, `immediate:${subscriber.id}:${publicationId}`, items);
			sent++;
		}
		return sent;
	}
	const key = digestWindow(subscriber.id, preferences, options.now);
	// This window's digest went out already: what came since waits for the next window.
	if (!key || (await options.exists(key))) return 0;
	const pending = await pendingOf(broker, subscriber.id, options.now);
	if (pending.length === 0) return 0;
	await mail(broker, options, subscriber, key, pending);
	return 1;
}

export async function sweepDigests(broker: ServiceBroker, options: SweepOptions): Promise<number> {
	let sent = 0;
	let after: string | undefined;
	do {
		const page = await call(broker, "subscribers.mailable", { pageSize: 500, ...(after ? { after } : {}) });
		for (const subscriber of page.rows) {
			// One client's trouble (data a template refuses, a call that failed) is theirs alone:
			// the others still get their e-mail, and the next sweep tries this one again.
			try {
				sent += await sweepOne(broker, options, subscriber);
			} catch (err) {
				broker.logger.warn("Digest sweep skipped a subscriber this time", {
					subscriberId: subscriber.id,
					error: (err as Error).message,
				});
			}
		}
		after = page.next;
	} while (after);
	return sent;
}
