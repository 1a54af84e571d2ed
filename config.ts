/**
 * Every environment variable Insights reads, parsed and validated in one place.
 * A bad value stops the process with one line naming the variable, before anything starts.
 */
import { hostname } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServiceBroker } from "moleculer";
import { type Clock, systemClock } from "./domain/clock.ts";

/**
 * The services a node can run (`SERVICES`); a name starts every service of its folder
 * (services/index.ts loads them). Here, on the ground floor, so the configuration knows
 * them without importing any service.
 */
export const serviceNames = [
	"analytics",
	"api",
	"collector",
	"live",
	"mailer",
	"matcher",
	"metrics",
	"notifications",
	"prices",
	"products",
	"subscribers",
] as const;
export type ServiceName = (typeof serviceNames)[number];

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace";
export type Tracing = "off" | "console" | "event";

export interface Config {
	/** HTTP port of the api service (0 = any free port, used by tests). */
	port: number;
	/** Folder for NeDB files and other local state. */
	dataDir: string;
	/** Moleculer transporter URL; undefined = all services in this one process. */
	transporter: string | undefined;
	/** The NATS that `npm run cluster` and the distributed tests use. */
	natsUrl: string;
	/** Services this node runs. */
	services: ServiceName[];
	nodeId: string;
	/** Cluster namespace: nodes only see nodes of the same namespace. */
	namespace: string;
	logLevel: LogLevel;
	/** Port of the Prometheus /metrics endpoint; 0 turns the reporter off. */
	metricsPort: number;
	/** Behind the edge proxy: take the caller's address from X-Real-IP. */
	trustProxy: boolean;
	/** Liveness and readiness probes of this node (GET /livez, /readyz); 0 turns them off. */
	healthPort: number;
	tracing: Tracing;
	mongoUri: string | undefined;
	/** Bearer token for operator routes; undefined = operator routes refuse every request. */
	operatorToken: string | undefined;
	/** Base URL used in links sent to clients (e-mail, redirects). */
	publicUrl: string;
	/** Moleculer cacher: undefined = in-memory per node; redis://… = shared Redis. */
	cacher: string | undefined;
	/** Entries the in-memory cache keeps at most (least recently used go first). */
	cacheMaxEntries: number;
	/** Where daily price histories come from. */
	pricesProvider: "yahoo" | "sample";
	/** Sends every Yahoo request to this base URL instead of Yahoo's hosts (fixtures, mirrors). */
	yahooBaseUrl: string | undefined;
	/** Per-request timeout of a Yahoo call. */
	yahooTimeoutMs: number;
	/**
	 * The collector's sources file, read and validated when a node running the collector is
	 * built (services/collector/sources.ts `sourcesForNode`); a bad file stops it naming SOURCES_FILE.
	 */
	sourcesFile: string;
	/** Sample sources marked `vary` change a few products per run (the demo's moving feed). */
	demoVariation: boolean;
	/** Values for `${VAR}` in the sources file's headers (API keys live in env, not in files). */
	secrets: Env;
	/** smtp(s)://user:pass@host:port; undefined = write each message as .eml to DATA_DIR/outbox. */
	smtpUrl: string | undefined;
	/** Pooled SMTP connections per mailer node. */
	smtpMaxConnections: number;
	/** Messages per second per mailer node (the SMTP provider's limit). */
	smtpRateLimit: number;
	/** From header of every e-mail. */
	mailFrom: string;
	/** Signs session and link tokens; undefined = generated once and kept in DATA_DIR/jwt-secret. */
	jwtSecret: string | undefined;
	/** A newly verified subscriber's inbox gets the matches of this many past hours. */
	backfillHours: number;
	/** How often the mailer looks for due digests. */
	digestSweepSeconds: number;
	/** How long immediate e-mails wait after a publication's first match, to gather its other matches. */
	immediateSettleSeconds: number;
	/** Immediate e-mails per client per local day; past it, matches wait for the next daily digest. */
	immediateDailyCap: number;
	/** Port of the live socket server on nodes without the api (with it, the api's port). */
	livePort: number;
	/** Origins allowed to call the API and open sockets from a browser; empty = same origin only. */
	corsOrigins: string[];
	/** Requests per minute per client IP at the gateway. */
	rateLimit: number;
	/** Attempts a durable-queue message gets per consumer group before it is dead-lettered. */
	queueMaxAttempts: number;
	/**
	 * Months a suitability questionnaire holds; after, the client counts as conservative until
	 * they answer again. CVM Resolution 30 asks for an update at least every 24 months.
	 */
	suitabilityValidMonths: number;
	/**
	 * Days of notification facts analytics keeps one by one; older ones are folded into
	 * counters (docs/analytics.md). At least 31: `top` asks about the last 30 days by fact.
	 */
	analyticsFoldDays: number;
	/** Days a notification stays in the client's inbox; then only its audit record is kept (docs/audit.md). */
	inboxRetentionDays: number;
	/**
	 * Days an expired notification's audit record (the suitability check behind the tip) is
	 * kept. At least five years: CVM Resolution 30 asks for the records to be kept that long.
	 */
	auditRetentionDays: number;
	/** "Now" for every service of the node: the system's, or a test's (never from env). */
	clock: Clock;
}

