/**
 * The matcher: an in-memory index of every verified subscriber's interests, on every
 * matcher node; each publication is matched through it and the matches handed to the
 * notifications service. Work arrives through the durable queue, so a publication made while
 * no matcher ran, or one a matcher died in the middle of, is matched (again) later, and
 * several matcher nodes share a publication's chunks. docs/matching.md.
 */
import { type Context, Errors, type ServiceSchema, type ServiceSettingSchema } from "moleculer";
import { configOf } from "../../config.ts";
import { type Actions, call, type Match } from "../../domain/contracts.ts";
import { checkInterests } from "../../domain/interests.ts";
import { riskProfiles } from "../../domain/subscriber.ts";
import { domainMetrics, metric } from "../../mixins/domain-metrics.ts";
import { acquireQueue, type DurableQueue, releaseQueue } from "../../mixins/durable-queue.ts";
import { InterestIndex } from "./index.ts";
import { RecentProducts } from "./recent.ts";
import { matchOne, type Subscription } from "./reference.ts";

interface MatcherSettings {
	reconcileEveryMs: number;
	reconcileOverlapMs: number;
}

/** Products per match task: small enough to redo cheaply, large enough to batch stores. */
const chunkSize = 100;
/** Matches per notifications.store call (a NATS message holds about 1 MB). */
const storeBatch = 2_000;
const sessionOnly = { auth: "subscriber" } as unknown as Record<string, never>;

function chunks<T>(items: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}

/**
 * Startup calls to other nodes, retried while their services are briefly unavailable (a node
 * re-announcing its services at that moment makes the registry drop them for an instant).
 */
async function whileUnavailable<T>(load: () => Promise<T>, attempts = 20, waitMs = 500): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await load();
		} catch (err) {
			const retryable = (err as { retryable?: boolean }).retryable === true;
			if (!retryable || attempt >= attempts) throw err;
			await new Promise((resolve) => setTimeout(resolve, waitMs));
		}
	}
}

/** A stable spread of subscribers over the matcher nodes, for work one node must do. */
function owner(subscriberId: string, nodes: string[]): string | undefined {
	let h = 0;
	for (const char of subscriberId) h = (Math.imul(h, 31) + char.charCodeAt(0)) | 0;
	return nodes[Math.abs(h) % nodes.length];
}

