/**
 * Domain metrics on a node's Prometheus /metrics (when METRICS_PORT is set): the one helper
 * every service uses, and the catalogue of every insights_* metric the services export
 * (docs/observability.md; monitoring/ alerts on these exact names).
 *
 * `metric(broker, spec)` answers a no-op when the broker's metrics are off, and the same
 * metric when another service on the same broker registered that name first. Metrics live in
 * the broker's own registry: several brokers in one process (tests) never share a value.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { ServiceBroker } from "moleculer";

export type Labels = Record<string, string>;

export interface MetricSpec {
	type: "counter" | "gauge" | "histogram";
	name: string;
	description: string;
	labelNames?: readonly string[];
	/** Histograms: upper bounds of the buckets. */
	buckets?: readonly number[];
	/**
	 * Histograms: quantiles over the last minute. Moleculer's Prometheus reporter writes a
	 * histogram's _sum and _count only when it has quantiles (as its own moleculer_request_time).
	 */
	quantiles?: readonly number[];
}

export interface Metric {
	/** Counters and gauges. */
	increment(labels?: Labels, value?: number): void;
	/** Gauges (and counters set from a stored total). */
	set(value: number, labels?: Labels): void;
	/** Histograms. */
	observe(value: number, labels?: Labels): void;
	/**
	 * Counters and gauges: shows the series as 0 until it first changes (a counter that does not
	 * exist yet is invisible to rate() and to alerts); leaves a series that has a value alone.
	 */
	zero(labels?: Labels): void;
}

/** What Moleculer's metric objects offer (its registry returns one of several classes). */
interface MoleculerMetric {
	type: string;
	get(labels?: Labels): unknown;
	increment?(labels?: Labels, value?: number): void;
	set?(value: number, labels?: Labels): void;
	observe?(value: number, labels?: Labels): void;
}

const noop: Metric = {
	increment() {},
	set() {},
	observe() {},
	zero() {},
};

/** The broker's metric named `spec.name`, registered on first use; a no-op when metrics are off. */
export function metric(broker: ServiceBroker, spec: MetricSpec): Metric {
	if (!broker.isMetricsEnabled()) return noop;
	const registry = broker.metrics;
	let found: MoleculerMetric | null = registry.getMetric(spec.name);
	if (!found) {
		const options = {
			name: spec.name,
			description: spec.description,
			labelNames: [...(spec.labelNames ?? [])],
		};
		found =
			spec.type === "histogram"
				? registry.register({
						...options,
						type: "histogram",
						...(spec.buckets ? { buckets: [...spec.buckets] } : {}),
						...(spec.quantiles ? { quantiles: [...spec.quantiles] } : {}),
					})
				: spec.type === "gauge"
					? registry.register({ ...options, type: "gauge" })
					: registry.register({ ...options, type: "counter" });
	}
	if (!found) return noop;
	if (found.type !== spec.type)
		throw new Error(`Metric ${spec.name} is already registered as a ${found.type}, not a ${spec.type}.`);
	const m = found;
	return {
		increment: (labels, value = 1) => m.increment?.(labels, value),
		set: (value, labels) => m.set?.(value, labels),
		observe: (value, labels) => m.observe?.(value, labels),
		zero(labels) {
			if (m.set && m.get(labels) === undefined) m.set(0, labels);
		},
	};
}

