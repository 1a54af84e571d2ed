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
	distributed,
	type ErasureMessage,
} from "../../domain/contracts.ts";
import { addDays, dateRangeText, isIsoDate, localDate } from "../../domain/dates.ts";
import { productOrigin } from "../../domain/product.ts";
import { escapeRegExp } from "../../lib/collections.ts";
import { domainMetrics, type Metric, metric, timeStage } from "../../lib/domain-metrics.ts";
import { acquireQueue, type DurableQueue, queueKeepMs, releaseQueue } from "../../lib/durable-queue.ts";
import { defineService } from "../../lib/service.ts";
import { type DbLocals, DbMixin } from "../../mixins/db.mixin.ts";
import { type ErasureNote, Erasures, erasureNote, isErasureNote, renamedFacts } from "./erasures.ts";
import { notificationFacts, publicationFact, type StoredFact, type StoredNotificationFact } from "./facts.ts";
import { type AnalyticsMetrics, registerAnalyticsMetrics } from "./prometheus.ts";
import { DistributionView } from "./view.ts";

/** The longest `frequency` range: two years of days. */
const maxDays = 731;
const periodDays = { "7d": 7, "30d": 30 } as const;

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
}

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
			const id = `publication:${publicationId}`;
			if (this.view.has(id)) return;
			const publication = await call(this.broker, "publications.get", {
				id: publicationId,
				withProducts: false,
			});
			await this.record([publicationFact(publication)]);
		},

		async ingestDistributions(batch: DistributionBatch): Promise<void> {
			const facts = notificationFacts(batch.publicationId, this.erasures.anonymise(distributed(batch)));
			await this.record(facts.filter((fact) => !this.view.has(fact._id)));
		},

		/**
		 * An erased client (erasures.ts): the note first, so a late notification of theirs is
		 * counted under the replacement; then their stored facts and this node's counters move
		 * to it, and the file is rewritten so the old keys are gone from disk too. Idempotent.
		 */
		async forgetSubscriber({ subscriberId, replacement }: ErasureMessage): Promise<void> {
			const now = configOf(this.broker).clock.now();
			const note = erasureNote(subscriberId, replacement, new Date(now + queueKeepMs).toISOString());
			await this.insertNew([note]);
			this.erasures.remember(note);
			await this.adapter.removeMany({ kind: "erasure", until: { $lt: new Date(now).toISOString() } });
			const stored = await this.adapter.find<StoredNotificationFact>({
				query: { _id: { $regex: new RegExp(`^${escapeRegExp(subscriberId)}\\|`) } },
			});
			if (stored.length > 0) {
				await this.insertNew(renamedFacts(stored, subscriberId, replacement));
				await this.adapter.removeMany({ _id: { $in: stored.map((fact) => fact._id) } });
			}
			this.view.rename(subscriberId, replacement);
			await this.compactStore();
			this.logger.info("Analytics facts of an erased subscriber anonymised", { facts: stored.length });
		},

		/** The erasure notes still within the queue's keep window; older ones are removed. */
		async keepErasureNotes(notes: ErasureNote[]): Promise<void> {
			const now = new Date(configOf(this.broker).clock.now()).toISOString();
			const expired = notes.filter((note) => note.until < now);
			for (const note of notes) if (note.until >= now) this.erasures.remember(note);
			if (expired.length > 0)
				await this.adapter.removeMany({ _id: { $in: expired.map((note) => note._id) } });
		},

		/** Stored first, then counted: a crash in between leaves the message to be handled again. */
		async record(facts: StoredFact[]): Promise<void> {
			if (facts.length === 0) return;
			await this.insertNew(facts);
			for (const fact of facts) this.view.apply(fact);
			this.metrics?.update(this.view);
		},
	},

	async started() {
		this.view = new DistributionView();
		this.erasures = new Erasures();
		const docs = await this.adapter.find<StoredFact | ErasureNote>({});
		const facts = docs.filter((doc): doc is StoredFact => !isErasureNote(doc));
		for (const fact of facts) this.view.apply(fact);
		await this.keepErasureNotes(docs.filter(isErasureNote));
		this.metrics = registerAnalyticsMetrics(this.broker);
		this.stageTime = metric(this.broker, domainMetrics.pipelineStage);
		this.metrics?.update(this.view);
		this.logger.info("Analytics rebuilt from stored facts", { facts: facts.length });

		this.queue = await acquireQueue(this.broker);
		// Each node its own group (named by its NODE_ID, so keep that stable), hence every message.
		const group = configOf(this.broker).transporter ? `analytics-${this.broker.nodeID}` : "analytics";
		await this.queue.consume(group, "publications", (payload) =>
			this.ingestPublication(payload.publicationId),
		);
		await this.queue.consume(group, "distributions", (payload) =>
			timeStage(this.stageTime, "analytics", () => this.ingestDistributions(payload)),
		);
		await this.queue.consume(group, "erasures", (payload) => this.forgetSubscriber(payload));
	},

	async stopped() {
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
