/**
 * The live feed under load, in the embedded default: 1,000 and 10,000 Socket.IO clients in
 * a separate process (bench/live-clients.ts), one notification for every subscriber.
 * Reports the connect rate, the server's memory per idle connection (against its memory
 * before any client connected), and the latency from `notifications.created` being
 * broadcast to the client receiving its `notification` — split into the server's part
 * (broadcast → socket emit) and the rest — plus, as the end-to-end view, from the
 * `notifications.store` call of the subscriber's batch to receipt. 1k is the baseline
 * for 10k. Targets: p99 < 250 ms at 10k sockets, < 50 KB per idle connection.
 *
 * Subscribers are written straight into the subscribers store and session tokens signed
 * with the bench's JWT_SECRET (signing in 10k clients by e-mail is not what is measured).
 * BENCH_LIVE_SOCKETS=1000,10000 picks the sizes.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Context } from "moleculer";
import type { Namespace } from "socket.io";
import { type Events, type Match, matchOf } from "../domain/contracts.ts";
import type { Product } from "../domain/product.ts";
import { type RunningSystem, startSystem, tempDir } from "../test/harness.ts";
import { forkClients, nextReport } from "./clients.ts";
import type { ClientCommand, Job } from "./live-clients.ts";
import { seedSubscribers } from "./seed.ts";
import type { BenchRow } from "./table.ts";

const sizes = (process.env.BENCH_LIVE_SOCKETS ?? "1000,10000").split(",").map(Number);
/** Matches per notifications.store call, as the matcher sends them (its storeBatch). */
const storeBatch = 2_000;
/** Handshakes the client process keeps in flight. */
const connectConcurrency = 200;
const secret = process.env.JWT_SECRET ?? randomBytes(32).toString("hex");

const now = () => performance.timeOrigin + performance.now();
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** `node bench/run.ts` runs without --expose-gc: a new context sees the flag set here. */
function collector(): (() => void) | undefined {
	const exposed = (globalThis as { gc?: () => void }).gc;
	if (exposed) return exposed;
	try {
		setFlagsFromString("--expose-gc");
		return runInNewContext("gc") as () => void;
	} catch {
		return undefined;
	}
}
const gc = collector();

interface Memory {
	/** heapUsed + external (external includes arrayBuffers: socket buffers live there). */
	total: number;
	heapUsed: number;
	rss: number;
}

async function serverMemory(): Promise<Memory> {
	for (let i = 0; i < 3; i++) {
		gc?.();
		await sleep(50);
	}
	try {
		const { heapUsed, external, rss } = process.memoryUsage();
		return { total: heapUsed + external, heapUsed, rss };
	} catch {
		// rss is read from /proc: with every file descriptor in use it fails with EMFILE.
		const heap = getHeapStatistics();
		return {
			total: heap.used_heap_size + heap.external_memory,
			heapUsed: heap.used_heap_size,
			rss: Number.NaN,
		};
	}
}