export class ConfigError extends Error {
	override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

/** Stops the process with one line naming the variable, the value and what was expected. */
export function fail(variable: string, value: string, expected: string): never {
	throw new ConfigError(`Invalid ${variable}=${JSON.stringify(value)}: expected ${expected}`);
}

function port(env: Env, variable: string, fallback: number): number {
	const raw = env[variable];
	if (raw === undefined || raw === "") return fallback;
	const value = Number(raw);
	if (!/^\d+$/.test(raw) || value > 65535) fail(variable, raw, "an integer port from 0 to 65535");
	return value;
}

function url(env: Env, variable: string, protocols: string[], fallback?: string): string | undefined {
	const raw = env[variable];
	if (raw === undefined || raw === "") return fallback;
	let parsed: URL;
	try {
		parsed = new URL(raw);
	} catch {
		fail(variable, raw, `a URL starting with ${protocols.join(" or ")}`);
	}
	if (!protocols.includes(parsed.protocol))
		fail(variable, raw, `a URL starting with ${protocols.join(" or ")}`);
	return raw;
}

function oneOf<T extends string>(env: Env, variable: string, allowed: readonly T[], fallback: T): T {
	const raw = env[variable];
	if (raw === undefined || raw === "") return fallback;
	if (!allowed.includes(raw as T)) fail(variable, raw, `one of ${allowed.join(", ")}`);
	return raw as T;
}

function services(env: Env): ServiceName[] {
	const raw = env.SERVICES;
	if (raw === undefined || raw.trim() === "" || raw.trim() === "all") return [...serviceNames];
	const names = raw
		.split(",")
		.map((name) => name.trim())
		.filter(Boolean);
	const known = (name: string): name is ServiceName => (serviceNames as readonly string[]).includes(name);
	if (!names.every(known) || names.length === 0) {
		fail("SERVICES", raw, `a comma list of ${serviceNames.join(", ")} (or "all")`);
	}
	return [...new Set(names)];
}

function integer(env: Env, variable: string, fallback: number, min: number, max: number): number {
	const raw = env[variable];
	if (raw === undefined || raw === "") return fallback;
	const value = Number(raw);
	if (!/^\d+$/.test(raw) || value < min || value > max)
		fail(variable, raw, `an integer from ${min} to ${max}`);
	return value;
}

/** A comma list of origins such as https://app.example.com. */
function origins(env: Env, variable: string): string[] {
	const raw = env[variable];
	if (raw === undefined || raw.trim() === "") return [];
	const list = raw
		.split(",")
		.map((origin) => origin.trim())
		.filter(Boolean);
	for (const origin of list) {
		let parsed: URL | undefined;
		try {
			parsed = new URL(origin);
		} catch {}
		if (!parsed || !["http:", "https:"].includes(parsed.protocol) || parsed.origin !== origin)
			fail(
				variable,
				raw,
				"a comma list of origins such as https://app.example.com (no path, no trailing slash)",
			);
	}
	return list;
}

/** `Name <address>` or a bare address. */
function mailbox(env: Env, variable: string, fallback: string): string {
	const raw = env[variable];
	if (raw === undefined || raw === "") return fallback;
	if (!/^([^<>@\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/.test(raw.trim()))
		fail(variable, raw, "an address such as Insights <no-reply@example.com>");
	return raw.trim();
}

function secret(env: Env, variable: string, minLength: number): string | undefined {
	const raw = env[variable];
	if (raw === undefined || raw === "") return undefined;
	if (raw.length < minLength)
		fail(variable, `${raw.slice(0, 2)}…`, `a secret of at least ${minLength} characters`);
	return raw;
}

function token(env: Env, variable: string): string | undefined {
	const raw = env[variable];
	if (raw === undefined || raw === "") return undefined;
	if (raw.length < 16) fail(variable, `${raw.slice(0, 2)}…`, "a secret of at least 16 characters");
	return raw;
}

export const defaultSourcesFile = fileURLToPath(new URL("./config/sources.json", import.meta.url));

export function loadConfig(env: Env = process.env): Config {
	const httpPort = port(env, "PORT", 3000);
	const sourcesFile = resolve(env.SOURCES_FILE || defaultSourcesFile);
	const chosen = services(env);
	const nodeId = env.NODE_ID?.trim() || `${hostname()}-${process.pid}`;
	if (!/^[\w.-]+$/.test(nodeId)) fail("NODE_ID", nodeId, "letters, digits, '.', '_' or '-'");
	const namespace = env.NAMESPACE?.trim() || "insights";
	if (!/^[\w-]+$/.test(namespace)) fail("NAMESPACE", namespace, "letters, digits, '_' or '-'");
	return {
		port: httpPort,
		dataDir: resolve(env.DATA_DIR || "./data"),
		transporter: url(env, "TRANSPORTER", ["nats:"]),
		natsUrl: url(env, "NATS_URL", ["nats:"], "nats://127.0.0.1:4222") as string,
		services: chosen,
		nodeId,
		namespace,
		logLevel: oneOf(env, "LOG_LEVEL", ["fatal", "error", "warn", "info", "debug", "trace"], "info"),
		metricsPort: port(env, "METRICS_PORT", 3030),
		healthPort: port(env, "HEALTH_PORT", 0),
		trustProxy: oneOf(env, "TRUST_PROXY", ["0", "1"], "0") === "1",
		tracing: oneOf(env, "TRACING", ["off", "console", "event"], "off"),
		mongoUri: url(env, "MONGO_URI", ["mongodb:", "mongodb+srv:"]),
		operatorToken: token(env, "OPERATOR_TOKEN"),
		publicUrl: (url(env, "PUBLIC_URL", ["http:", "https:"]) ?? `http://localhost:${httpPort}`).replace(
			/\/$/,
			"",
		),
		cacher: url(env, "CACHER", ["redis:", "rediss:"]),
		cacheMaxEntries: integer(env, "CACHE_MAX_ENTRIES", 1_000, 10, 1_000_000),
		pricesProvider: oneOf(env, "PRICES_PROVIDER", ["yahoo", "sample"], "yahoo"),
		yahooBaseUrl: url(env, "YAHOO_BASE_URL", ["http:", "https:"]),
		yahooTimeoutMs: integer(env, "YAHOO_TIMEOUT_MS", 5_000, 100, 120_000),
		sourcesFile,
		demoVariation: oneOf(env, "DEMO_VARIATION", ["0", "1"], "1") === "1",
		secrets: env,
		smtpUrl: url(env, "SMTP_URL", ["smtp:", "smtps:"]),
		smtpMaxConnections: integer(env, "SMTP_MAX_CONNECTIONS", 5, 1, 100),
		smtpRateLimit: integer(env, "SMTP_RATE_LIMIT", 20, 1, 10_000),
		mailFrom: mailbox(env, "MAIL_FROM", "Insights <no-reply@insights.localhost>"),
		jwtSecret: secret(env, "JWT_SECRET", 32),
		backfillHours: integer(env, "MATCH_BACKFILL_HOURS", 24, 0, 24 * 30),
		digestSweepSeconds: integer(env, "DIGEST_SWEEP_SECONDS", 60, 1, 3_600),
		immediateSettleSeconds: integer(env, "IMMEDIATE_SETTLE_SECONDS", 30, 0, 3_600),
		immediateDailyCap: integer(env, "IMMEDIATE_DAILY_CAP", 10, 1, 1_000),
		livePort: port(env, "LIVE_PORT", 3001),
		corsOrigins: origins(env, "CORS_ORIGINS"),
		rateLimit: integer(env, "RATE_LIMIT", 600, 1, 1_000_000),
		queueMaxAttempts: integer(env, "QUEUE_MAX_ATTEMPTS", 20, 1, 1_000),
		suitabilityValidMonths: integer(env, "SUITABILITY_VALID_MONTHS", 24, 1, 24),
		analyticsFoldDays: integer(env, "ANALYTICS_FOLD_DAYS", 90, 31, 3_650),
		inboxRetentionDays: integer(env, "INBOX_RETENTION_DAYS", 365, 30, 1_827),
		auditRetentionDays: integer(env, "AUDIT_RETENTION_DAYS", 1_827, 1_827, 36_500),
		clock: systemClock,
	};
}

/*
 * Services read the configuration of the broker they run in, not process.env, so that
 * several brokers with different settings can live in one process (the tests do).
 */
const configs = new WeakMap<ServiceBroker, Config>();

export function bindConfig(broker: ServiceBroker, config: Config): void {
	configs.set(broker, config);
}

/** The node's clock: what every service stamps and compares times with. */
export const clockOf = (broker: ServiceBroker): Clock => configOf(broker).clock;

export function configOf(broker: ServiceBroker): Config {
	const config = configs.get(broker);
	if (!config) throw new Error(`No configuration bound to broker ${broker.nodeID}`);
	return config;
}
