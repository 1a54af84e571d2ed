/**
 * A research house's morning publication, end to end on the embedded default: 100,000
 * verified clients (1,000 of them with a socket open), one 200-product publication, every
 * notification it brings persisted, on screen, counted by analytics and looked at by the
 * mailer. Prints where the time goes, stage by stage (insights_pipeline_stage_seconds, the
 * same histogram operators see), beside a same-run baseline: the notifications store's bare
 * bulk-insert rate for the very rows the run stored.
 *
 * Then the same over NATS: the stores and every other service on one node, two matcher
 * nodes in their own processes, each read for its share of the matching stage.
 *
 * The single-node case publishes BENCH_PIPELINE_RUNS times (5), each on a fresh system
 * seeded alike, each followed by its own baselines; the table is the run with the median
 * ratio, and rows below it give every run's time to every inbox and ratio.
 *
 * BENCH_SUBSCRIBERS (100000) and BENCH_PIPELINE_SOCKETS (1000) change the size;
 * BENCH_CPU_PROFILE=<file> writes a CPU profile (.cpuprofile) of publish → analytics done
 * (of the last run), and beside it (<name>.baseline.cpuprofile) one of that run's first bare
 * insert, so the two can be set side by side: what NeDB does either way, and what the
 * pipeline adds (the publication's first seconds, up to its "every inbox persisted" row).
 * BENCH_PIPELINE_CASES=single (or cluster) runs one case of the two.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { cpSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { ServiceBroker } from "moleculer";
import { serviceNames } from "../config.ts";
import type { Product } from "../domain/product.ts";
import { domainMetrics, type PipelineStage } from "../lib/domain-metrics.ts";
import { matchOne } from "../services/matcher/reference.ts";
import type { StoredNotification } from "../services/notifications/stored.ts";
import {
	freePort,
	natsUrl,
	type RunningSystem,
	sharedClock,
	startSystem,
	tempDir,
	uniqueNamespace,
} from "../test/harness.ts";
import { forkClients, nextReport } from "./clients.ts";
import { benchFund, benchInterests } from "./funds.ts";
import type { ClientCommand, Job } from "./live-clients.ts";
import { type SeedRow, seedSubscribers } from "./seed.ts";
import type { BenchRow } from "./table.ts";

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 100_000);
const SOCKETS = Number(process.env.BENCH_PIPELINE_SOCKETS ?? 1_000);
const PRODUCTS = 200;
const MATCHERS = 2;
/** Publications of the single-node case, each on a fresh system (BENCH_PIPELINE_RUNS). */
const PUBLICATIONS = Number(process.env.BENCH_PIPELINE_RUNS ?? 5);
/** BENCH_CPU_PROFILE: the publication's profile; its baseline's beside it (`baselineProfileOf`). */
const profileFile = process.env.BENCH_CPU_PROFILE;
const baselineProfileOf = (file: string) => file.replace(/(\.cpuprofile)?$/, ".baseline.cpuprofile");
const indexScript = fileURLToPath(new URL("../index.ts", import.meta.url));
/** Bound on every wait: a stage that never finishes fails the bench, it does not hang it. */
const WAIT_MS = Number(process.env.BENCH_TIMEOUT ?? 300_000);
const secret = randomBytes(32).toString("hex");
const now = () => performance.timeOrigin + performance.now();

/** Polls until `done()` holds; fails after WAIT_MS saying what did not happen. */
async function until(done: () => boolean, what: string): Promise<void> {
	const deadline = Date.now() + WAIT_MS;
	while (!done()) {
		if (Date.now() > deadline) throw new Error(`pipeline bench: ${what} within ${WAIT_MS / 1000} s`);
		await sleep(20);
	}
}

/** A histogram's or counter's value in this broker's registry (metrics on), per label set. */
interface Observed {
	count: number;
	sum: number;
	value: number;
}
function observed(broker: ServiceBroker, name: string, labels?: Record<string, string>): Observed {
	const found = broker.metrics.getMetric(name) as { get(l?: object): Partial<Observed> | null } | null;
	const item = found?.get(labels) ?? {};
	return { count: item.count ?? 0, sum: item.sum ?? 0, value: item.value ?? 0 };
}
const created = (broker: ServiceBroker) =>
	observed(broker, domainMetrics.notificationsCreated.name, { category: "fund" }).value;
