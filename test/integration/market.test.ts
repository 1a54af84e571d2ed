/**
 * prices and metrics through the real yahoo-finance2 client against a local Yahoo that
 * answers in the chart API's format (YAHOO_BASE_URL), on one node and across NATS.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ServiceBroker } from "moleculer";
import { bindConfig } from "../../config.ts";
import { addDays, addMonths, localDate } from "../../domain/dates.ts";
import { brokerOptions } from "../../moleculer.config.ts";
import { loadServiceSchemas } from "../../services/index.ts";
import { startYahooFixture, tradingDays, type YahooFixtureServer } from "../fixtures/yahoo.ts";
import {
	getJson,
	natsUrl,
	type RunningSystem,
	sharedClock,
	startSystem,
	testConfig,
	uniqueNamespace,
} from "../harness.ts";

// The nodes' clock, not the wall's: "today" is the test epoch's day.
const today = localDate(new Date(sharedClock.now()));
const start = addMonths(today, -14);
// PETR4 rises 0.1% a day and pays 1.00 a quarter; BOVA11 has a day without trades.
const petr = tradingDays(start, today, (i) => Math.round(20 * 1.001 ** i * 100) / 100, 1_000_000);
const bova = tradingDays(start, today, (i) => 100 + (i % 5));
const hole = bova.length - 10;
bova[hole] = { date: bova[hole]?.date as string, close: null, adjClose: null, volume: null };
const dividends = [3, 6, 9, 12].map((m) => ({
	date: petr[petr.length - 1 - m * 21]?.date as string,
	amount: 1,
}));

describe("market data against a local Yahoo", () => {
	let yahoo: YahooFixtureServer;
	let system: RunningSystem;

	before(async () => {
		yahoo = await startYahooFixture([
			{ symbol: "PETR4.SA", name: "Petróleo Brasileiro S.A. - Petrobras", days: petr, dividends },
			{ symbol: "BOVA11.SA", days: bova },
		]);
		system = await startSystem({ YAHOO_BASE_URL: yahoo.url, YAHOO_TIMEOUT_MS: "500" });
	});
	after(async () => {
		await system.stop();
		await yahoo.close();
	});

	it("returns the 13 months ending today, oldest first, with dividends, and drops days without trades", async () => {
		const { status, body } = await getJson(`${system.url}/api/prices/bova11`);
		assert.equal(status, 200);
		assert.equal(body.symbol, "BOVA11.SA");
		assert.equal(body.ticker, "BOVA11");
		const from = addMonths(today, -13);
		const expected = bova.filter((d) => d.date >= from && d.close !== null);
		assert.equal(body.points.length, expected.length);
		assert.equal(body.points[0].date, expected[0]?.date);
		assert.equal(body.points.at(-1).date, expected.at(-1)?.date);
		assert.ok(
			!body.points.some((p: { date: string }) => p.date === bova[hole]?.date),
			"the null day is dropped",
		);
		assert.ok(body.points.every((p: { close: number }) => p.close > 0));

		const petrHistory = await getJson(
			`${system.url}/api/prices/PETR4?from=${addMonths(today, -12)}&to=${today}`,
		);
		assert.equal(petrHistory.body.name, "Petróleo Brasileiro S.A. - Petrobras");
		assert.equal(petrHistory.body.dividends.length, 4);
	});

	it("computes metrics from that history", async () => {
		const { status, body } = await getJson(`${system.url}/api/metrics/PETR4`);
		assert.equal(status, 200);
		const last = petr.at(-1)?.close as number;
		assert.equal(body.baseDate, petr.at(-1)?.date);
		assert.ok(Math.abs(body.dividendYield - 4 / last) < 1e-12, String(body.dividendYield));
		assert.equal(body.partial, false);
		assert.ok(body.meanDailyReturn > 0.0009 && body.meanDailyReturn < 0.0011, String(body.meanDailyReturn));
		assert.equal(body.meanDailyVolume, 1_000_000);
		assert.equal(body.maxDrawdown, 0);
	});

	it("answers a batch with one result or one error per ticker", async () => {
		const results = await system.broker.call<Record<string, { error?: string; code?: number }>, object>(
			"metrics.computeMany",
			{
				tickers: ["PETR4", "NOPE3", "bova11"],
			},
		);
		assert.equal(results.PETR4?.error, undefined);
		assert.equal(results.BOVA11?.error, undefined);
		assert.equal(results.NOPE3?.code, 404);
		assert.match(results.NOPE3?.error ?? "", /NOPE3/);
	});

	it("rejects bad params with 422 and unknown tickers with 404", async () => {
		for (const query of ["from=2025-13-01", "from=2025-02-01&to=2025-01-01", "to=yesterday"]) {
			const { status, body } = await getJson(`${system.url}/api/prices/PETR4?${query}`);
			assert.equal(status, 422, query);
			assert.match(body.error.data[0].message, /from|to/);
		}
		await assert.rejects(system.broker.call("prices.history", { ticker: "" }), { code: 422 });
		const unknown = await getJson(`${system.url}/api/prices/NOPE3`);
		assert.equal(unknown.status, 404);
		assert.equal(unknown.body.error.type, "UNKNOWN_TICKER");
		assert.match(unknown.body.error.message, /NOPE3/);
		const asked = yahoo.requests.get("NOPE3.SA");
		assert.equal((await getJson(`${system.url}/api/prices/NOPE3`)).status, 404);
		assert.equal(yahoo.requests.get("NOPE3.SA"), asked, "an unknown ticker is remembered, not asked again");
		const badDate = await getJson(`${system.url}/api/metrics/PETR4?baseDate=2025-02-30`);
		assert.equal(badDate.status, 422);
	});

	it("makes one upstream request for many concurrent requests of one ticker and range, then serves the cache", async () => {
		yahoo.delay(200);
		const before = yahoo.requests.get("PETR4.SA") ?? 0;
		const from = addMonths(today, -6);
		const answers = await Promise.all(
			Array.from({ length: 50 }, () =>
				system.broker.call<{ points: unknown[] }, object>("prices.history", { ticker: "PETR4", from }),
			),
		);
		assert.equal((yahoo.requests.get("PETR4.SA") ?? 0) - before, 1);
		assert.ok(answers.every((a) => a.points.length === answers[0]?.points.length));
		await system.broker.call("prices.history", { ticker: "PETR4", from });
		assert.equal((yahoo.requests.get("PETR4.SA") ?? 0) - before, 1, "the cache answers afterwards");
		yahoo.delay(0);
	});

	it("retries a transient failure with backoff and answers", async () => {
		const before = yahoo.requests.get("BOVA11.SA") ?? 0;
		yahoo.failNext(2, 502);
		const history = await system.broker.call<{ points: unknown[] }, object>("prices.history", {
			ticker: "BOVA11",
			from: addDays(today, -10),
		});
		assert.ok(history.points.length > 0);
		assert.equal((yahoo.requests.get("BOVA11.SA") ?? 0) - before, 3, "two failures, then the answer");
	});

	it("opens the circuit when Yahoo keeps failing (fast 503s), and closes it when Yahoo answers again", async () => {
		yahoo.failWith(503);
		const ask = (i: number) =>
			system.broker.call("prices.history", { ticker: "PETR4", from: addDays(today, -30 - i) }).then(
				() => ({ code: 200 }),
				(err: { code: number; type: string }) => err,
			);
		for (let i = 0; i < 3; i++) {
			const err = await ask(i);
			assert.equal(err.code, 503);
		}
		const state = await system.broker.call<{ state: string }>("prices.upstream");
		assert.equal(state.state, "open");
		const requestsWhenOpen = yahoo.requests.get("PETR4.SA") ?? 0;
		const started = Date.now();
		const fast = (await ask(10)) as { code: number; type: string };
		assert.equal(fast.code, 503);
		assert.equal(fast.type, "PRICE_SOURCE_UNAVAILABLE");
		assert.ok(Date.now() - started < 100, "an open circuit fails fast");
		assert.equal(yahoo.requests.get("PETR4.SA") ?? 0, requestsWhenOpen, "and does not call Yahoo");

		yahoo.failWith(undefined);
		const service = system.broker.getLocalService("prices") as unknown as { upstream: { state(): string } };
		// Half-open after the reset timeout: one call goes through and closes the circuit.
		await new Promise((resolve) => setTimeout(resolve, 10_500));
		const recovered = await ask(20);
		assert.equal(recovered.code, 200);
		assert.equal(service.upstream.state(), "closed");
	});

	it("times out a Yahoo that never answers and says the source is unavailable", async () => {
		yahoo.failWith("hang");
		const err = await system.broker
			.call("prices.history", { ticker: "BOVA11", from: addDays(today, -3) })
			.catch((e: { code: number; data: { reason: string } }) => e);
		yahoo.failWith(undefined);
		assert.equal((err as { code: number }).code, 503);
		assert.match((err as { data: { reason: string } }).data.reason, /timed out|circuit/);
	});

	it("serves deterministic, labelled sample series with PRICES_PROVIDER=sample", async () => {
		const sample = await startSystem({ PRICES_PROVIDER: "sample", SERVICES: "prices,metrics" });
		try {
			const a = await sample.broker.call<{ name: string; points: { close: number }[] }, object>(
				"prices.history",
				{ ticker: "HGLG11" },
			);
			const b = await sample.broker.call<{ points: { close: number }[] }, object>("prices.history", {
				ticker: "HGLG11",
				from: addMonths(today, -13),
			});
			assert.match(a.name, /sample/i);
			assert.deepEqual(a.points, b.points);
			const m = await sample.broker.call<{ dividendYield: number }, object>("metrics.compute", {
				ticker: "HGLG11",
			});
			assert.ok(m.dividendYield > 0);
		} finally {
			await sample.stop();
		}
	});
});

describe("a Redis cache shared by prices nodes (CACHER=redis://…)", () => {
	it("answers a second node from the history the first one fetched", async () => {
		const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
		const yahoo = await startYahooFixture([{ symbol: "VALE3.SA", days: petr }]);
		const namespace = uniqueNamespace();
		const env = { CACHER: redisUrl, YAHOO_BASE_URL: yahoo.url, SERVICES: "prices", NAMESPACE: namespace };
		const [one, two] = [await startSystem(env), await startSystem(env)];
		try {
			const first = await one.broker.call<{ points: unknown[] }, object>("prices.history", {
				ticker: "VALE3",
			});
			const second = await two.broker.call<{ points: unknown[] }, object>("prices.history", {
				ticker: "VALE3",
			});
			assert.equal(second.points.length, first.points.length);
			assert.equal(yahoo.requests.get("VALE3.SA"), 1);
		} finally {
			await one.broker.cacher?.clean();
			await Promise.all([one.stop(), two.stop()]);
			await yahoo.close();
		}
	});
});

describe("metrics and prices on different nodes over NATS", () => {
	it("computes metrics on one node from prices fetched by another", async () => {
		const yahoo = await startYahooFixture([{ symbol: "PETR4.SA", days: petr, dividends }]);
		const namespace = uniqueNamespace();
		const nodes: ServiceBroker[] = [];
		try {
			for (const [id, service] of [
				["market-prices", "prices"],
				["market-metrics", "metrics"],
			] as const) {
				const config = testConfig({
					TRANSPORTER: natsUrl,
					NAMESPACE: namespace,
					NODE_ID: id,
					YAHOO_BASE_URL: yahoo.url,
					LOG_LEVEL: "error",
				});
				const broker = new ServiceBroker(brokerOptions(config));
				bindConfig(broker, config);
				for (const schema of await loadServiceSchemas(service)) broker.createService(schema);
				nodes.push(broker);
			}
			await Promise.all(nodes.map((n) => n.start()));
			const [prices, metrics] = nodes as [ServiceBroker, ServiceBroker];
			await metrics.waitForServices("prices", 10_000);
			const m = await metrics.call<{ baseDate: string; dividendYield: number }, object>("metrics.compute", {
				ticker: "PETR4",
			});
			assert.equal(m.baseDate, petr.at(-1)?.date);
			assert.ok(Math.abs(m.dividendYield - 4 / (petr.at(-1)?.close as number)) < 1e-12);
			assert.equal(metrics.getLocalService("prices"), undefined);
			assert.equal(yahoo.requests.get("PETR4.SA"), 1);
			assert.ok(prices.getLocalService("prices"));
		} finally {
			await Promise.all(nodes.map((n) => n.stop()));
			await yahoo.close();
		}
	});
});
