/**
 * Market data speed: metrics per second for 500 tickers × 1 year of history served from
 * the cache, against a baseline of fetching the same cached histories without computing;
 * and how many upstream requests 100 concurrent requests for one uncached ticker make.
 */
import { addMonths, localDate } from "../domain/dates.ts";
import { startYahooFixture, tradingDays } from "../test/fixtures/yahoo.ts";
import { startSystem } from "../test/harness.ts";
import type { BenchRow } from "./table.ts";

const TICKERS = 500;

export async function run(): Promise<BenchRow[]> {
	const today = localDate(new Date());
	const start = addMonths(today, -13);
	const series = Array.from({ length: TICKERS }, (_, t) => ({
		symbol: `T${String(t).padStart(3, "0")}A4.SA`,
		days: tradingDays(start, today, (i) => 10 + ((i * (t + 1)) % 17) / 10, 1000 + t),
		dividends: [{ date: addMonths(today, -2), amount: 0.5 }],
	}));
	const tickers = series.map((s) => s.symbol.replace(".SA", ""));
	// Known to Yahoo, never asked for before the concurrency case.
	const fresh = { symbol: "NEW3.SA", days: tradingDays(start, today, (i) => 5 + (i % 3)) };
	const yahoo = await startYahooFixture([...series, fresh]);
	const system = await startSystem({
		YAHOO_BASE_URL: yahoo.url,
		SERVICES: "prices,metrics",
		LOG_LEVEL: "error",
	});
	try {
		// Warm the cache: every history fetched once.
		await system.broker.call("metrics.computeMany", { tickers });

		let t0 = performance.now();
		for (const ticker of tickers) await system.broker.call("prices.history", { ticker });
		const fetchOnly = TICKERS / ((performance.now() - t0) / 1000);

		t0 = performance.now();
		for (const ticker of tickers) await system.broker.call("metrics.compute", { ticker });
		const sequential = TICKERS / ((performance.now() - t0) / 1000);

		t0 = performance.now();
		await system.broker.call("metrics.computeMany", { tickers });
		const batch = TICKERS / ((performance.now() - t0) / 1000);

		yahoo.delay(100);
		await Promise.all(
			Array.from({ length: 100 }, () => system.broker.call("prices.history", { ticker: "NEW3" })),
		);
		const upstream = yahoo.requests.get("NEW3.SA") ?? 0;

		return [
			{
				case: "baseline: cached history only, 500 tickers",
				metric: "throughput",
				value: Math.round(fetchOnly),
				unit: "tickers/s",
			},
			{
				case: "metrics.compute, cached, one by one",
				metric: "throughput",
				value: Math.round(sequential),
				unit: "tickers/s",
			},
			{
				case: "metrics.computeMany, cached, 500 tickers",
				metric: "throughput",
				value: Math.round(batch),
				unit: "tickers/s",
			},
			{
				case: "100 concurrent requests, one uncached ticker",
				metric: "upstream requests",
				value: upstream,
				unit: "requests",
			},
		];
	} finally {
		await system.stop();
		await yahoo.close();
	}
}