const stage = (broker: ServiceBroker, name: PipelineStage) =>
	observed(broker, domainMetrics.pipelineStage.name, { stage: name });

/**
 * A full collection first, so that neither a publication nor a baseline run pays for garbage
 * the steps before it left (the process holds a whole system: one major collection inside a
 * two-second baseline moved it by half). The bench runs with --expose-gc (run.ts's script).
 */
function collected(): void {
	globalThis.gc?.();
}

/** Bare-insert runs per bench: their median is the baseline (one run swung from 78k to 144k/s). */
const BASELINE_RUNS = 3;

/** The median of `rates`, and the slowest and fastest. */
function spread(rates: number[]): { median: number; slowest: number; fastest: number } {
	const sorted = [...rates].sort((a, b) => a - b);
	return {
		median: sorted[Math.floor(sorted.length / 2)] as number,
		slowest: sorted[0] as number,
		fastest: sorted.at(-1) as number,
	};
}

/**
 * The notifications store's own bulk insert of `docs`, in the matcher's batches, into a fresh
 * store; profiled into the file `profileTo` when given.
 */
async function bareInsert(docs: object[], profileTo?: string): Promise<number> {
	const system = await startSystem({ SERVICES: "notifications", LOG_LEVEL: "error" });
	collected();
	try {
		const store = system.broker.getLocalService("notifications") as unknown as {
			adapter: { insertMany(docs: object[]): Promise<unknown> };
		};
		const profile = await startProfile(profileTo);
		const t = now();
		for (let i = 0; i < docs.length; i += 1_000) await store.adapter.insertMany(docs.slice(i, i + 1_000));
		const ms = now() - t;
		await profile?.();
		return ms;
	} finally {
		await system.stop();
	}
}

/** With a file, starts profiling this process; the returned function writes the file. */
async function startProfile(file: string | undefined): Promise<(() => Promise<void>) | undefined> {
	if (!file) return undefined;
	const session = new Session();
	session.connect();
	await session.post("Profiler.enable");
	await session.post("Profiler.start");
	return async () => {
		const { profile } = await session.post("Profiler.stop");
		writeFileSync(file, JSON.stringify(profile));
		session.disconnect();
	};
}

/** A matcher node in its own process (index.ts, SERVICES=matcher), its metrics on `metricsPort`. */
interface MatcherNode {
	process: ChildProcess;
	metricsPort: number;
}

async function startMatchers(env: Record<string, string>, count: number): Promise<MatcherNode[]> {
	return Promise.all(
		Array.from({ length: count }, async (_, i) => {
			const metricsPort = await freePort();
			const dataDir = tempDir("insights-bench-matcher-").path;
			const child = spawn(process.execPath, [indexScript], {
				env: {
					...process.env,
					...env,
					NODE_ID: `bench-matcher-${i + 1}`,
					SERVICES: "matcher",
					PORT: "0",
					METRICS_PORT: String(metricsPort),
					DATA_DIR: dataDir,
				},
				stdio: ["ignore", "ignore", "inherit"],
			});
			return { process: child, metricsPort };
		}),
	);
}

/** One matcher node's `insights_pipeline_stage_seconds{stage="match"}`, read from its /metrics. */
async function matchStage(node: MatcherNode): Promise<{ count: number; sum: number }> {
	const text = await (await fetch(`http://127.0.0.1:${node.metricsPort}/metrics`)).text();
	const sample = (part: "sum" | "count") =>
		Number(
			new RegExp(
				`^${domainMetrics.pipelineStage.name}_${part}\\{[^}]*stage="match"[^}]*\\} (\\S+)$`,
				"m",
			).exec(text)?.[1] ?? 0,
		);
	return { count: sample("count"), sum: sample("sum") };
}

export async function run(): Promise<BenchRow[]> {
	const cases = process.env.BENCH_PIPELINE_CASES ?? "single,cluster";
	return [
		...(cases.includes("single") ? await runCase(false, PUBLICATIONS) : []),
		...(cases.includes("cluster") ? await runCase(true, 1) : []),
	];
}

/** The clients, the publication and what it should bring, seeded once for every run of a case. */
interface Prepared {
	products: Product[];
	expected: number;
	connected: Set<string>;
	tokens: Map<string, string>;
	/** The seeded subscribers store: each run starts from a copy of it. */
	seed: { path: string; remove(): void };
}

