/**
 * Analytics at 1,000,000 notifications (20,000 subscribers × 1,000 products over a year) on
 * the embedded default: ingest rate against a baseline of only inserting the same documents
 * into a bare NeDB store; then `frequency` over a year and `top` over 30 days through the
 * broker (p95, target < 50 ms each) against a recount over the raw facts; then the
 * rebuild at start and the memory per notification; then folding: the facts older than the
 * window (90 days) folded, and a year later all 1,000,000 of them, with the restart from
 * the folded counters (target < 2 s) beside the restart from the facts themselves.
 */
import { join } from "node:path";
import NeDB from "@seald-io/nedb";
import type { ServiceBroker } from "moleculer";
import { type DistributionBatch, distributionBatch } from "../domain/contracts.ts";
import { addDays, localDate } from "../domain/dates.ts";
import { categories, type Product } from "../domain/product.ts";
import {
	type NotificationFact,
	notifiedGroups,
	readFacts,
	type StoredNotificationDay,
	storedNotificationDays,
} from "../services/analytics/facts.ts";
import { type RunningSystem, startSystem, tempDir, testClock } from "../test/harness.ts";
import type { BenchRow } from "./table.ts";

const Datastore = NeDB as unknown as typeof NeDB.default;

const NOTIFICATIONS = 1_000_000;
const SUBSCRIBERS = 20_000;
const PRODUCTS = 1_000;
const BATCH = 2_000;
const sources = ["btg-funds", "xp-funds", "house"];
/** The system's clock: the facts are dated by it, and a year later they are all old. */
const clock = testClock();
const today = localDate(new Date(clock.now()));
const day = 86_400_000;

function products(): Product[] {
	return Array.from({ length: PRODUCTS }, (_, i) => {
		const source = sources[i % sources.length] as string;
		return {
			id: `${source}:fund:${i}`,
			source,
			category: "fund",
			nativeId: String(i),
			name: `Fundo ${i}`,
			collectedAt: new Date(clock.now()).toISOString(),
		};
	});
}

/** Batch `b` of the year: one publication per day, notifications spread over the days. */
function batch(b: number): DistributionBatch {
	const day = addDays(today, -(b % 365));
	return distributionBatch(
		`pub-${b}`,
		Array.from({ length: BATCH }, (_, i) => {
			const n = b * BATCH + i;
			// Skewed towards low product numbers, so the ranking has a head and a tail.
			const product = Math.floor((PRODUCTS * ((n * 7919) % 10_007) ** 2) / 10_007 ** 2);
			const source = sources[product % sources.length];
			return {
				subscriberId: `sub-${String((n * 31) % SUBSCRIBERS).padStart(6, "0")}`,
				productId: `${source}:fund:${product}`,
				category: categories[2],
				createdAt: `${day}T15:00:00.000Z`,
			};
		}),
	);
}

function p95(samples: number[]): number {
	const sorted = [...samples].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length * 0.95)] as number;
}

async function latency(fn: () => Promise<unknown>, runs = 100): Promise<number> {
	for (let i = 0; i < 10; i++) await fn();
	const samples: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t0 = performance.now();
		await fn();
		samples.push(performance.now() - t0);
	}
	return p95(samples);
}

type Analytics = {
	ingestDistributions(batch: DistributionBatch): Promise<void>;
	foldOldFacts(): Promise<number>;
};
const analyticsOf = (system: RunningSystem) =>
	system.broker.getLocalService("analytics") as unknown as Analytics;

function heapUsed(): number {
	global.gc?.();
	return process.memoryUsage().heapUsed;
}

