/**
 * Hostile: far dates and huge ranges on every route that takes a date. Each answers a clear
 * 422 at once and changes nothing; the node keeps answering. (Before the fix, 9999-12-31
 * + 1 day became "+010000-01-01", which sorts earlier, and the day loops never ended: one
 * unauthenticated GET took the node down.)
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { addDays, isIsoDate } from "../../domain/dates.ts";
import { getJson, type RunningSystem, startSystem } from "../harness.ts";

describe("far dates and huge ranges", () => {
	let system: RunningSystem;
	before(async () => {
		system = await startSystem({ PRICES_PROVIDER: "sample" });
	});
	after(() => system.stop());

	it("keeps day arithmetic inside four-digit years, and dates inside a sane range", () => {
		assert.throws(() => addDays("9999-12-31", 1), RangeError);
		assert.equal(addDays("2199-12-31", 1), "2200-01-01");
		for (const date of ["9999-12-31", "0000-01-01", "1899-12-31", "2200-01-01", "+10000-01-01"])
			assert.equal(isIsoDate(date), false, date);
		for (const date of ["1900-01-01", "2026-12-01", "2199-12-31"]) assert.equal(isIsoDate(date), true, date);
	});

	for (const path of [
		"/api/analytics/frequency?from=9999-12-31&to=9999-12-31",
		"/api/analytics/frequency?to=9999-12-31",
		"/api/analytics/frequency?from=0001-01-01&to=2026-12-01",
		"/api/analytics/frequency?from=1900-01-01&to=2199-12-31",
		"/api/prices/PETR4?to=9999-12-31",
		"/api/prices/PETR4?from=0000-01-01",
		"/api/prices/PETR4?from=1900-01-01&to=2199-12-31",
		"/api/metrics/PETR4?baseDate=9999-12-31",
		"/api/metrics/PETR4?baseDate=0000-01-01",
	])
		it(`answers 422 at once: GET ${path}`, async () => {
			const started = performance.now();
			const { status, body } = await getJson(`${system.url}${path}`);
			assert.equal(status, 422, JSON.stringify(body));
			assert.equal(typeof body.error.message, "string");
			assert.ok(performance.now() - started < 2_000, "refused before any work");
			assert.equal((await getJson(`${system.url}/api/health`)).status, 200, "the node still answers");
		});

	it("still answers the largest ranges it accepts, quickly", async () => {
		const frequency = await getJson(`${system.url}/api/analytics/frequency?from=2197-01-01&to=2198-12-31`);
		assert.equal(frequency.status, 200);
		const prices = await getJson(`${system.url}/api/prices/PETR4?from=2179-12-31&to=2199-12-31`);
		assert.equal(prices.status, 200);
	});
});

describe("the in-memory cache under distinct keys", () => {
	it("keeps at most CACHE_MAX_ENTRIES entries however many distinct price ranges are asked", async () => {
		const system = await startSystem({ PRICES_PROVIDER: "sample", CACHE_MAX_ENTRIES: "20" });
		try {
			for (let i = 0; i < 120; i++) {
				const to = addDays("2026-11-30", -i);
				assert.equal((await getJson(`${system.url}/api/prices/PETR4?to=${to}`)).status, 200);
			}
			const cacher = system.broker.cacher as unknown as { cache: { size: number } };
			assert.ok(cacher.cache.size <= 20, `${cacher.cache.size} entries`);
			assert.ok(cacher.cache.size >= 10, "the cache still caches");
		} finally {
			await system.stop();
		}
	});
});
