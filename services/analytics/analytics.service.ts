/**
 * Analytics: what was published and distributed, per day (São Paulo), category and source,
 * the most notified products, and each publication's match rate. Public aggregates only.
 *
 * Publications and notifications arrive through the durable queue; each becomes one fact
 * stored under its own key (facts.ts), and the answers are counters over the facts, held in
 * memory (view.ts) and rebuilt from them at start. A message handled twice, or a fact
 * another node stored first, is counted once. Every analytics node consumes every message
 * (its own consumer group), so each node's view is complete and all nodes answer alike.
 * docs/analytics.md.
 */
import { randomUUID } from "node:crypto";
import { type Context, Errors } from "moleculer";
import { configOf } from "../../config.ts";
import {
	type Actions,
	type AnalyticsSummary,
	analyticsGroupings,
	analyticsPeriods,
	analyticsRules,
	answers,
	call,
	type DistributionBatch,
	type ErasureMessage,
} from "../../domain/contracts.ts";
import { addDays, dateRangeText, isIsoDate, localDate } from "../../domain/dates.ts";
import { productOrigin } from "../../domain/product.ts";
import { escapeRegExp } from "../../lib/collections.ts";
import { domainMetrics, type Metric, metric, timeStage } from "../../lib/domain-metrics.ts";
import {
	acquireQueue,
	type ConsumeOptions,
	type DurableQueue,
	queueKeepMs,
	releaseQueue,
} from "../../lib/durable-queue.ts";
import { defineService } from "../../lib/service.ts";
import { type DbLocals, DbMixin } from "../../mixins/db.mixin.ts";
import { type ErasureNote, Erasures, erasureNote, renamedFacts } from "./erasures.ts";
import {
	type NotificationFact,
	type NotifiedGroup,
	notifiedGroups,
	publicationFact,
	readFacts,
	type StoredFact,
	type StoredNotificationDay,
	type StoredNotificationFact,
	storedNotificationDays,
} from "./facts.ts";
import {
	type FoldChunk,
	type FoldedCounts,
	type FoldPointer,
	foldChunks,
	foldPointerId,
	readFold,
	renameInFold,
} from "./fold.ts";
import { type AnalyticsMetrics, registerAnalyticsMetrics } from "./prometheus.ts";
import { DistributionView } from "./view.ts";

/** The longest `frequency` range: two years of days. */
const maxDays = 731;
const periodDays = { "7d": 7, "30d": 30 } as const;
/** How often analytics looks for facts to fold: a day passing is what makes some old. */
const foldEveryMs = 60 * 60_000;

type Params<A extends keyof Actions> = Actions[A]["params"];

function invalid(field: string, message: string): never {
	throw new Errors.ValidationError(message, "VALIDATION_ERROR", [{ field, message }]);
}

function checkDay(field: string, value: string | undefined): void {
	if (value !== undefined && !isIsoDate(value)) invalid(field, `'${field}' must be ${dateRangeText}.`);
}

export interface AnalyticsSettings {
	rest: string;
}

interface AnalyticsLocals extends DbLocals {
	queue: DurableQueue;
	/** insights_pipeline_stage_seconds{stage="analytics"}. */
	stageTime: Metric;
	view: DistributionView;
	erasures: Erasures;
	/** Absent when the broker's metrics are off. */
	metrics?: AnalyticsMetrics;
	/** The fold under way, if one is. */
	folding?: Promise<number>;
	foldTimer?: NodeJS.Timeout;
}

/** The notification facts of stored documents, read as they are asked for. */
function* foldedFacts(
	docs: readonly (StoredNotificationDay | StoredNotificationFact)[],
): Generator<NotificationFact> {
	for (const doc of docs) yield* readFacts(doc) as NotificationFact[];
}

/**
 * Analytics' messages yield to foreground work on the embedded queue (ConsumeOptions): on a
 * single node a publication's inbox and live screens come first, its counts right after (bench
 * pipeline: docs/matching.md, step 19). Five seconds at most per burst of foreground work,
 * then the counts run beside it: a long burst delays them by that much, never more.
 */
const countsInBackground: ConsumeOptions = { background: { yieldMs: 5_000 } };

