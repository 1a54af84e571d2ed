/**
 * The collector: reads the brokers' featured products on the sources file's schedules (or
 * when an operator asks), and publishes what is new or changed. One run at a time across
 * the whole cluster; every run's summary is kept.
 */
import { randomUUID } from "node:crypto";
import { Cron } from "croner";
import { type Context, Errors, type ServiceBroker } from "moleculer";
import { type Config, configOf } from "../../config.ts";
import {
	type Actions,
	answers,
	type CollectionStatus,
	type CollectorRunSummary,
	type CollectorSourceInfo,
	call,
	collectorRules,
} from "../../domain/contracts.ts";
import type { Product } from "../../domain/product.ts";
import { chunks, pageParams, storePage } from "../../lib/collections.ts";
import { defineService } from "../../lib/service.ts";
import { type DbLocals, DbMixin } from "../../mixins/db.mixin.ts";
import { addReadinessCheck } from "../../probes.ts";
import { createHttp, type Http } from "./http.ts";
import { localLock, natsLock, type RunLock } from "./lock.ts";
import { type CollectorMetrics, collectorMetrics, failureStreaks } from "./metrics.ts";
import { type CachedBody, cachingBytes, createReader } from "./reader.ts";
import { collect, type RunDeps } from "./run.ts";
import { isEnricher, type Source, type SourcesConfig, sourcesOf } from "./sources.ts";
import { collectionStatus } from "./status.ts";
import { vary } from "./variation.ts";

/** Products per message to the products service: well under NATS's 1 MB payload. */
const chunkSize = 500;

function describe(source: Source): CollectorSourceInfo {
	const { location } = source;
	return {
		name: source.name,
		type: source.type,
		format: source.format,
		enabled: source.enabled,
		schedule: source.schedule,
		location:
			location.kind === "http" ? location.url : `${location.kind}:${location.path.split("/").slice(-1)[0]}`,
	};
}

interface CollectorLocals extends DbLocals {
	config: Config;
	sourcesConfig: SourcesConfig;
	http: Http;
	/** Set in started(): undefined while the node starts. */
	lock?: RunLock;
	jobs: Cron[];
	/** The run in progress, for stopped() to wait for. */
	current?: Promise<unknown>;
	metrics: CollectorMetrics;
	/** Each enricher source's downloads, reused until they are refreshHours old. */
	registries: Map<string, Map<string, CachedBody>>;
	/** Removes the collector's readiness check (probes.ts). */
	readinessCheck?: () => void;
	/** With a shared database, the streaks are read again now and then. */
	streakTimer?: NodeJS.Timeout;
}

/** The run lock, which started() sets before anything can run. */
function lockOf(collector: CollectorLocals): RunLock {
	if (!collector.lock) throw new Errors.MoleculerError("The collector is still starting.", 503, "STARTING");
	return collector.lock;
}

/** Runs searched for each source's latest outcome (a source only run by hand may be older). */
const statusHistory = 50;
/** Runs read back at start for the sources' failing streaks (a longer streak shows as this many). */
const streakHistory = 100;
/** With a shared database (MONGO_URI), how often streaks are read again: other nodes' runs count too. */
const streakRefreshMs = 60_000;

