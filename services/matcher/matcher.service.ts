/**
 * The matcher: an in-memory index of every verified subscriber's interests, on every
 * matcher node; each publication is matched through it and the matches handed to the
 * notifications service. Work arrives through the durable queue, so a publication made while
 * no matcher ran, or one a matcher died in the middle of, is matched (again) later, and
 * several matcher nodes share a publication's chunks. docs/matching.md.
 */
import { type Context, Errors, type ServiceBroker } from "moleculer";
import { configOf } from "../../config.ts";
import { productVersion } from "../../domain/audit.ts";
import { type Actions, answers, call, type Match, type MatchTask, matchOf } from "../../domain/contracts.ts";
import { checkInterests } from "../../domain/interests.ts";
import { matchReasonSchema } from "../../domain/notification.ts";
import { type Audience, audiences, catalogueProductRule, type Product } from "../../domain/product.ts";
import { type RiskProfile, riskProfiles } from "../../domain/subscriber.ts";
import { firstVenueFitting, matchAtVenues } from "../../domain/venues.ts";
import { chunks } from "../../lib/collections.ts";
import { domainMetrics, type Metric, metric, timeStage } from "../../lib/domain-metrics.ts";
import { acquireQueue, type DurableQueue, releaseQueue } from "../../lib/durable-queue.ts";
import { defineService } from "../../lib/service.ts";
import { AuditedIndex, auditOf, standingOf } from "./audit.ts";
import { changeAware } from "./changes.ts";
import { profileAt } from "./gates.ts";
import { RecentProducts } from "./recent.ts";
import { type InForce, type MatchResult, matchInterests, matchOne, type Subscription } from "./reference.ts";
import { inStoreOrder } from "./store-order.ts";
import { subscriptionOf, subscriptionOfRecord } from "./subscription.ts";

interface MatcherSettings {
	rest: string;
	reconcileEveryMs: number;
	reconcileOverlapMs: number;
}

interface MatcherLocals {
	index: AuditedIndex;
	recent: RecentProducts;
	matches: Metric;
	/** insights_pipeline_stage_seconds{stage="match"}. */
	stageTime: Metric;
	subscriptions: Metric;
	/** Set in started(). */
	queue?: DurableQueue;
	/** When the last reconcile pass started (ms). */
	reconciledAt?: number;
	reconcileTimer?: NodeJS.Timeout;
	/** Match tasks this node handled (tests read it to see the work spread). */
	tasksHandled?: number;
}

/** Products per match task: small enough to redo cheaply, large enough to batch stores. */
const chunkSize = 100;
/**
 * Products of each task matched and stored before the rest (matchTask): the first clients'
 * notifications are stored and on screen after a tenth of the task's matching. Only a tenth
 * of a task's matches, so the rest still reach the store as neighbours (store-order.ts).
 */
const leadProducts = 10;
/** Matches per notifications.store call: a NATS message holds about 1 MB, a match with its audit ~700 bytes. */
const storeBatch = 1_000;

/**
 * `subscribers.changed` kinds that cannot widen what reaches a client: every other (a
 * newcomer, new interests, a renewed questionnaire, a higher category) brings the recent
 * matches to a client this node owns. Repeats store nothing twice.
 */
const noBackfill = new Set(["preferences", "unsubscribed", "bouncing"]);

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

/** The durable queue, which started() acquires before any message can arrive. */
function queueOf(matcher: MatcherLocals): DurableQueue {
	if (!matcher.queue) throw new Error("The matcher's queue is not acquired yet");
	return matcher.queue;
}

/** A stable spread of subscribers over the matcher nodes, for work one node must do. */
function owner(subscriberId: string, nodes: string[]): string | undefined {
	let h = 0;
	for (const char of subscriberId) h = (Math.imul(h, 31) + char.charCodeAt(0)) | 0;
	return nodes[Math.abs(h) % nodes.length];
}

