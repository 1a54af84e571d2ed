/**
 * End to end in the embedded default: 100,000 verified subscribers and one 200-product
 * publication, from products.publish to every notification persisted. Subscribers are
 * written straight into the subscribers store (registering 100k by e-mail is not what is
 * measured); everything after that is the running system.
 */
import { randomUUID } from "node:crypto";
import type { Interests } from "../domain/interests.ts";
import type { Product } from "../domain/product.ts";
import { defaultPreferences } from "../domain/subscriber.ts";
import { matchOne } from "../services/matcher/reference.ts";
import { sharedClock, startSystem, tempDir } from "../test/harness.ts";
import type { BenchRow } from "./table.ts";

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 100_000);
const PRODUCTS = 200;
const fundTypes = ["Renda Fixa", "Multimercado", "Ações", "Cambial", "Previdência", "Crédito Privado"];

/** About 1% of subscribers match a product: a fund type (1 in 6) and a fee band (about 1 in 17). */
function interestsOf(i: number): Interests {
	const low = (i % 17) / 1000;
	return {
		fund: {
			fundType: { in: [fundTypes[i % fundTypes.length] as string] },
			adminFee: { min: low, max: low + 0.001 },
		},
	};
}

function product(i: number, collectedAt: string): Product {
	return {
		id: `bench:fund:${i}`,
		source: "bench",
		category: "fund",
		nativeId: String(i),
		name: `Fundo ${i}`,
		fundType: fundTypes[i % fundTypes.length],
		adminFee: ((i * 7) % 17) / 1000 + 0.0005,
		riskLevel: 2,
		collectedAt,
	};
}

export async function pipeline(): Promise<BenchRow[]> {
	const data = tempDir("insights-bench-");
	const now = new Date().toISOString();
	const subscriptions = Array.from({ length: SUBSCRIBERS }, (_, i) => ({
		subscriberId: randomUUID(),
		riskProfile: "moderate" as const,
		interests: interestsOf(i),
	}));
	// The store first, without a matcher: its index is built from the store when it starts.
	const seeding = await startSystem({ DATA_DIR: data.path, SERVICES: "subscribers", LOG_LEVEL: "error" });
	const store = seeding.broker.getLocalService("subscribers") as unknown as {
		adapter: { insertMany(docs: object[]): Promise<unknown> };
	};
	for (let i = 0; i < subscriptions.length; i += 5_000) {
		await store.adapter.insertMany(
			subscriptions.slice(i, i + 5_000).map((s, j) => ({
				_id: s.subscriberId,
				email: `bench-${i + j}@example.com`,
				name: `Bench ${i + j}`,
				locale: "pt-BR",
				status: "verified",
				riskProfile: s.riskProfile,
				interests: s.interests,
				preferences: defaultPreferences,
				consent: { version: "bench", acceptedAt: now },
				createdAt: now,
				updatedAt: now,
				pendingLinks: [],
			})),
		);
	}
	await seeding.stop();

	const products = Array.from({ length: PRODUCTS }, (_, i) => product(i, now));
	// Subscribers without a questionnaire count as conservative: these funds (risk 2) reach them.
	const at = sharedClock.now();
	const expected = products.reduce(
		(sum, p) => sum + subscriptions.filter((s) => matchOne(s, p, at) !== undefined).length,
		0,
	);
	const t0 = performance.now();
	const system = await startSystem({
		DATA_DIR: data.path,
		LOG_LEVEL: process.env.BENCH_LOG ?? "error",
		DIGEST_SWEEP_SECONDS: "3600",
		...(process.env.BENCH_SERVICES ? { SERVICES: process.env.BENCH_SERVICES } : {}),
	});
	const startMs = performance.now() - t0;
	try {
		const notifications = system.broker.getLocalService("notifications") as unknown as {
			adapter: { count(filter: object): Promise<number> };
		};
		const t1 = performance.now();
		await system.broker.call("products.publish", { id: "bench", sources: ["bench"], products });
		let stored = 0;
		while (stored < expected) {
			// Counting scans the collection (publicationId is not indexed): poll gently.
			await new Promise((resolve) => setTimeout(resolve, 250));
			stored = await notifications.adapter.count({ query: { publicationId: "bench" } });
			if (performance.now() - t1 > Number(process.env.BENCH_TIMEOUT ?? 300_000))
				throw new Error(`only ${stored} of ${expected} after 5 minutes`);
		}
		const wall = performance.now() - t1;
		const name = `e2e embedded: ${SUBSCRIBERS / 1000}k subscribers × ${PRODUCTS} products`;
		return [
			{ case: name, metric: "node start incl. index build", value: Math.round(startMs), unit: "ms" },
			{ case: name, metric: "notifications persisted", value: stored, unit: "count" },
			{ case: name, metric: "publish → inbox persisted, wall time", value: Math.round(wall), unit: "ms" },
			{
				case: name,
				metric: "notifications per second",
				value: Math.round(stored / (wall / 1000)),
				unit: "1/s",
			},
		];
	} finally {
		await system.stop();
		data.remove();
	}
}

/** matcher.preview over 30 days of publications (30 × 300 products), p95 of 100 calls. */
export async function preview(): Promise<BenchRow[]> {
	const data = tempDir("insights-bench-");
	const system = await startSystem({ DATA_DIR: data.path, LOG_LEVEL: "error" });
	try {
		const now = Date.now();
		for (let day = 0; day < 30; day++) {
			const at = new Date(now - day * 86_400_000).toISOString();
			const products = Array.from({ length: 300 }, (_, i) => product(day * 300 + i, at));
			await system.broker.call("products.publish", {
				id: `day-${day}`,
				sources: ["bench"],
				products,
				publishedAt: at,
			});
		}
		const interests: Interests = {
			fund: { fundType: { in: ["Renda Fixa", "Ações"] }, adminFee: { max: 0.008 } },
		};
		const times: number[] = [];
		let count = 0;
		for (let i = 0; i < 100; i++) {
			const t0 = performance.now();
			const result = await system.broker.call<{ count: number }, object>("matcher.preview", {
				interests,
				riskProfile: "moderate",
				days: 30,
			});
			times.push(performance.now() - t0);
			count = result.count;
		}
		times.sort((a, b) => a - b);
		const name = "matcher.preview, 30 days × 300 products";
		return [
			{ case: name, metric: "products matched", value: count, unit: "count" },
			{ case: name, metric: "p50 latency", value: Number((times[49] ?? 0).toFixed(2)), unit: "ms" },
			{
				case: name,
				metric: "p95 latency (target < 100)",
				value: Number((times[94] ?? 0).toFixed(2)),
				unit: "ms",
			},
		];
	} finally {
		await system.stop();
		data.remove();
	}
}