export default defineService<{ rest: string }, CollectorLocals>()({
	name: "collector",
	mixins: [DbMixin({ collection: "collector_runs", indexed: ["startedAt"] })],

	settings: { rest: "/collector" },

	methods: {
		chooseSources(names: string[] | undefined): Source[] {
			if (!names) return this.sourcesConfig.sources.filter((source) => source.enabled);
			const byName = new Map(this.sourcesConfig.sources.map((source) => [source.name, source]));
			const unknown = names.filter((name) => !byName.has(name));
			if (unknown.length > 0)
				throw new Errors.ValidationError(
					`Unknown source ${unknown.map((n) => `"${n}"`).join(", ")}; see GET /api/collector/sources.`,
					"UNKNOWN_SOURCE",
					{ unknown },
				);
			return [...new Set(names)].flatMap((name) => byName.get(name) ?? []);
		},

		/** Runs unless a run holds the lock anywhere in the cluster; undefined then. */
		async runExclusive(
			via: Context | ServiceBroker,
			trigger: "manual" | "schedule",
			sources: Source[],
		): Promise<CollectorRunSummary | undefined> {
			const id = randomUUID();
			// Enrichers complete whatever a run collects, whichever sources it runs.
			const enrichers = this.sourcesConfig.sources.filter(
				(source: Source) => source.enabled && isEnricher(source.format) && !sources.includes(source),
			);
			sources = [...sources, ...enrichers];
			const release = await lockOf(this)
				.acquire(`${this.broker.nodeID}/${id}`)
				.catch((err: Error) => {
					throw new Errors.MoleculerError(
						`Collection is paused: the run lock is unavailable (${err.message}); it comes back with NATS.`,
						503,
						"COLLECTION_UNAVAILABLE",
						{ retryAfter: 5 },
					);
				});
			if (!release) return undefined;
			const running = (async () => {
				try {
					// The demo's variation follows the run number, so every run moves something.
					const runNumber: number = await this.adapter.count({});
					const started = performance.now();
					const seconds = () => (performance.now() - started) / 1000;
					let summary: CollectorRunSummary;
					try {
						summary = await collect(
							{ id, trigger, sources },
							this.sourcesConfig,
							this.runDeps(via, runNumber),
						);
					} catch (err) {
						this.metrics.recordError(trigger, seconds());
						throw err;
					}
					this.metrics.recordRun(trigger, summary, seconds());
					await this.upsert(id, summary);
					return summary;
				} finally {
					await release();
				}
			})();
			this.current = running.catch(() => undefined);
			return running;
		},

		/** `via` is the request's context (manual runs) or the broker (scheduled ones). */
		runDeps(via: Context | ServiceBroker, runNumber: number): RunDeps {
			const { config, http, registries } = this;
			return {
				reader: (source, headers) => {
					const reader = createReader(source, http, headers);
					if (!isEnricher(source.format)) return reader;
					const cache = registries.get(source.name) ?? new Map<string, CachedBody>();
					registries.set(source.name, cache);
					return cachingBytes(reader, cache, (source.refreshHours ?? 24) * 3_600_000, config.clock.now);
				},
				// The sources' own listings, not the catalogue's products (domain/venues.ts).
				async previous(ids) {
					const found = await Promise.all(
						chunks(ids, chunkSize).map((part) => call(via, "listings.getMany", { ids: part })),
					);
					return found.flat();
				},
				async listed(source) {
					const ids = await call(via, "listings.openIdsOf", { source });
					const found = await Promise.all(
						chunks(ids, chunkSize).map((part) => call(via, "listings.getMany", { ids: part })),
					);
					return found.flat();
				},
				computeMany: (tickers, deadlineMs) =>
					call(via, "metrics.computeMany", { tickers }, { timeout: deadlineMs, retries: 0 }),
				async publish(publicationId, sources, products: Product[]) {
					for (const part of chunks(products, chunkSize))
						await call(via, "products.stage", { publicationId, products: part });
					const publication = await call(via, "products.publish", { id: publicationId, sources });
					return publication.id;
				},
				env: config.secrets,
				vary: config.demoVariation ? (products) => vary(products, runNumber) : undefined,
				log: (level, message, data) => this.logger[level](message, data ?? ""),
				now: config.clock.now,
			};
		},

		/** One cron job per distinct schedule; a tick runs on one node of the cluster. */
		schedule(): void {
			const bySchedule = new Map<string, Source[]>();
			for (const source of this.sourcesConfig.sources) {
				if (!source.enabled || !source.schedule) continue;
				bySchedule.set(source.schedule, [...(bySchedule.get(source.schedule) ?? []), source]);
			}
			this.jobs = [...bySchedule].map(
				([expression, sources]) =>
					new Cron(expression, { timezone: this.sourcesConfig.timezone, protect: true }, () =>
						this.runTick(expression, sources),
					),
			);
		},

		/** The sources' failing streaks from the stored runs (metrics only; a failure only logs). */
		async loadStreaks(): Promise<void> {
			try {
				const runs: CollectorRunSummary[] = await this.adapter.find({
					sort: ["-startedAt"],
					limit: streakHistory,
				});
				const names = this.sourcesConfig.sources.map((source) => source.name);
				this.metrics.setStreaks(failureStreaks(runs, names));
			} catch (err) {
				this.logger.warn("Could not read the run history for metrics", { error: (err as Error).message });
			}
		},

		/** A schedule tick (or the start, expression "start"): runs on the first node to claim it. */
		async runTick(expression: string, sources: Source[]): Promise<void> {
			const tick = `${Buffer.from(expression).toString("base64url")}-${Math.round(this.config.clock.now() / 1000)}`;
			try {
				if (!(await lockOf(this).claimTick(tick))) return;
				const summary = await this.runExclusive(this.broker, "schedule", sources);
				if (!summary)
					this.logger.warn("Scheduled collection skipped: another run is still going.", { expression });
			} catch (err) {
				this.logger.error("Scheduled collection failed", { expression, error: (err as Error).message });
			}
		},
	},

	actions: {
		run: {
			rest: "POST /run",
			auth: "operator",
			openapi: { response: answers("collector.run", collectorRules.run) },
			// A run reads every source with retries and answers with the whole summary
			// (types/moleculer.d.ts).
			timeout: 10 * 60_000,
			retryPolicy: { enabled: false },
			params: {
				sources: { type: "array", items: "string|min:1|max:50", optional: true, min: 1, max: 100 },
			},
			async handler(ctx: Context<Actions["collector.run"]["params"]>): Promise<CollectorRunSummary> {
				const sources = this.chooseSources(ctx.params.sources);
				const summary = await this.runExclusive(ctx, "manual", sources);
				if (!summary)
					throw new Errors.MoleculerClientError(
						"A collector run is already in progress; try again when it has finished.",
						409,
						"RUN_IN_PROGRESS",
					);
				return summary;
			},
		},

		sources: {
			rest: "GET /sources",
			openapi: { response: answers("collector.sources", collectorRules.sources) },
			handler(): CollectorSourceInfo[] {
				return this.sourcesConfig.sources.map(describe);
			},
		},

		/** Public: which enabled sources failed in their latest run, and why (the SPA's notice). */
		status: {
			rest: "GET /status",
			openapi: { response: answers("collector.status", collectorRules.status) },
			async handler(): Promise<CollectionStatus> {
				const runs: CollectorRunSummary[] = await this.adapter.find({
					sort: ["-startedAt"],
					limit: statusHistory,
				});
				return collectionStatus(runs, this.sourcesConfig.sources);
			},
		},

		runs: {
			rest: "GET /runs",
			openapi: { response: answers("collector.runs", collectorRules.runs) },
			params: pageParams,
			handler(ctx: Context<{ page: number; pageSize: number }>) {
				const { page, pageSize } = ctx.params;
				return storePage(this.adapter, { sort: ["-startedAt"] }, page, pageSize, (doc) =>
					this.adapter.afterRetrieveTransformID<CollectorRunSummary>(doc, "id"),
				);
			},
		},
	},

	created() {
		this.config = configOf(this.broker);
		this.sourcesConfig = sourcesOf(this.broker);
		this.http = createHttp(this.sourcesConfig.userAgent);
		this.registries = new Map();
		this.jobs = [];
		this.metrics = collectorMetrics(
			this.broker,
			this.sourcesConfig.sources.map((source) => source.name),
		);
	},

	async started() {
		const { transporter, namespace } = this.config;
		const lock = transporter ? await natsLock(transporter, `insights-${namespace}-collector`) : localLock();
		this.lock = lock;
		this.readinessCheck = addReadinessCheck(this.broker, "collector", () => lock.problem());
		if (this.broker.isMetricsEnabled()) {
			await this.loadStreaks();
			if (this.config.mongoUri) {
				this.streakTimer = setInterval(() => this.loadStreaks(), streakRefreshMs);
				this.streakTimer.unref();
			}
		}
		this.schedule();
		if (this.sourcesConfig.runAtStart) {
			// Not awaited: the node is ready while it collects; the lock keeps it to one run.
			this.broker
				.waitForServices(["products"], 60_000)
				.then(() => this.runTick("start", this.chooseSources(undefined)))
				.catch((err: Error) => this.logger.warn("No collection at start", { error: err.message }));
		}
	},

	async stopped() {
		for (const job of this.jobs) job.stop();
		clearInterval(this.streakTimer);
		// Let a run in progress finish: its products are staged, not yet half-published.
		await this.current;
		this.readinessCheck?.();
		await this.lock?.close();
	},
});