/** The soft open-file limit of this process (the client process inherits it). */
function openFileLimit(): number {
	try {
		const line = readFileSync("/proc/self/limits", "utf8")
			.split("\n")
			.find((l) => l.startsWith("Max open files"));
		const soft = line?.split(/\s{2,}/)[1];
		return soft === "unlimited" ? Number.POSITIVE_INFINITY : Number(soft ?? Number.NaN);
	} catch {
		return Number.NaN;
	}
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const mean = (values: number[]) => sum(values) / values.length;

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const product: Product = {
	id: "bench:fund:live",
	source: "bench",
	category: "fund",
	nativeId: "live",
	name: "Fundo Live",
	fundType: "Renda Fixa",
	adminFee: 0.005,
	riskLevel: 2,
	collectedAt: new Date().toISOString(),
};

/** Verified subscribers, each with one open session: their session tokens. */
function seed(dataDir: string, ids: string[]): Promise<Map<string, string>> {
	// Not the bench product's fund type: publishing it matches nobody.
	const interests = { fund: { fundType: { in: ["Cambial"] } } };
	return seedSubscribers(
		dataDir,
		ids.map((id) => ({ id, interests, session: true })),
		secret,
	);
}

async function liveCase(sockets: number, fileLimit: number): Promise<BenchRow[]> {
	const name = `live: ${sockets / 1000}k sockets`;
	const data = tempDir("insights-bench-");
	const ids = Array.from({ length: sockets }, () => randomUUID());
	const tokens = await seed(data.path, ids);
	let system: RunningSystem | undefined;
	let child: ChildProcess | undefined;
	try {
		system = await startSystem({
			DATA_DIR: data.path,
			LOG_LEVEL: process.env.BENCH_LOG ?? "error",
			JWT_SECRET: secret,
			RATE_LIMIT: "1000000",
		});
		const broker = system.broker;
		// Every bench socket comes from loopback: lift the per-address cap for this run.
		Object.assign((broker.getLocalService("live") as unknown as { settings: object }).settings, {
			maxSocketsPerIp: 1_000_000,
		});
		await broker.call("products.publish", {
			id: "bench-live-product",
			sources: ["bench"],
			products: [product],
		});

		// When each subscriber's notifications.created is broadcast: a listener beside live's.
		const broadcastAt = new Map<string, number>();
		broker.createService({
			name: "liveBenchProbe",
			events: {
				"notifications.created"(ctx: Context<Events["notifications.created"]>) {
					const at = now();
					for (const { subscriberId } of ctx.params.subscribers) broadcastAt.set(subscriberId, at);
				},
			},
		});

		const job: Job = {
			url: system.url,
			tokens: ids.map((subscriberId) => ({ subscriberId, token: tokens.get(subscriberId) as string })),
			concurrency: connectConcurrency,
		};
		const jobFile = join(data.path, "live-clients.json");
		writeFileSync(jobFile, JSON.stringify(job));
		await sleep(500);
		const before = await serverMemory();

		child = forkClients(jobFile);
		const connected = await nextReport(child, "connected", 150_000);
		if (!connected) throw new Error(`${name}: the clients did not connect within 150 s`);
		if (connected.failed > 0)
			console.error(`${name}: ${connected.failed} sockets failed to connect, first: ${connected.firstError}`);
		await sleep(1_000);
		const idle = await serverMemory();

		// When the server emits each socket's notification: splits server time from transport.
		const live = broker.getLocalService("live") as unknown as { namespace: Namespace };
		const emittedAt = new Map<string, number>();
		for (const socket of live.namespace.sockets.values()) {
			const subscriberId = (socket.data as { subscriberId: string }).subscriberId;
			socket.onAnyOutgoing((event: string) => {
				if (event === "notification" && !emittedAt.has(subscriberId)) emittedAt.set(subscriberId, now());
			});
		}

		const storeAt = new Map<string, number>();
		const storeMs: number[] = [];
		/** Per batch: store call → its first broadcast (persisting the batch, before any delivery). */
		const persistMs: number[] = [];
		let created = 0;
		const first = now();
		for (let i = 0; i < ids.length; i += storeBatch) {
			const matches: Match[] = ids.slice(i, i + storeBatch).map((subscriberId) =>
				matchOf(product, subscriberId, {
					reasons: [{ field: "fundType", operator: "∈", value: "Renda Fixa", bound: ["Renda Fixa"] }],
				}),
			);
			const t = now();
			for (const match of matches) storeAt.set(match.subscriberId, t);
			const result = await broker.call<{ created: number }, object>("notifications.store", {
				publicationId: "bench-live",
				matches,
			});
			storeMs.push(now() - t);
			persistMs.push(Math.min(...matches.map((m) => broadcastAt.get(m.subscriberId) ?? now())) - t);
			created += result.created;
		}
		if (created !== ids.length)
			console.error(`${name}: notifications.store reported ${created} of ${ids.length} as created`);

		const connectedCount = connected.connected;
		child.send({ type: "collect", expected: connectedCount } satisfies ClientCommand);
		let received = await nextReport(child, "received", 60_000);
		if (!received) {
			console.error(`${name}: not every socket got its notification within 60 s after the last store`);
			child.send({ type: "collect", expected: 0 } satisfies ClientCommand);
			received = await nextReport(child, "received", 10_000);
		}
		if (received && received.foreign > 0)
			console.error(`${name}: ${received.foreign} sockets got another subscriber's notification`);
		const times = received?.times ?? [];
		const fromBroadcast: number[] = [];
		const fromStore: number[] = [];
		const serverPart: number[] = [];
		const transportPart: number[] = [];
		let last = first;
		for (const [i, subscriberId] of ids.entries()) {
			const at = times[i] ?? 0;
			if (at === 0) continue;
			last = Math.max(last, at);
			const sent = broadcastAt.get(subscriberId);
			const emitted = emittedAt.get(subscriberId);
			if (sent !== undefined) fromBroadcast.push(at - sent);
			fromStore.push(at - (storeAt.get(subscriberId) ?? at));
			if (sent !== undefined && emitted !== undefined) {
				serverPart.push(emitted - sent);
				transportPart.push(at - emitted);
			}
		}
		for (const list of [fromBroadcast, fromStore, serverPart, transportPart]) list.sort((a, b) => a - b);
		const delivered = fromStore.length;
		const perIdle = (after: number, base: number) => round((after - base) / connectedCount / 1024);
		const gcNote = gc ? "after gc" : "no gc: includes garbage";
		const row = (metric: string, value: number, unit: string): BenchRow => ({
			case: name,
			metric,
			value,
			unit,
		});
		const ms = (value: number) => round(value, value < 10 ? 2 : 1);
		return [
			row("sockets connected", connectedCount, "count"),
			row("sockets refused or failed", connected.failed, "count"),
			row(
				"connect rate (handshake + auth)",
				Math.round(connectedCount / (connected.connectMs / 1000)),
				"1/s",
			),
			row("connect → first unread, rate", Math.round(connectedCount / (connected.readyMs / 1000)), "1/s"),
			row(
				`server heap+external before connecting (baseline, ${gcNote})`,
				round(before.total / 2 ** 20),
				"MB",
			),
			row(
				`server heap+external per idle connection (target < 50, ${gcNote})`,
				perIdle(idle.total, before.total),
				"KB",
			),
			row("server heapUsed per idle connection", perIdle(idle.heapUsed, before.heapUsed), "KB"),
			row("server rss per idle connection", perIdle(idle.rss, before.rss), "KB"),
			row("client process rss per connection", perIdle(connected.rss, connected.rssBefore), "KB"),
			row("notifications delivered", delivered, "count"),
			row("notifications.created → receipt, p50", ms(percentile(fromBroadcast, 50)), "ms"),
			row("notifications.created → receipt, p95", ms(percentile(fromBroadcast, 95)), "ms"),
			row(
				`notifications.created → receipt, p99${sockets >= 10_000 ? " (target < 250)" : ""}`,
				ms(percentile(fromBroadcast, 99)),
				"ms",
			),
			row("  of which created → server emit, p50", ms(percentile(serverPart, 50)), "ms"),
			row("  of which created → server emit, p99", ms(percentile(serverPart, 99)), "ms"),
			row("  of which emit → client receipt, p99", ms(percentile(transportPart, 99)), "ms"),
			row("store call of its batch → receipt, p50", ms(percentile(fromStore, 50)), "ms"),
			row("store call of its batch → receipt, p99", ms(percentile(fromStore, 99)), "ms"),
			row(
				`notifications.store per batch of ${Math.min(storeBatch, sockets)} (incl. live delivery), mean`,
				ms(mean(storeMs)),
				"ms",
			),
			row("  of which persisting the batch (store call → first broadcast), mean", ms(mean(persistMs)), "ms"),
			row("  of which delivering, per subscriber", ms((sum(storeMs) - sum(persistMs)) / ids.length), "ms"),
			row("first store call → last receipt", Math.round(last - first), "ms"),
			row("deliveries per second", Math.round(delivered / ((last - first) / 1000)), "1/s"),
			...(Number.isFinite(fileLimit) ? [row("open-file limit per process (soft)", fileLimit, "count")] : []),
		];
	} finally {
		if (child && child.exitCode === null) {
			const exited = new Promise((resolve) => child?.once("exit", resolve));
			if (child.connected) child.send({ type: "close" } satisfies ClientCommand);
			await Promise.race([exited, sleep(5_000)]);
			if (child.exitCode === null) child.kill();
		}
		await system?.stop();
		data.remove();
	}
}

export async function run(): Promise<BenchRow[]> {
	const fileLimit = openFileLimit();
	const needed = Math.max(...sizes) + 1_000;
	if (!(fileLimit >= needed))
		console.error(
			`live bench: the open-file limit is ${fileLimit} per process; ${Math.max(...sizes)} sockets need about ` +
				`${needed} in each of the server and the client process (raise it with ulimit -n). ` +
				"Sockets past the limit will fail with EMFILE and show as failed.",
		);
	const rows: BenchRow[] = [];
	for (const size of sizes) rows.push(...(await liveCase(size, fileLimit)));
	return rows;
}
