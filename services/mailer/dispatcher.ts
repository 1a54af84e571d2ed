/**
 * Delivers what the log holds: claims a due delivery (a lease in the document, so nodes
 * sharing a database never attempt one message together), attempts it, records the outcome
 * and sleeps until the next delivery is due. Nothing lives only in memory: a restarted
 * mailer finds everything pending in the log and carries on.
 */
import type { Logger } from "moleculer";
import type { Clock } from "../../domain/clock.ts";
import { claimQuery, compact, pendingStatuses, type StoredDelivery, unclaimedQuery } from "./deliveries.ts";
import { backoffMs, classifyFailure, failureText, type RetryPolicy } from "./retry.ts";
import type { MailTransport, SmtpTimeouts } from "./transport.ts";

export interface MailerSettings {
	retry: RetryPolicy;
	/** Longest one attempt may take, waiting for the rate limit included; then it is a transient failure. */
	attemptTimeoutMs: number;
	smtpTimeouts: SmtpTimeouts;
	/** How often the log is searched for due deliveries nobody holds (other nodes' leftovers). */
	sweepIntervalMs: number;
	/** Attempts running at once on this node; the rest wait in the log. */
	maxInFlight: number;
	/** On stop, how long attempts in progress may finish before they are aborted (and retried later). */
	stopGraceMs: number;
	/** How often digests and immediate e-mails are looked for (docs/mail.md). */
	digestIntervalMs: number;
	/** An immediate e-mail waits this long after its first match, so one publication is one e-mail. */
	immediateSettleMs: number;
	/**
	 * A sent message (its links carry sign-in and unsubscribe tokens) is unset from its delivery,
	 * but NeDB keeps the old line in its file until the file is rewritten: at most this long later.
	 */
	compactAfterMs: number;
}

/** The delivery log as the dispatcher uses it, on either database. */
export interface DeliveryStore {
	get(id: string): Promise<StoredDelivery | undefined>;
	/** The first `limit` matching `query` whose nextAttemptAt is within `bound`, soonest first. */
	soonest(query: object, bound: object, limit: number): Promise<StoredDelivery[]>;
	/** A conditional update; the number of documents it changed. */
	update(query: object, update: object): Promise<number>;
}

export interface DispatcherOptions {
	owner: string;
	store: DeliveryStore;
	transport: MailTransport;
	/** Read on every use, so tuning a running service takes effect. */
	settings: () => MailerSettings;
	logger: Logger;
	/** The node's clock: due times, leases and the log's timestamps. */
	clock: Clock;
	/** Called when a delivery was erased while it was being sent: remove what the send left behind. */
	onErasedWhileSending: (id: string) => Promise<void>;
	/** The server refused the address for good (5xx): nothing more should go to it. */
	onBounce?: (address: string) => Promise<void>;
	/** Each attempt's outcome, for metrics: accepted, failed and retried later, or failed for good. */
	onOutcome?: (outcome: AttemptOutcome, template: string) => void;
}

export type AttemptOutcome = "sent" | "retry" | "failed";

const iso = (ms: number) => new Date(ms).toISOString();
const release = { leaseOwner: true, leaseUntil: true } as const;

export class Dispatcher {
	/** Identifies this instance's leases: node id, then a new id per start. */
	readonly owner: string;
	readonly inFlight = new Map<string, Promise<void>>();
	#options: DispatcherOptions;
	#abort = new AbortController();
	#stopped = false;
	#wakeTimer: NodeJS.Timeout | undefined;
	/** When the pending wake fires, in monotonic time (performance.now()), as its timer counts. */
	#wakeDue = 0;
	#sweeping = false;
	#sweepAgain = false;
	#backlog = false;
	#now = () => this.#options.clock.now();

	constructor(options: DispatcherOptions) {
		this.owner = options.owner;
		this.#options = options;
	}

	hasRoom(): boolean {
		return this.inFlight.size < this.#options.settings().maxInFlight;
	}

	/** Lease fields for a delivery this instance claims as it stores it. */
	lease(now = this.#now()): { leaseOwner: string; leaseUntil: string } {
		// Longer than any attempt can last, so a live attempt never loses its claim.
		return {
			leaseOwner: this.owner,
			leaseUntil: iso(now + this.#options.settings().attemptTimeoutMs + 60_000),
		};
	}

	/** Attempts a delivery this instance holds, in the background. */
	run(id: string): void {
		const running = this.#attempt(id)
			.catch((err: Error) =>
				this.#options.logger.error("Mail attempt could not be recorded", {
					deliveryId: id,
					error: err.message,
				}),
			)
			.finally(() => {
				this.inFlight.delete(id);
				if (this.#backlog) this.wakeAt(this.#now());
			});
		this.inFlight.set(id, running);
	}