export default defineService<AnalyticsSettings, AnalyticsLocals>()({
	name: "analytics",
	mixins: [DbMixin({ collection: "analytics" })],

	settings: { rest: "/analytics" },

	methods: {
		/** Today in São Paulo, by the node's clock. */
		today(): string {
			return localDate(new Date(configOf(this.broker).clock.now()));
		},

		async productNames(ctx: Context, ids: string[]): Promise<Map<string, string>> {
			if (ids.length === 0) return new Map();
			const products = await call(ctx, "products.getMany", { ids }).catch(() => []);
			return new Map(products.map((p) => [p.id, p.name]));
		},

		async ingestPublication(publicationId: string): Promise<void> {
			if (this.view.hasPublication(publicationId)) return;
			const publication = await call(this.broker, "publications.get", {
				id: publicationId,
				withProducts: false,
			});
			const fact = publicationFact(publication);
			// Stored first, then counted: a crash in between leaves the message to be handled again.
			await this.insertNew([fact]);
			this.view.apply(fact);
			this.metrics?.update(this.view);
		},

		/**
		 * A message's notifications, as the groups it lists them in (by product and time): no
		 * object per notification (bench pipeline: building, keying and checking one per
		 * notification was most of analytics' share of a publication). Stored, then counted.
		 */
		async ingestDistributions(batch: DistributionBatch): Promise<void> {
			const fresh: NotifiedGroup[] = [];
			for (const group of notifiedGroups(batch)) {
				const subscriberIds = this.view.uncounted({
					...group,
					subscriberIds: this.erasures.replaced(group.subscriberIds),
				});
				if (subscriberIds.length > 0) fresh.push({ ...group, subscriberIds });
			}
			if (fresh.length === 0) return;
			await this.insertNew(storedNotificationDays(fresh));
			for (const group of fresh) this.view.applyNotified(group);
			this.metrics?.update(this.view);
		},

		/**
		 * An erased client (erasures.ts): the note first, so a late notification of theirs is
		 * counted under the replacement; then their stored facts, the folded counters and this
		 * node's view move to it, and the file is rewritten so the old id is gone from disk too.
		 * Idempotent.
		 */
		async forgetSubscriber({ subscriberId, replacement }: ErasureMessage): Promise<void> {
			const now = configOf(this.broker).clock.now();
			const note = erasureNote(subscriberId, replacement, new Date(now + queueKeepMs).toISOString());
			await this.insertNew([note]);
			this.erasures.remember(note);
			await this.adapter.removeMany({ kind: "erasure", until: { $lt: new Date(now).toISOString() } });
			const stored = await this.adapter.find<StoredNotificationDay | StoredNotificationFact>({
				query: {
					$or: [
						{ kind: "notifications", subscribers: subscriberId },
						{ _id: { $regex: new RegExp(`^${escapeRegExp(subscriberId)}\\|`) } },
					],
				},
			});
			if (stored.length > 0) {
				await this.insertNew(renamedFacts(stored, subscriberId, replacement));
				await this.adapter.removeMany({ _id: { $in: stored.map((doc) => doc._id) } });
			}
			const fold = await this.readFolded();
			if (fold && renameInFold(fold.counts, subscriberId, replacement))
				await this.storeFolded(fold.counts, fold.pointer);
			this.view.rename(subscriberId, replacement);
			await this.compactStore();
			this.logger.info("Analytics facts of an erased subscriber anonymised", { documents: stored.length });
		},

		/** The erasure notes still within the queue's keep window; older ones are removed. */
		async keepErasureNotes(notes: ErasureNote[]): Promise<void> {
			const now = new Date(configOf(this.broker).clock.now()).toISOString();
			const expired = notes.filter((note) => note.until < now);
			for (const note of notes) if (note.until >= now) this.erasures.remember(note);
			if (expired.length > 0)
				await this.adapter.removeMany({ _id: { $in: expired.map((note) => note._id) } });
		},

		/** The folded counters and the pointer naming them, if anything was folded. */
		async readFolded(): Promise<{ pointer: FoldPointer; counts: FoldedCounts } | undefined> {
			const pointer = await this.adapter.findById<FoldPointer>(foldPointerId);
			if (!pointer) return undefined;
			const chunks = await this.adapter.find<FoldChunk>({
				query: { kind: "fold-chunk", generation: pointer.generation },
			});
			return { pointer, counts: readFold(pointer, chunks) };
		},

		/**
		 * Writes `counts` as a new generation and moves the pointer to it, unless the pointer
		 * moved since `previous` was read (another node sharing the store folded first): then
		 * nothing changes and false is returned. Old generations' chunks go after the move.
		 */
		async storeFolded(counts: FoldedCounts, previous?: FoldPointer): Promise<boolean> {
			const generation = randomUUID();
			const chunks = foldChunks(counts, generation);
			await this.insertNew(chunks);
			const pointer: FoldPointer = {
				_id: foldPointerId,
				kind: "fold",
				generation,
				chunks: chunks.length,
				before: counts.before,
			};
			const moved = previous
				? (await this.updateWhere(
						{ _id: foldPointerId, generation: previous.generation },
						{ $set: { generation, chunks: chunks.length, before: counts.before } },
					)) === 1
				: (await this.insertNew([pointer])).length === 1;
			await this.adapter.removeMany({
				kind: "fold-chunk",
				generation: moved ? { $ne: generation } : generation,
			});
			return moved;
		},

		/**
		 * Folds the notification facts older than the window (ANALYTICS_FOLD_DAYS) into the
		 * counters (fold.ts): the new counters are the old ones plus these facts, written before
		 * the facts are removed, so every answer stays what it was. Once a day is enough; runs
		 * at start and every hour, one at a time.
		 */
		foldOldFacts(): Promise<number> {
			this.folding ??= this.foldNow().finally(() => {
				this.folding = undefined;
			});
			return this.folding;
		},

		async foldNow(): Promise<number> {
			const before = addDays(this.today(), -configOf(this.broker).analyticsFoldDays);
			if (before <= this.view.folded) return 0;
			const old = await this.readFolded();
			const oldFacts = { day: { $lt: before }, kind: { $ne: "publication" } };
			const docs = await this.adapter.find<StoredNotificationDay | StoredNotificationFact>({
				query: oldFacts,
			});
			if (docs.length === 0) return 0;
			// Facts the old counters hold already (left by a crash after the pointer moved) are
			// dated before them: the scratch view skips them.
			const scratch = new DistributionView(old?.counts);
			let folded = 0;
			for (const doc of docs) {
				const facts = readFacts(doc);
				folded += facts.length;
				scratch.applyAll(facts);
			}
			if (!(await this.storeFolded(scratch.foldedCounts(before), old?.pointer))) {
				this.logger.warn(
					"Analytics facts folded by another node meanwhile: this node folds at its next start",
				);
				return 0;
			}
			// Read again, one document at a time: no second copy of every folded fact at once.
			this.view.fold(before, foldedFacts(docs));
			await this.adapter.removeMany(oldFacts);
			await this.compactStore();
			this.logger.info("Analytics facts folded", { before, facts: folded });
			return folded;
		},
	},

	async started() {
		this.erasures = new Erasures();
		const folded = await this.readFolded();
		this.view = new DistributionView(folded?.counts);
		const docs = await this.adapter.find<StoredFact>({
			query: { kind: { $nin: ["fold", "fold-chunk", "erasure"] } },
		});
		let facts = 0;
		for (const doc of docs) facts += this.view.applyAll(readFacts(doc));
		await this.keepErasureNotes(await this.adapter.find<ErasureNote>({ query: { kind: "erasure" } }));
		this.metrics = registerAnalyticsMetrics(this.broker);
		this.stageTime = metric(this.broker, domainMetrics.pipelineStage);
		this.metrics?.update(this.view);
		this.logger.info("Analytics rebuilt from stored facts", {
			facts,
			foldedBefore: this.view.folded || "none",
		});

		this.queue = await acquireQueue(this.broker);
		// Each node its own group (named by its NODE_ID, so keep that stable), hence every message.
		const group = configOf(this.broker).transporter ? `analytics-${this.broker.nodeID}` : "analytics";
		// Counting is background work: on one node it waits for a publication's inbox writes.
		await this.queue.consume(
			group,
			"publications",
			(payload) => this.ingestPublication(payload.publicationId),
			countsInBackground,
		);
		await this.queue.consume(
			group,
			"distributions",
			(payload) => timeStage(this.stageTime, "analytics", () => this.ingestDistributions(payload)),
			countsInBackground,
		);
		await this.queue.consume(group, "erasures", (payload) => this.forgetSubscriber(payload));
		const foldQuietly = () =>
			this.foldOldFacts().catch((err: unknown) => this.logger.error("Folding analytics facts failed", err));
		void foldQuietly();
		this.foldTimer = setInterval(foldQuietly, foldEveryMs);
		this.foldTimer.unref();
	},

	async stopped() {
		clearInterval(this.foldTimer);
		await this.folding?.catch(() => undefined);
		await releaseQueue(this.broker);
	},

	actions: {
		frequency: {
			rest: "GET /frequency",
			openapi: { response: answers("analytics.frequency", analyticsRules.frequency) },
			params: {
				from: "string|max:10|optional",
				to: "string|max:10|optional",
				groupBy: { type: "enum", values: [...analyticsGroupings], default: "category" },
			},
			handler(ctx: Context<Params<"analytics.frequency">>): Actions["analytics.frequency"]["result"] {
				const { from: askedFrom, to: askedTo, groupBy = "category" } = ctx.params;
				checkDay("from", askedFrom);
				checkDay("to", askedTo);
				const to = askedTo ?? this.today();
				const from = askedFrom ?? addDays(to, -29);
				if (from > to) invalid("from", "'from' must be on or before 'to'.");
				if (from < addDays(to, -(maxDays - 1))) invalid("from", `At most ${maxDays} days at a time.`);
				return { from, to, groupBy, ...this.view.frequency(from, to, groupBy) };
			},
		},

		top: {
			rest: "GET /top",
			openapi: { response: answers("analytics.top", analyticsRules.top) },
			params: {
				period: { type: "enum", values: [...analyticsPeriods], default: "30d" },
				limit: "number|integer|min:1|max:100|convert|default:10",
			},
			async handler(ctx: Context<Params<"analytics.top">>): Promise<Actions["analytics.top"]["result"]> {
				const { period = "30d", limit = 10 } = ctx.params;
				const since = period === "all" ? undefined : addDays(this.today(), -(periodDays[period] - 1));
				const ranked = this.view.top(since, limit);
				const names = await this.productNames(
					ctx,
					ranked.map((r) => r.productId),
				);
				return ranked.map(({ productId, count }) => ({
					productId,
					name: names.get(productId) ?? productId,
					category: productOrigin(productId).category,
					count,
				}));
			},
		},

		publications: {
			rest: "GET /publications",
			openapi: { response: answers("analytics.publications", analyticsRules.publications) },
			params: { limit: "number|integer|min:1|max:100|convert|default:20" },
			handler(ctx: Context<{ limit: number }>) {
				return this.view.recentPublications(ctx.params.limit);
			},
		},

		summary: {
			rest: "GET /summary",
			openapi: { response: answers("analytics.summary", analyticsRules.summary) },
			async handler(ctx: Context): Promise<AnalyticsSummary> {
				const [active, runs] = await Promise.all([
					call(ctx, "subscribers.countActive", {}, { timeout: 2_000, retries: 0 }).catch(() => undefined),
					call(ctx, "collector.runs", { pageSize: 1 }, { timeout: 2_000, retries: 0 }).catch(() => undefined),
				]);
				const run = runs?.rows[0];
				const lastPublication = this.view.latest();
				return {
					totals: { ...this.view.totals },
					...(active ? { activeSubscribers: active.count } : {}),
					...(lastPublication ? { lastPublication } : {}),
					...(run
						? {
								lastRun: {
									id: run.id,
									startedAt: run.startedAt,
									finishedAt: run.finishedAt,
									published: run.published,
									failedSources: Object.entries(run.sources)
										.filter(([, s]) => s.status === "failed")
										.map(([name]) => name),
								},
							}
						: {}),
				};
			},
		},
	},
});
