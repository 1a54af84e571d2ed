/** matcher.preview through the running system: the live preview a client sees while editing interests. */
import type { Interests } from "../domain/interests.ts";
import { startSystem, tempDir } from "../test/harness.ts";
import { benchFund } from "./funds.ts";
import type { BenchRow } from "./table.ts";

/** matcher.preview over 30 days of publications (30 × 300 products), p95 of 100 calls. */
export async function preview(): Promise<BenchRow[]> {
	const data = tempDir("insights-bench-");
	const system = await startSystem({ DATA_DIR: data.path, LOG_LEVEL: "error" });
	try {
		const now = Date.now();
		for (let day = 0; day < 30; day++) {
			const at = new Date(now - day * 86_400_000).toISOString();
			const products = Array.from({ length: 300 }, (_, i) => benchFund(day * 300 + i, at));
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