export async function run(): Promise<BenchRow[]> {
	const batches = NOTIFICATIONS / BATCH;

	// Baseline: the same documents into a bare NeDB store, nothing else.
	const bare = tempDir();
	const store = new Datastore({ filename: join(bare.path, "bare.db"), autoload: true });
	let t0 = performance.now();
	for (let b = 0; b < batches; b++) await store.insertAsync(storedNotificationDays(notifiedGroups(batch(b))));
	const baseline = NOTIFICATIONS / ((performance.now() - t0) / 1000);
	t0 = performance.now();
	await new Datastore({ filename: join(bare.path, "bare.db") }).loadDatabaseAsync();
	const baselineLoad = (performance.now() - t0) / 1000;
	await store.dropDatabaseAsync();
	bare.remove();

	const data = tempDir();
	const env = { SERVICES: "analytics,products", DATA_DIR: data.path, LOG_LEVEL: "error" };
	// Nothing folds while the year is ingested: facts this old could not arrive otherwise.
	let system: RunningSystem = await startSystem({ ...env, ANALYTICS_FOLD_DAYS: "3650" }, clock);
	try {
		await system.broker.call("products.publish", { id: "catalogue", sources, products: products() });
		const heapBefore = heapUsed();
		const analytics = analyticsOf(system);
		t0 = performance.now();
		for (let b = 0; b < batches; b++) await analytics.ingestDistributions(batch(b));
		const ingest = NOTIFICATIONS / ((performance.now() - t0) / 1000);
		const heapPerNotification = (heapUsed() - heapBefore) / NOTIFICATIONS;

		const broker: ServiceBroker = system.broker;
		const yearAgo = addDays(today, -364);
		const frequencyCategory = await latency(() =>
			broker.call("analytics.frequency", { from: yearAgo, to: today, groupBy: "category" }),
		);
		const frequencySource = await latency(() =>
			broker.call("analytics.frequency", { from: yearAgo, to: today, groupBy: "source" }),
		);
		const top30 = await latency(() => broker.call("analytics.top", { period: "30d", limit: 10 }));
		const topAll = await latency(() => broker.call("analytics.top", { period: "all", limit: 100 }));

		// Baseline for `top`: a recount over the stored facts (what a query without counters does).
		const stored = await (
			broker.getLocalService("analytics") as unknown as {
				adapter: { find(q: object): Promise<StoredNotificationDay[]> };
			}
		).adapter.find({ query: { kind: "notifications" } });
		const facts = stored.flatMap((doc) => readFacts(doc) as NotificationFact[]);
		const since = addDays(today, -29);
		const recount = await latency(async () => {
			const reached = new Map<string, Set<string>>();
			for (const f of facts)
				if (f.day >= since)
					reached.set(f.productId, (reached.get(f.productId) ?? new Set()).add(f.subscriberId));
			return [...reached].sort((a, b) => b[1].size - a[1].size).slice(0, 10);
		}, 5);

		// The facts are stored as the service stores them (a document per publication and day).
		await system.broker.stop();
		t0 = performance.now();
		system = await startSystem(env, clock);
		const rebuild = (performance.now() - t0) / 1000;
		// The default window: the facts before the last 90 days fold (at start, in the background).
		t0 = performance.now();
		const foldedOlder = await analyticsOf(system).foldOldFacts();
		const foldWindow = (performance.now() - t0) / 1000;

		// A year and a window later every fact is old: all fold, then a restart from the counters.
		await system.broker.stop();
		clock.advance(456 * day);
		system = await startSystem(env, clock);
		await analyticsOf(system).foldOldFacts();
		await system.broker.stop();
		// Against the same system on an empty store.
		const empty = tempDir();
		const emptySystem = await startSystem({ ...env, DATA_DIR: empty.path }, clock);
		const heapEmpty = heapUsed();
		await emptySystem.stop();
		empty.remove();
		t0 = performance.now();
		system = await startSystem(env, clock);
		const restartFolded = (performance.now() - t0) / 1000;
		const heapFolded = heapUsed() - heapEmpty;

		return [
			{
				case: "baseline: bare NeDB insert of the facts",
				metric: "throughput",
				value: Math.round(baseline),
				unit: "notifications/s",
			},
			{
				case: "ingest 1,000,000 notifications",
				metric: "throughput",
				value: Math.round(ingest),
				unit: "notifications/s",
			},
			{ case: "ingest vs baseline", metric: "ratio", value: ingest / baseline, unit: "x" },
			{
				case: "heap per notification (stored facts + counters)",
				metric: "memory",
				value: Math.round(heapPerNotification),
				unit: "bytes",
			},
			{ case: "frequency, 365 days by category", metric: "p95", value: frequencyCategory, unit: "ms" },
			{ case: "frequency, 365 days by source", metric: "p95", value: frequencySource, unit: "ms" },
			{ case: "top 10, 30 days", metric: "p95", value: top30, unit: "ms" },
			{ case: "top 100, all time", metric: "p95", value: topAll, unit: "ms" },
			{ case: "baseline: top 10, 30 days by recount", metric: "p95", value: recount, unit: "ms" },
			{ case: "top 30 days vs recount", metric: "speedup", value: recount / top30, unit: "x" },
			{ case: "baseline: NeDB loads the bare facts file", metric: "time", value: baselineLoad, unit: "s" },
			{ case: "restart: load and rebuild from 1,000,000 facts", metric: "time", value: rebuild, unit: "s" },
			{
				case: `fold the ${foldedOlder.toLocaleString("en")} facts older than 90 days`,
				metric: "time",
				value: foldWindow,
				unit: "s",
			},
			{ case: "restart: all 1,000,000 facts folded", metric: "time", value: restartFolded, unit: "s" },
			{
				case: "restart folded vs from the facts",
				metric: "speedup",
				value: rebuild / restartFolded,
				unit: "x",
			},
			{
				case: "heap: system with 1,000,000 facts folded minus on an empty store",
				metric: "memory",
				value: Math.round(heapFolded / 1024 / 1024),
				unit: "MB",
			},
		];
	} finally {
		await system.stop();
		data.remove();
	}
}