async function prepare(): Promise<Prepared> {
	const at = sharedClock.now();
	const publishedAt = new Date(at).toISOString();
	const products = Array.from({ length: PRODUCTS }, (_, i) => benchFund(i, publishedAt));
	const clients = Array.from({ length: SUBSCRIBERS }, (_, i) => ({
		id: randomUUID(),
		interests: benchInterests(i),
		riskProfile: "moderate" as const,
	}));
	// What the reference matcher says each client gets (no questionnaire: conservative, and
	// these funds, risk 2, still reach them).
	const reach = clients.map(
		(c) =>
			products.filter(
				(p) =>
					matchOne({ subscriberId: c.id, riskProfile: c.riskProfile, interests: c.interests }, p, at) !==
					undefined,
			).length,
	);
	const expected = reach.reduce((a, b) => a + b, 0);
	// The sockets: clients the publication reaches, so every one of them must see something.
	const connected = new Set(
		clients
			.filter((_, i) => (reach[i] ?? 0) > 0)
			.slice(0, SOCKETS)
			.map((c) => c.id),
	);
	const rows: SeedRow[] = clients.map((c) => ({ ...c, session: connected.has(c.id) }));
	const seed = tempDir("insights-bench-seed-");
	const tokens = await seedSubscribers(seed.path, rows, secret);
	return { products, expected, connected, tokens, seed };
}

/** What one publication measured, in this run's system and its own baselines. */
interface Measured {
	startMs: number;
	stored: number;
	inboxMs: number;
	/** Bare inserts of the stored rows: in the order stored, and in id order (1/s each). */
	storedRates: number[];
	idRates: number[];
	firstSocketMs: number;
	lastSocketMs: number;
	analyticsMs: number;
	mailsQueued?: number;
	stages: Map<PipelineStage, Observed>;
	matcherStages: { count: number; sum: number }[];
}

const inboxRate = (m: Measured) => m.stored / (m.inboxMs / 1000);
/** The run's own ratio: its inbox rate over the median of its own stored-order baselines. */
const ratioOf = (m: Measured) => inboxRate(m) / spread(m.storedRates).median;

/**
 * The morning publication on one node, or (`cluster`) over NATS with two matcher nodes;
 * `runs` times, each on a fresh system with its own baselines right after it. The table is
 * the run whose ratio is the median of them, with every run's rows below it: on a shared
 * 2-core machine one publication's time or one baseline can move by half between runs.
 */
async function runCase(cluster: boolean, runs: number): Promise<BenchRow[]> {
	const prepared = await prepare();
	try {
		const measured: Measured[] = [];
		for (let i = 0; i < runs; i++) measured.push(await publishOnce(prepared, cluster));
		return rowsOf(prepared, cluster, measured);
	} finally {
		prepared.seed.remove();
	}
}