	/**
	 * Sweeps at `time` (the clock's) unless a sweep is already due sooner. Sooner is judged in
	 * monotonic time, as timers count: the clock can jump (a step of the system's clock, a
	 * test's moved clock), and a wake set before a jump forward, due at an instant now past but
	 * still far off on its timer, would otherwise hold back every sooner one (a retry waited
	 * for a wake set hours of clock time ahead).
	 */
	wakeAt(time: number): void {
		if (this.#stopped) return;
		const delay = Math.max(0, time - this.#now());
		const due = performance.now() + delay;
		if (this.#wakeTimer && this.#wakeDue <= due) return;
		clearTimeout(this.#wakeTimer);
		this.#wakeDue = due;
		this.#wakeTimer = setTimeout(() => {
			this.#wakeTimer = undefined;
			void this.sweep();
		}, delay);
	}

	/**
	 * Claims and attempts every due delivery nobody holds, as far as this node has room, then
	 * sleeps until the next one is due (or the sweep interval, for other nodes' leftovers).
	 */
	async sweep(): Promise<void> {
		if (this.#stopped) return;
		if (this.#sweeping) {
			this.#sweepAgain = true;
			return;
		}
		this.#sweeping = true;
		const { store, logger, settings } = this.#options;
		const { maxInFlight, sweepIntervalMs } = settings();
		let next = this.#now() + sweepIntervalMs;
		try {
			const now = iso(this.#now());
			const room = maxInFlight - this.inFlight.size;
			this.#backlog = room <= 0;
			if (room > 0) {
				const due = await store.soonest(unclaimedQuery(now), { $lte: now }, room);
				for (const { _id } of due) if (!this.inFlight.has(_id) && (await this.#claim(_id))) this.run(_id);
				this.#backlog = due.length >= room;
			}
			const [soonest] = await store.soonest({ status: { $in: pendingStatuses } }, { $gt: now }, 1);
			if (soonest?.nextAttemptAt) next = Math.min(next, Date.parse(soonest.nextAttemptAt));
		} catch (err) {
			logger.warn("Could not look for due deliveries", { error: (err as Error).message });
		} finally {
			this.#sweeping = false;
		}
		if (this.#sweepAgain) {
			this.#sweepAgain = false;
			next = this.#now();
		}
		this.wakeAt(next);
	}

	/** Lets attempts in progress finish for a grace period, then aborts them (they are retried later). */
	async stop(): Promise<void> {
		this.#stopped = true;
		clearTimeout(this.#wakeTimer);
		if (this.inFlight.size === 0) return;
		const all = Promise.allSettled(this.inFlight.values());
		let timer: NodeJS.Timeout | undefined;
		const grace = new Promise((resolve) => {
			timer = setTimeout(resolve, this.#options.settings().stopGraceMs);
		});
		await Promise.race([all, grace]);
		clearTimeout(timer);
		this.#abort.abort(new Error("the mailer is stopping"));
		await all;
	}

	async #claim(id: string): Promise<boolean> {
		const now = this.#now();
		return (await this.#options.store.update(claimQuery(id, iso(now)), { $set: this.lease(now) })) === 1;
	}

	async #attempt(id: string): Promise<void> {
		const { store, transport, logger, settings } = this.#options;
		const doc = await store.get(id);
		if (!doc?.message || doc.leaseOwner !== this.owner || !pendingStatuses.includes(doc.status)) return;
		const { retry, attemptTimeoutMs } = settings();
		const attempt = doc.attempts.length + 1;
		const at = iso(this.#now());
		const log = compact({ deliveryId: id, template: doc.template, subscriberId: doc.subscriberId, attempt });
		// Every outcome is written only while the lease is still ours: an erasure meanwhile wins.
		const mine = { _id: id, leaseOwner: this.owner };
		try {
			const { response } = await transport.send(
				{ ...doc.message, deliveryId: id, messageId: doc.messageId as string, to: doc.to },
				AbortSignal.any([this.#abort.signal, AbortSignal.timeout(attemptTimeoutMs)]),
			);
			this.#options.onOutcome?.("sent", doc.template);
			const recorded = await store.update(mine, {
				$set: { status: "sent", updatedAt: iso(this.#now()) },
				$push: { attempts: { at } },
				$unset: { ...release, message: true, nextAttemptAt: true, error: true },
			});
			if (recorded === 0) {
				await this.#options.onErasedWhileSending(id);
				return;
			}
			if (transport.kind === "smtp") logger.info("Mail sent", { ...log, response });
			// No real mail in the embedded default: the message is a file to open. Its links are
			// not logged: they carry sign-in and unsubscribe tokens.
			else logger.info(`Mail written to ${response} (open it for its links)`, log);
		} catch (err) {
			const error = failureText(err);
			if (classifyFailure(err) === "transient" && attempt < retry.maxAttempts) {
				const next = this.#now() + backoffMs(attempt, retry);
				this.#options.onOutcome?.("retry", doc.template);
				await store.update(mine, {
					$set: { status: "retrying", nextAttemptAt: iso(next), error, updatedAt: iso(this.#now()) },
					$push: { attempts: { at, error } },
					$unset: release,
				});
				logger.warn("Mail attempt failed; will retry", { ...log, error, nextAttemptAt: iso(next) });
				this.wakeAt(next);
			} else {
				this.#options.onOutcome?.("failed", doc.template);
				await store.update(mine, {
					$set: { status: "failed", error, updatedAt: iso(this.#now()) },
					$push: { attempts: { at, error } },
					$unset: { ...release, message: true, nextAttemptAt: true },
				});
				logger.error("Mail failed for good", { ...log, error });
				if (classifyFailure(err) === "permanent")
					await this.#options
						.onBounce?.(doc.to)
						.catch((e: Error) => logger.warn("Bounce not recorded", { error: e.message }));
			}
		}
	}
}