const matcher: ServiceSchema = {
	name: "matcher",
	dependencies: ["subscribers", "products", "publications", "notifications"],

	settings: {
		rest: "/",
		// Catch-up with subscribers.changedSince, for events this node missed (it just joined,
		// or NATS blinked): how often, and how far back before the previous pass (clock skew).
		reconcileEveryMs: 30_000,
		reconcileOverlapMs: 60_000,
	} as ServiceSettingSchema,

	actions: {
		preview: {
			visibility: "public",
			params: {
				interests: "object",
				riskProfile: { type: "enum", values: [...riskProfiles] },
				days: "number|integer|min:1|max:90|convert|default:30",
			},
			handler(ctx: Context<Actions["matcher.preview"]["params"] & { days: number }>) {
				return this.preview(ctx.params.interests, ctx.params.riskProfile, ctx.params.days);
			},
		},

		/** The SPA's live preview while a client edits interests (their own risk profile by default). */
		previewMine: {
			rest: "POST /me/interests/preview",
			...sessionOnly,
			params: {
				interests: "object",
				riskProfile: { type: "enum", values: [...riskProfiles], optional: true },
				days: "number|integer|min:1|max:90|convert|default:30",
			},
			async handler(
				ctx: Context<{ interests: unknown; riskProfile?: string; days: number }, { subscriberId?: string }>,
			) {
				const riskProfile =
					ctx.params.riskProfile ??
					(await call(ctx, "subscribers.get", { id: ctx.meta.subscriberId ?? "" })).riskProfile;
				return this.preview(ctx.params.interests, riskProfile, ctx.params.days);
			},
		},
	},

	events: {
		/** Broadcast: every matcher node keeps its index current. */
		async "subscribers.changed"(ctx: Context<{ id: string; change: string }>) {
			const { id, change } = ctx.params;
			if (change === "erased") {
				this.index.remove(id);
				this.subscriptions.set(this.index.size);
				return;
			}
			const subscriber = await call(ctx, "subscribers.get", { id }).catch(() => undefined);
			if (subscriber?.status !== "verified") {
				this.index.remove(id);
				this.subscriptions.set(this.index.size);
				return;
			}
			const subscription: Subscription = {
				subscriberId: id,
				riskProfile: subscriber.riskProfile,
				interests: subscriber.interests,
			};
			this.index.upsert(subscription);
			this.subscriptions.set(this.index.size);
			// A newcomer, or someone whose wishes changed, gets the recent matches at once.
			if (["verified", "interests", "profile"].includes(change) && this.ownsSubscriber(id))
				await this.backfill(ctx, subscription);
		},

		/** Broadcast: every node keeps the recent products for previews and backfills. */
		async "products.published"(ctx: Context<{ publicationId: string }>) {
			await this.recent.addPublication(ctx.params.publicationId);
		},
	},

	methods: {
		preview(interestsInput: unknown, riskProfile: Subscription["riskProfile"], days: number) {
			const checked = checkInterests(interestsInput);
			if (!checked.ok)
				throw new Errors.ValidationError(
					checked.errors.map((e) => e.message).join("; "),
					"INVALID_INTERESTS",
					checked.errors,
				);
			const subscription: Subscription = { subscriberId: "preview", riskProfile, interests: checked.value };
			const matched = [];
			for (const entry of this.recent.since(this.now() - days * 86_400_000)) {
				const reasons = matchOne(subscription, entry.product);
				if (reasons) matched.push({ ...entry.product, reasons });
			}
			return { count: matched.length, days, products: matched.slice(0, 20) };
		},

		now(): number {
			return configOf(this.broker).clock.now();
		},

		ownsSubscriber(subscriberId: string): boolean {
			const nodes = this.broker.registry
				.getServiceList({ onlyAvailable: true })
				.filter((service) => service.name === "matcher")
				.map((service) => service.nodeID ?? "")
				.sort();
			return owner(subscriberId, nodes.length > 0 ? nodes : [this.broker.nodeID]) === this.broker.nodeID;
		},

		async backfill(ctx: Context, subscription: Subscription) {
			const since = this.now() - configOf(this.broker).backfillHours * 3_600_000;
			const byPublication = new Map<string, Match[]>();
			for (const entry of this.recent.since(since)) {
				const reasons = matchOne(subscription, entry.product);
				if (!reasons) continue;
				const match = {
					subscriberId: subscription.subscriberId,
					productId: entry.product.id,
					category: entry.product.category,
					reasons,
				};
				byPublication.set(entry.publicationId, [...(byPublication.get(entry.publicationId) ?? []), match]);
			}
			for (const [publicationId, matches] of byPublication) {
				await call(ctx, "notifications.store", { publicationId, matches });
				this.matches.increment(undefined, matches.length);
			}
		},

		/** A publication becomes match tasks of `chunkSize` products, each kept until done. */
		async splitPublication(payload: { publicationId: string }) {
			const publication = await call(this.broker, "publications.get", {
				id: payload.publicationId,
				withProducts: false,
			});
			const parts = chunks(publication.productIds, chunkSize);
			for (const [i, productIds] of parts.entries())
				await (this.queue as DurableQueue).publish(
					"match-tasks",
					{ publicationId: publication.id, productIds },
					`${publication.id}:${i}`,
				);
		},

		async matchTask(payload: { publicationId: string; productIds: string[] }) {
			const products = await call(this.broker, "products.getMany", { ids: payload.productIds });
			const matches: Match[] = [];
			for (const product of products) {
				for (const result of this.index.match(product))
					matches.push({
						subscriberId: result.subscriberId,
						productId: product.id,
						category: product.category,
						reasons: result.reasons,
					});
			}
			for (const batch of chunks(matches, storeBatch))
				await call(this.broker, "notifications.store", {
					publicationId: payload.publicationId,
					matches: batch,
				});
			this.matches.increment(undefined, matches.length);
			this.tasksHandled = (this.tasksHandled ?? 0) + 1;
			this.logger.debug("Matched", {
				publicationId: payload.publicationId,
				products: products.length,
				matches: matches.length,
			});
		},

		/**
		 * Applies every subscriber change since the previous pass (minus an overlap): verified
		 * ones upserted (a newcomer this node owns gets its backfill), the others removed.
		 * Idempotent, so events and passes may overlap freely.
		 */
		async reconcile() {
			const passStarted = this.now();
			const since = new Date(
				(this.reconciledAt ?? passStarted) - (this.settings as MatcherSettings).reconcileOverlapMs,
			).toISOString();
			let after: string | undefined;
			let changed = 0;
			do {
				const page = await call(this.broker, "subscribers.changedSince", {
					since,
					pageSize: 1_000,
					...(after ? { after } : {}),
				});
				for (const row of page.rows) {
					changed++;
					if (row.status !== "verified") {
						this.index.remove(row.subscriberId);
						continue;
					}
					const known = this.index.has(row.subscriberId);
					const subscription: Subscription = {
						subscriberId: row.subscriberId,
						riskProfile: row.riskProfile,
						interests: row.interests,
					};
					this.index.upsert(subscription);
					if (!known && this.ownsSubscriber(row.subscriberId))
						await this.backfill(this.broker as unknown as Context, subscription);
				}
				after = page.next;
			} while (after);
			this.subscriptions.set(this.index.size);
			this.reconciledAt = passStarted;
			if (changed > 0) this.logger.debug("Reconciled subscribers", { changed, since });
		},

		async buildIndex() {
			const started = performance.now();
			let after: string | undefined;
			do {
				const page = await call(this.broker, "subscribers.active", {
					pageSize: 5_000,
					...(after ? { after } : {}),
				});
				for (const row of page.rows) this.index.upsert(row);
				after = page.next;
			} while (after);
			// Place every rule now rather than on the first product matched.
			this.index.flush();
			this.subscriptions.set(this.index.size);
			this.logger.info("Interest index built", {
				subscribers: this.index.size,
				ms: Math.round(performance.now() - started),
			});
		},
	},

	created() {
		this.index = new InterestIndex();
		this.recent = new RecentProducts(this.broker, 90);
		this.matches = metric(this.broker, domainMetrics.matcherMatches);
		this.matches.zero();
		this.subscriptions = metric(this.broker, domainMetrics.matcherSubscriptions);
	},

	async started() {
		this.reconciledAt = this.now();
		await whileUnavailable(() => this.buildIndex());
		// Catches changes whose events went to the nodes that knew this one before it joined.
		this.reconcileTimer = setInterval(
			() => {
				this.reconcile().catch((err: Error) => this.logger.warn("Reconcile failed", { error: err.message }));
			},
			(this.settings as MatcherSettings).reconcileEveryMs,
		);
		this.reconcileTimer.unref();
		await whileUnavailable(() => this.recent.load());
		this.queue = (await acquireQueue(this.broker)) as DurableQueue;
		const queue = this.queue as DurableQueue;
		await queue.consume("matcher", "publications", (payload) => this.splitPublication(payload));
		await queue.consume("matcher", "match-tasks", (payload) => this.matchTask(payload));
	},

	async stopped() {
		clearInterval(this.reconcileTimer);
		await releaseQueue(this.broker);
	},
};

export default matcher;