/** Every insights_* metric the services export, besides insights_analytics_* (services/analytics/prometheus.ts). */
export const domainMetrics = {
	collectorRuns: {
		type: "counter",
		name: "insights_collector_runs_total",
		description:
			"Collector runs finished, by trigger (manual|schedule) and status (ok: every source ok or skipped; partial: some failed; failed: every attempted source failed, or the run itself failed)",
		labelNames: ["trigger", "status"],
	},
	collectorRunDuration: {
		type: "histogram",
		name: "insights_collector_run_duration_seconds",
		description: "Duration of a collector run, by trigger",
		labelNames: ["trigger"],
		buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300],
		// For _sum and _count (average duration); the quantiles come with them.
		quantiles: [0.5, 0.9, 0.99],
	},
	collectorSourceRuns: {
		type: "counter",
		name: "insights_collector_source_runs_total",
		description: "Sources read by collector runs, by source and status (ok|failed|skipped)",
		labelNames: ["source", "status"],
	},
	collectorSourceFailures: {
		type: "gauge",
		name: "insights_collector_source_consecutive_failures",
		description:
			"Runs in a row in which the source failed (0 after an ok run); starts from the stored run history",
		labelNames: ["source"],
	},
	productsPublished: {
		type: "counter",
		name: "insights_products_published_total",
		description: "Products in newly stored publications, by category",
		labelNames: ["category"],
	},
	queueDeadLetters: {
		type: "counter",
		name: "insights_queue_dead_letters_total",
		description:
			"Durable-queue messages a consumer group still failed after its last attempt, set aside as dead letters (Operador page)",
		labelNames: ["subject", "group"],
	},
	matcherMatches: {
		type: "counter",
		name: "insights_matcher_matches_total",
		description: "Matches handed to notifications.store (match tasks and backfills)",
	},
	matcherSubscriptions: {
		type: "gauge",
		name: "insights_matcher_subscriptions",
		description: "Verified subscribers in this node's interest index",
	},
	notificationsCreated: {
		type: "counter",
		name: "insights_notifications_created_total",
		description: "Notifications newly stored (not those of a redelivered batch), by category",
		labelNames: ["category"],
	},
	mailSent: {
		type: "counter",
		name: "insights_mail_sent_total",
		description: "E-mails accepted by the SMTP server (or written to the outbox), by template",
		labelNames: ["template"],
	},
	mailFailed: {
		type: "counter",
		name: "insights_mail_failed_total",
		description: "E-mails that failed for good (permanent error or attempts exhausted), by template",
		labelNames: ["template"],
	},
	mailRetries: {
		type: "counter",
		name: "insights_mail_retries_total",
		description: "Failed e-mail attempts that will be retried, by template",
		labelNames: ["template"],
	},
	liveSockets: {
		type: "gauge",
		name: "insights_live_sockets",
		description: "Sockets connected to this node's live feed now",
	},
	liveNotificationsSent: {
		type: "counter",
		name: "insights_live_notifications_sent_total",
		description: "Notifications emitted to live sockets (live and replayed)",
	},
	analyticsLastPublication: {
		type: "gauge",
		name: "insights_analytics_last_publication_timestamp_seconds",
		description: "publishedAt of the latest publication, in Unix seconds",
	},
	pipelineStage: {
		type: "histogram",
		name: "insights_pipeline_stage_seconds",
		description:
			"Time a stage of the fan-out spends on one unit of its work: match (a part of a match task: its first products or the rest, stores excluded), inbox (a batch written), distributions (a batch queued for analytics), live (a batch told to this node's sockets), analytics (a batch ingested), mail (a digest sweep)",
		labelNames: ["stage"],
		buckets: [0.001, 0.005, 0.025, 0.1, 0.5, 2, 10, 60],
		quantiles: [0.5, 0.99],
	},
} as const satisfies Record<string, MetricSpec>;

/** The stages of a publication's way to inboxes, screens and e-mail (insights_pipeline_stage_seconds). */
export type PipelineStage = "match" | "inbox" | "distributions" | "live" | "analytics" | "mail";

/** Runs `work` and observes its duration under `stage`; a failed run is timed too. */
export async function timeStage<T>(
	histogram: Metric,
	stage: PipelineStage,
	work: () => Promise<T>,
): Promise<T> {
	const started = performance.now();
	try {
		return await work();
	} finally {
		histogram.observe((performance.now() - started) / 1000, { stage });
	}
}

/** The event loop's delay on this node (Moleculer 0.15 exports none of its own). */
export const eventLoopLag = {
	type: "gauge",
	name: "insights_event_loop_lag_seconds",
	description: "Event loop delay over the last 5 s: stat mean, p99 or max",
	labelNames: ["stat"],
} as const satisfies MetricSpec;

/**
 * Samples the event loop's delay (perf_hooks) and exports it every 5 s as
 * insights_event_loop_lag_seconds{stat}; once per broker, stopped with it. Call it where a
 * node is built; nothing happens when metrics are off.
 */
export function trackEventLoopLag(broker: ServiceBroker): void {
	if (!broker.isMetricsEnabled() || broker.metrics.getMetric(eventLoopLag.name)) return;
	const gauge = metric(broker, eventLoopLag);
	const delay = monitorEventLoopDelay({ resolution: 10 });
	delay.enable();
	const seconds = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
	const timer = setInterval(() => {
		gauge.set(seconds(delay.mean), { stat: "mean" });
		gauge.set(seconds(delay.percentile(99)), { stat: "p99" });
		gauge.set(seconds(delay.max), { stat: "max" });
		delay.reset();
	}, 5_000);
	timer.unref();
	for (const stat of ["mean", "p99", "max"]) gauge.zero({ stat });
	broker.localBus.once("$broker.stopped", () => {
		clearInterval(timer);
		delay.disable();
	});
}