async function publishOnce(prepared: Prepared, cluster: boolean): Promise<Measured> {
	const { products, expected, connected, tokens } = prepared;
	const data = tempDir("insights-bench-");
	cpSync(prepared.seed.path, data.path, { recursive: true });
	let system: RunningSystem | undefined;
	let child: ReturnType<typeof forkClients> | undefined;
	let matchers: MatcherNode[] = [];
	const nats = { TRANSPORTER: natsUrl, NATS_URL: natsUrl, NAMESPACE: uniqueNamespace(), LOG_LEVEL: "error" };
	try {
		const t0 = now();
		system = await startSystem({
			...(cluster ? { ...nats, SERVICES: serviceNames.filter((s) => s !== "matcher").join(",") } : {}),
			DATA_DIR: data.path,
			LOG_LEVEL: process.env.BENCH_LOG ?? "error",
			JWT_SECRET: secret,
			RATE_LIMIT: "1000000",
			METRICS_PORT: String(await freePort()),
			// The digest sweep runs once, timed, after the publication (below), not on its timer.
			DIGEST_SWEEP_SECONDS: "3600",
		});
		const broker = system.broker;
		if (cluster) {
			matchers = await startMatchers(nats, MATCHERS);
			// Available once started: each has loaded every client into its index by then.
			await until(
				() =>
					broker.registry.getServiceList({ onlyAvailable: true }).filter((s) => s.name === "matcher")
						.length === MATCHERS,
				`${MATCHERS} matcher nodes up`,
			);
		}
		const startMs = now() - t0;
		Object.assign((broker.getLocalService("live") as unknown as { settings: object }).settings, {
			maxSocketsPerIp: 1_000_000,
		});

		const jobFile = join(data.path, "pipeline-clients.json");
		const job: Job = {
			url: system.url,
			tokens: [...connected].map((subscriberId) => ({
				subscriberId,
				token: tokens.get(subscriberId) as string,
			})),
			concurrency: 200,
		};
		writeFileSync(jobFile, JSON.stringify(job));
		child = forkClients(jobFile);
		const ready = await nextReport(child, "connected", WAIT_MS);
		if (!ready || ready.connected !== connected.size)
			throw new Error(`pipeline bench: ${ready?.connected ?? 0} of ${connected.size} sockets connected`);

		collected();
		const profile = await startProfile(profileFile);
		const published = now();
		await broker.call("products.publish", { id: "bench", sources: ["bench"], products });
		await until(() => created(broker) >= expected, `${expected} notifications persisted`);
		const inboxMs = now() - published;
		child.send({ type: "collect", expected: connected.size } satisfies ClientCommand);
		const received = await nextReport(child, "received", WAIT_MS);
		const times = (received?.times ?? []).filter((t) => t > 0).sort((a, b) => a - b);
		if (times.length !== connected.size)
			throw new Error(`pipeline bench: ${times.length} of ${connected.size} sockets got their notification`);
		const batches = stage(broker, "inbox").count;
		await until(() => stage(broker, "analytics").count >= batches, "analytics ingested every batch");
		const analyticsMs = now() - published;
		await profile?.();
		const stored = created(broker);
		// The baseline: the same rows, bare, into a fresh notifications store.
		const notifications = broker.getLocalService("notifications") as unknown as {
			adapter: { find(q: object): Promise<StoredNotification[]> };
		};
		// In the order the run wrote them (`order`: a batch's time, then its place in the batch),
		// so the baseline is the store's part of this very run and the ratio what the pipeline
		// adds; and, for reference, in id order, as the store reads them back: NeDB's index
		// trees take that order faster than any publication writes in (docs/matching.md, step 23).
		const byId = await notifications.adapter.find({ query: { publicationId: "bench" } });
		const asStored = [...byId].sort((a, b) => a.order - b.order);
		const storedRates: number[] = [];
		const idRates: number[] = [];
		// Alternated, so a drift of the machine's speed moves both alike.
		for (let run = 0; run < BASELINE_RUNS; run++) {
			const baselineProfile = run === 0 && profileFile ? baselineProfileOf(profileFile) : undefined;
			storedRates.push(asStored.length / ((await bareInsert(asStored, baselineProfile)) / 1000));
			idRates.push(byId.length / ((await bareInsert(byId)) / 1000));
		}
		// The mailer's pick-up last: the e-mails it queues are written out in the background.
		// Once is enough (it is the same on the cluster's store node).
		const mailsQueued = cluster
			? undefined
			: (await broker.call<{ sent: number }, object>("mailer.sendDigests", {})).sent;
		return {
			startMs,
			stored,
			inboxMs,
			storedRates,
			idRates,
			firstSocketMs: (times[0] ?? 0) - published,
			lastSocketMs: (times.at(-1) ?? 0) - published,
			analyticsMs,
			mailsQueued,
			stages: new Map(stageNames.map(([key]) => [key, stage(broker, key)])),
			matcherStages: await Promise.all(matchers.map(matchStage)),
		};
	} finally {
		child?.send({ type: "close" } satisfies ClientCommand);
		for (const matcher of matchers) matcher.process.kill("SIGTERM");
		await system?.stop();
		data.remove();
	}
}

const stageNames: [PipelineStage, string][] = [
	["match", "matching (each task in two parts, stores excluded)"],
	["inbox", "inbox writes (batches of up to 1,000)"],
	["distributions", "distributions queued for analytics"],
	["live", "live broadcast (this node's sockets)"],
	["analytics", "analytics ingest"],
	["mail", "mailer's pick-up: one digest sweep over every due client"],
];