export default defineService<MatcherSettings, MatcherLocals>()({
	name: "matcher",
	dependencies: ["subscribers", "products", "publications", "notifications"],

	settings: {
		rest: "/",
		// Catch-up with subscribers.changedSince, for events this node missed (it just joined,
		// or NATS blinked): how often, and how far back before the previous pass (clock skew).
		reconcileEveryMs: 30_000,
		reconcileOverlapMs: 60_000,
	},

	methods: {
		preview(interestsInput: unknown, client: InForce, days: number): Actions["matcher.preview"]["result"] {
			const checked = checkInterests(interestsInput);
			if (!checked.ok)
				throw new Errors.ValidationError(
					checked.errors.map((e) => e.message).join("; "),
					"INVALID_INTERESTS",
					checked.errors,
				);
			const matched = [];
			for (const entry of this.recent.since(this.now() - days * 86_400_000)) {
				const fit = firstVenueFitting(entry.product, (version) =>
					matchInterests(checked.value, client, version),
				);
				if (fit)
					matched.push({ ...entry.product, reasons: fit.result, ...(fit.venue ? { venue: fit.venue } : {}) });
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

		async backfill(via: Context | ServiceBroker, subscription: Subscription): Promise<void> {
			const now = this.now();
			const since = now - configOf(this.broker).backfillHours * 3_600_000;
			const byPublication = new Map<string, Match[]>();
			const standing = standingOf(subscription);
			for (const entry of this.recent.since(since)) {
				const fit = firstVenueFitting(entry.product, (version) => matchOne(subscription, version, now));
				if (!fit) continue;
				const match = matchOf(
					entry.product,
					subscription.subscriberId,
					{ reasons: fit.result, audit: auditOf(standing, productVersion(entry.product), now) },
					{ venue: fit.venue },
				);
				const matches = byPublication.get(entry.publicationId);
				if (matches) matches.push(match);
				else byPublication.set(entry.publicationId, [match]);
			}
			for (const [publicationId, matches] of byPublication) {
				// Only news to the client: not a product they were told about already (notices.ts).
				await call(via, "notifications.store", { publicationId, matches, backfill: true });
				this.matches.increment(undefined, matches.length);
			}
		},

		/** A publication becomes match tasks of `chunkSize` products, each kept until done. */
		async splitPublication(payload: { publicationId: string }): Promise<void> {
			const publication = await call(this.broker, "publications.get", {
				id: payload.publicationId,
				withProducts: false,
			});
			const parts = chunks(publication.productIds, chunkSize);
			for (const [i, productIds] of parts.entries())
				await queueOf(this).publish(
					"match-tasks",
					{
						publicationId: publication.id,
						productIds,
						changes: await call(this.broker, "publications.changesOf", { id: publication.id, productIds }),
					},
					`${publication.id}:${i}`,
				);
		},

		/**
		 * Every client each of these products reaches at `now`, at the venue that fits them.
		 * `changes`: per product that was published before, what changed (services/matcher/changes.ts).
		 */
		matchesOf(products: Product[], changes: MatchTask["changes"], now: number): Match[] {
			const matches: Match[] = [];
			for (const product of products) {
				const asMatched = productVersion(product);
				const matchVenues = (version: Product): MatchResult[] =>
					matchAtVenues(version, (at): MatchResult[] => this.index.match(at, now));
				// The detail is written here, while the result's objects are fresh (Match).
				for (const { subscriberId, reasons, changes: changed, venue, notice, slot } of changeAware(
					product,
					changes?.[product.id],
					matchVenues,
				))
					matches.push(
						matchOf(
							product,
							subscriberId,
							{ reasons, changes: changed, audit: this.index.auditOf(subscriberId, asMatched, now, slot) },
							{ venue, notice },
						),
					);
			}
			return matches;
		},

		/**
		 * A task's products matched and stored in two parts, its first `leadProducts` and then the
		 * rest, both at one instant: the first clients have the publication once a tenth of the
		 * first task is matched, not all of it.
		 */
		async matchTask(payload: MatchTask): Promise<void> {
			const products = await call(this.broker, "products.getMany", { ids: payload.productIds });
			// Profiles that lapsed by now count as conservative (the index checks each expiry).
			const now = this.now();
			let matched = 0;
			for (const part of [products.slice(0, leadProducts), products.slice(leadProducts)]) {
				if (part.length === 0) continue;
				const matches = await timeStage(this.stageTime, "match", async () =>
					inStoreOrder(this.matchesOf(part, payload.changes, now)),
				);
				for (const batch of chunks(matches, storeBatch))
					await call(this.broker, "notifications.store", {
						publicationId: payload.publicationId,
						matches: batch,
					});
				matched += matches.length;
			}
			this.matches.increment(undefined, matched);
			this.tasksHandled = (this.tasksHandled ?? 0) + 1;
			this.logger.debug("Matched", {
				publicationId: payload.publicationId,
				products: products.length,
				matches: matched,
			});
		},

		/**
		 * Applies every subscriber change since the previous pass (minus an overlap): verified
		 * ones upserted (a newcomer this node owns gets its backfill), the others removed —
		 * erased clients among them, which changedSince returns as tombstones. Idempotent, so
		 * events and passes may overlap freely. Then files the profiles that lapsed since the
		 * last pass under conservative (they already count as such; this only saves work).
		 */
		async reconcile(): Promise<void> {
			const passStarted = this.now();
			const since = new Date(
				(this.reconciledAt ?? passStarted) - this.settings.reconcileOverlapMs,
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
					const subscription = subscriptionOf(row);
					this.index.upsert(subscription);
					if (!known && this.ownsSubscriber(row.subscriberId)) await this.backfill(this.broker, subscription);
				}
				after = page.next;
			} while (after);
			const lapsed = this.index.expire(passStarted);
			this.subscriptions.set(this.index.size);
			this.reconciledAt = passStarted;
			if (changed > 0 || lapsed > 0) this.logger.debug("Reconciled subscribers", { changed, lapsed, since });
		},

		/** (Re)starts the reconcile passes every `reconcileEveryMs`. */
		scheduleReconcile(): void {
			clearInterval(this.reconcileTimer);
			this.reconcileTimer = setInterval(() => {
				this.reconcile().catch((err: Error) => this.logger.warn("Reconcile failed", { error: err.message }));
			}, this.settings.reconcileEveryMs);
			this.reconcileTimer.unref();
		},

		async buildIndex(): Promise<void> {
			const started = performance.now();
			// How many to expect, so the first page can size the index's stores once (index.ts reserve).
			const { count } = await call(this.broker, "subscribers.countActive", {});
			let after: string | undefined;
			do {
				const page = await call(this.broker, "subscribers.active", {
					pageSize: 5_000,
					...(after ? { after } : {}),
				});
				const subscriptions = page.rows.map(subscriptionOf);
				if (after === undefined) this.index.reserve(count, subscriptions);
				for (const sub of subscriptions) this.index.upsert(sub);
				after = page.next;
			} while (after);
			this.index.expire(this.now());
			// Place every rule now rather than on the first product matched.
			this.index.flush();
			this.subscriptions.set(this.index.size);
			this.logger.info("Interest index built", {
				subscribers: this.index.size,
				ms: Math.round(performance.now() - started),
			});
		},
	},

	actions: {
		/**
		 * What interests would have matched, for a client whose standing the caller gives as it
		 * is now: the profile in force (conservative when their questionnaire lapsed) and their
		 * investor category (general when absent).
		 */
		preview: {
			visibility: "public",
			params: {
				interests: "object",
				riskProfile: { type: "enum", values: [...riskProfiles] },
				investorCategory: { type: "enum", values: [...audiences], optional: true },
				days: "number|integer|min:1|max:90|convert|default:30",
			},
			handler(
				ctx: Context<Actions["matcher.preview"]["params"] & { investorCategory?: Audience; days: number }>,
			) {
				const { interests, riskProfile, investorCategory, days } = ctx.params;
				return this.preview(interests, { riskProfile, investorCategory }, days);
			},
		},

		/**
		 * The SPA's live preview while a client edits interests, with the gates as they apply
		 * to them: their investor category, and their profile while their questionnaire holds
		 * (conservative after). `riskProfile` previews a lower profile, never a higher one.
		 */
		previewMine: {
			rest: "POST /me/interests/preview",
			auth: "subscriber",
			// How many recent products the interests would match, and the first 20 with their reasons.
			openapi: {
				response: answers("matcher.previewMine", {
					type: "object",
					props: {
						count: "number|integer|min:0",
						days: "number|integer|min:1",
						products: {
							type: "array",
							items: {
								...catalogueProductRule,
								props: {
									...catalogueProductRule.props,
									reasons: { type: "array", items: matchReasonSchema },
									venue: "string|optional",
								},
							},
						},
					},
				}),
			},
			params: {
				interests: "object",
				riskProfile: { type: "enum", values: [...riskProfiles], optional: true },
				days: "number|integer|min:1|max:90|convert|default:30",
			},
			async handler(
				ctx: Context<
					{ interests: unknown; riskProfile?: RiskProfile; days: number },
					{ subscriberId?: string }
				>,
			) {
				const id = ctx.meta.subscriberId ?? "";
				const client = subscriptionOfRecord(id, await call(ctx, "subscribers.get", { id }));
				const inForce = profileAt(client, this.now());
				const asked = ctx.params.riskProfile ?? inForce;
				const riskProfile = riskProfiles.indexOf(asked) < riskProfiles.indexOf(inForce) ? asked : inForce;
				return this.preview(
					ctx.params.interests,
					{ riskProfile, investorCategory: client.investorCategory },
					ctx.params.days,
				);
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
			const subscription = subscriptionOfRecord(id, subscriber);
			this.index.upsert(subscription);
			this.subscriptions.set(this.index.size);
			// A newcomer, or someone whose wishes or standing changed, gets the recent matches at once.
			if (!noBackfill.has(change) && this.ownsSubscriber(id)) await this.backfill(ctx, subscription);
		},

		/** Broadcast: every node keeps the recent products for previews and backfills. */
		async "products.published"(ctx: Context<{ publicationId: string }>) {
			await this.recent.addPublication(ctx.params.publicationId);
		},
	},

	created() {
		// The index with each client's standing beside it, for the audit of every match (audit.ts).
		this.index = new AuditedIndex();
		this.recent = new RecentProducts(this.broker, 90);
		this.matches = metric(this.broker, domainMetrics.matcherMatches);
		this.stageTime = metric(this.broker, domainMetrics.pipelineStage);
		this.matches.zero();
		this.subscriptions = metric(this.broker, domainMetrics.matcherSubscriptions);
	},

	async started() {
		this.reconciledAt = this.now();
		await whileUnavailable(() => this.buildIndex());
		// Catches changes whose events went to the nodes that knew this one before it joined,
		// or that this node missed (an erasure among them).
		this.scheduleReconcile();
		await whileUnavailable(() => this.recent.load());
		const queue = await acquireQueue(this.broker);
		this.queue = queue;
		await queue.consume("matcher", "publications", (payload) => this.splitPublication(payload));
		await queue.consume("matcher", "match-tasks", (payload) => this.matchTask(payload));
	},

	async stopped() {
		clearInterval(this.reconcileTimer);
		await releaseQueue(this.broker);
	},
});
