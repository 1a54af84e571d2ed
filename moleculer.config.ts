/**
 * Broker options for a node, all read from the validated configuration (config.ts).
 * The fault-tolerance values are defaults for every action; services tighten them per
 * action where a remote dependency needs it (Yahoo Finance, SMTP).
 */
import type { BrokerOptions, Context, Errors } from "moleculer";
import type { Config } from "./config.ts";

type MoleculerError = Errors.MoleculerError;

/** ioredis options from a redis:// or rediss:// URL. */
export function redisOptions(url: string): Record<string, unknown> {
	const u = new URL(url);
	return {
		host: u.hostname,
		port: Number(u.port || 6379),
		username: u.username ? decodeURIComponent(u.username) : undefined,
		password: u.password ? decodeURIComponent(u.password) : undefined,
		db: Number(u.pathname.slice(1) || 0),
		tls: u.protocol === "rediss:" ? {} : undefined,
	};
}

/**
 * Every action a request reaches logs its request id (debug), on whatever node it runs, so
 * one HTTP request can be followed through the cluster; failures at warn.
 */
const RequestLog = {
	name: "RequestLog",
	localAction(next: (ctx: Context) => Promise<unknown>, action: { name?: string }) {
		return async (ctx: Context) => {
			const logger =
				(ctx.service as { logger?: Context["broker"]["logger"] } | undefined)?.logger ?? ctx.broker.logger;
			logger.debug(`${action.name} requestID=${ctx.requestID}`);
			try {
				return await next(ctx);
			} catch (err) {
				const e = err as { code?: number; message?: string };
				if ((e.code ?? 500) >= 500)
					logger.warn(`${action.name} failed requestID=${ctx.requestID}: ${e.message}`);
				throw err;
			}
		};
	},
};

export function brokerOptions(config: Config): BrokerOptions {
	return {
		// Nodes only see nodes of the same namespace, so tests and clusters can share one NATS.
		namespace: config.namespace,
		nodeID: config.nodeId,

		// No transporter = every service in this process (the embedded default).
		transporter: config.transporter ? { type: "NATS", options: { servers: [config.transporter] } } : null,

		logger: { type: "Console", options: { formatter: "short", moduleColors: false, colors: false } },
		logLevel: config.logLevel,
		middlewares: [RequestLog],

		// A call that has not answered in 10 s fails with RequestTimeoutError (retryable).
		requestTimeout: 10_000,

		// Retry only errors marked retryable (timeouts, lost nodes): 100 ms, 200 ms, 400 ms.
		retryPolicy: {
			enabled: true,
			retries: 3,
			delay: 100,
			maxDelay: 2_000,
			factor: 2,
			check: (err: Error) => Boolean((err as MoleculerError).retryable),
		},

		// Open an endpoint's circuit when half of at least 20 calls in 60 s failed with a
		// server-side error; try one call again after 10 s.
		circuitBreaker: {
			enabled: true,
			threshold: 0.5,
			minRequestCount: 20,
			windowTime: 60,
			halfOpenTime: 10_000,
			check: (err: Error) => ((err as MoleculerError).code ?? 500) >= 500,
		},

		// At most 50 concurrent executions per action on a node, 1,000 queued; beyond that the
		// caller gets QueueIsFullError (429) instead of the node running out of memory.
		bulkhead: { enabled: true, concurrency: 50, maxQueueSize: 1_000 },

		// Count in-flight requests so stop() waits (up to 10 s) for them to finish.
		tracking: { enabled: true, shutdownTimeout: 10_000 },

		// Nodes missing heartbeats for 15 s are removed from the registry.
		heartbeatInterval: 5,
		heartbeatTimeout: 15,

		// Spread calls over instances; prefer a local instance when there is one.
		registry: { strategy: "RoundRobin", preferLocal: true },

		validator: true,

		// Per-node memory cache by default, bounded (LRU): distinct keys (a price range per
		// request) must not grow the heap without end. CACHER=redis://… shares one cache.
		cacher: config.cacher
			? { type: "Redis", options: { redis: redisOptions(config.cacher) } }
			: { type: "MemoryLRU", options: { max: config.cacheMaxEntries } },

		metrics: {
			enabled: config.metricsPort > 0,
			reporter: [{ type: "Prometheus", options: { port: config.metricsPort, path: "/metrics" } }],
		},

		// Available on demand (TRACING=console|event), off by default: spans cost CPU on every call.
		tracing: {
			enabled: config.tracing !== "off",
			exporter: config.tracing === "event" ? [{ type: "Event" }] : [{ type: "Console" }],
		},

		// index.ts owns SIGTERM/SIGINT so shutdown has a hard deadline.
		skipProcessEventRegistration: true,
	};
}