/** The median run's table (by its ratio), and every run's time to every inbox and ratio. */
function rowsOf(prepared: Prepared, cluster: boolean, measured: Measured[]): BenchRow[] {
	const name = `${SUBSCRIBERS / 1000}k clients × ${PRODUCTS} products, ${prepared.connected.size} sockets${cluster ? `, over NATS: ${MATCHERS} matcher nodes` : ""}`;
	const row = (metric: string, value: number, unit: string): BenchRow => ({
		case: name,
		metric,
		value,
		unit,
	});
	const seconds = (ms: number) => Number((ms / 1000).toFixed(2));
	// Three decimals: at two, a ratio of 0.496 would print as 0.50, a target it does not meet.
	const ratio = (value: number) => Number(value.toFixed(3));
	// The targets are the embedded default's (one node); the cluster case shows the split.
	const target = (text: string) => (cluster ? "" : ` (target ${text})`);
	const byRatio = [...measured].sort((a, b) => ratioOf(a) - ratioOf(b));
	const m = byRatio[Math.floor(byRatio.length / 2)] as Measured;
	const bare = spread(m.storedRates);
	const bareById = spread(m.idRates);
	const stageRows = stageNames
		.filter(([key]) => !(cluster && (key === "match" || key === "mail")))
		.flatMap(([key, label]) => {
			const s = m.stages.get(key) ?? { count: 0, sum: 0, value: 0 };
			return [row(`${label}: total`, seconds(s.sum * 1000), "s"), row(`${label}: runs`, s.count, "count")];
		});
	// On the cluster, matching runs on the matcher nodes: each one's share.
	const matcherRows = m.matcherStages.flatMap((s, i) => [
		row(`matcher node ${i + 1}: matching total`, seconds(s.sum * 1000), "s"),
		row(`matcher node ${i + 1}: matching runs (two per task)`, s.count, "count"),
	]);
	// Every run, in the order run, when there were several: each publication's ratio is over its own baselines.
	const runRows =
		measured.length > 1
			? [
					row(
						"publications run (each on a fresh system, its baselines right after it)",
						measured.length,
						"count",
					),
					...measured.flatMap((x, i) => [
						row(`run ${i + 1}: publish → every inbox persisted`, seconds(x.inboxMs), "s"),
						row(`run ${i + 1}: inbox rate ÷ its bare insert`, ratio(ratioOf(x)), "ratio"),
					]),
					row(
						"every run: publish → first socket has it, slowest",
						seconds(Math.max(...measured.map((x) => x.firstSocketMs))),
						"s",
					),
					row(
						"every run: publish → last socket has it, slowest",
						seconds(Math.max(...measured.map((x) => x.lastSocketMs))),
						"s",
					),
				]
			: [];
	return [
		row(
			cluster ? "nodes start incl. the matchers' index builds" : "node start incl. index build",
			Math.round(m.startMs),
			"ms",
		),
		row("notifications persisted (all expected)", m.stored, "count"),
		row(`publish → every inbox persisted${target("< 10")}`, seconds(m.inboxMs), "s"),
		row("inbox rate", Math.round(inboxRate(m)), "1/s"),
		row(
			`baseline: bare bulk insert of the same rows in the order stored (median of ${BASELINE_RUNS} runs)`,
			Math.round(bare.median),
			"1/s",
		),
		row("baseline: slowest run", Math.round(bare.slowest), "1/s"),
		row("baseline: fastest run", Math.round(bare.fastest), "1/s"),
		row(`inbox rate ÷ bare insert${target("≥ 0.5")}`, ratio(ratioOf(m)), "ratio"),
		row(
			`reference: bare bulk insert of the same rows in id order (median of ${BASELINE_RUNS} runs)`,
			Math.round(bareById.median),
			"1/s",
		),
		row("reference: slowest run", Math.round(bareById.slowest), "1/s"),
		row("reference: fastest run", Math.round(bareById.fastest), "1/s"),
		row("inbox rate ÷ bare insert in id order", ratio(inboxRate(m) / bareById.median), "ratio"),
		row(`publish → first socket has it${target("< 1")}`, seconds(m.firstSocketMs), "s"),
		row(`publish → last socket has it${target("< 10")}`, seconds(m.lastSocketMs), "s"),
		row("publish → analytics counted every batch", seconds(m.analyticsMs), "s"),
		...(m.mailsQueued === undefined ? [] : [row("e-mails queued by that sweep", m.mailsQueued, "count")]),
		...stageRows,
		...matcherRows,
		...runRows,
	];
}
