/**
 * A newcomer's first start of the embedded default: the bundled sources file
 * (config/sources.json) with its hosts moved to loopback, a fresh DATA_DIR, nobody
 * pressing "run now". Products arrive within the minute when the sources answer; when
 * every source refuses, the API the SPA reads names each failed source and why.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { defaultSourcesFile } from "../../config.ts";
import { type BrokerFixture, btgFund, startBrokerFixture, xpFund } from "../fixtures/brokers.ts";
import { startYahooFixture, type YahooFixtureServer } from "../fixtures/yahoo.ts";
import { freePort, getJson, type RunningSystem, startSystem, tempDir, waitFor } from "../harness.ts";

interface SourceEntry {
	name: string;
	url?: string;
	path?: string;
	enabled?: boolean;
}

/** The bundled sources file, every host replaced by `origin`, every file made absolute. */
function bundledSourcesAt(origin: string, dir: string, missingFiles = false): string {
	const raw = JSON.parse(readFileSync(defaultSourcesFile, "utf8")) as { sources: SourceEntry[] };
	for (const source of raw.sources) {
		if (source.url) {
			const url = new URL(source.url);
			source.url = `${origin}${url.pathname}${url.search}`;
		}
		if (source.path)
			source.path = missingFiles
				? join(dir, "missing.csv")
				: join(join(defaultSourcesFile, ".."), source.path);
	}
	const file = join(dir, "sources.json");
	writeFileSync(file, JSON.stringify(raw));
	return file;
}

describe("the embedded default's first start", () => {
	const cleanups: (() => Promise<void> | void)[] = [];
	after(async () => {
		for (const cleanup of cleanups.reverse()) await cleanup();
	});

	it("collects at start: products within a minute without anyone asking", { timeout: 90_000 }, async () => {
		const site: BrokerFixture = await startBrokerFixture({
			"/services/public/funds/": {
				body: JSON.stringify([btgFund({ id: 1 }), btgFund({ id: 2, product: "BTG Dois FI" })]),
			},
			"/investment-funds/yield-portal/v2/investment-funds": {
				body: JSON.stringify({ data: [xpFund()] }),
				requireHeader: ["ocp-apim-subscription-key", "xp-key-for-tests"],
			},
		});
		const yahoo: YahooFixtureServer = await startYahooFixture([]);
		const dir = tempDir();
		cleanups.push(
			() => site.stop(),
			() => yahoo.close(),
			() => dir.remove(),
		);
		const started = performance.now();
		const system: RunningSystem = await startSystem({
			DATA_DIR: join(dir.path, "data"),
			SOURCES_FILE: bundledSourcesAt(site.url, dir.path),
			XP_API_KEY: "xp-key-for-tests",
			YAHOO_BASE_URL: yahoo.url,
		});
		cleanups.push(() => system.stop());

		const products = await waitFor(
			async () => {
				const { body } = await getJson(`${system.url}/api/products?pageSize=100`);
				return body.total >= 13 && body;
			},
			{ timeoutMs: 60_000, what: "the bundled sources' products" },
		);
		assert.ok(performance.now() - started < 60_000);
		const sources = new Set(products.rows.map((p: { source: string }) => p.source));
		for (const name of ["btg-funds", "xp-funds", "house-picks"]) assert.ok(sources.has(name), name);

		const runs = await getJson(`${system.url}/api/collector/runs`);
		assert.equal(runs.body.total, 1, "one run, at start");
		assert.equal(runs.body.rows[0].trigger, "schedule");
		const status = await getJson(`${system.url}/api/collector/status`);
		assert.deepEqual(status.body.failing, []);
		assert.ok(status.body.sources.every((s: { status: string }) => s.status === "ok"));
	});

	it("names every source that refused, and why, where the SPA reads it", { timeout: 90_000 }, async () => {
		// BTG's host refuses connections; XP's answers 403 (no browser headers, SOURCES.md).
		const closedPort = await freePort();
		const site = await startBrokerFixture({
			"/investment-funds/yield-portal/v2/investment-funds": { status: 403, body: '{"message":"Forbidden"}' },
		});
		const dir = tempDir();
		cleanups.push(
			() => site.stop(),
			() => dir.remove(),
		);
		const sourcesFile = bundledSourcesAt(site.url, dir.path, true);
		const raw = JSON.parse(readFileSync(sourcesFile, "utf8")) as { sources: SourceEntry[] };
		const btg = raw.sources.find((s) => s.name === "btg-funds") as SourceEntry;
		btg.url = `http://127.0.0.1:${closedPort}${new URL(btg.url as string).pathname}`;
		writeFileSync(sourcesFile, JSON.stringify({ ...raw, limits: { retries: 0, backoffMs: 10 } }));

		const system = await startSystem({
			DATA_DIR: join(dir.path, "data"),
			SOURCES_FILE: sourcesFile,
			XP_API_KEY: "xp-key-for-tests",
			PRICES_PROVIDER: "sample",
		});
		cleanups.push(() => system.stop());

		const status = await waitFor(
			async () => {
				const { body } = await getJson(`${system.url}/api/collector/status`);
				return body.lastRunAt && body;
			},
			{ timeoutMs: 60_000, what: "the first run's outcome" },
		);
		assert.deepEqual([...status.failing].sort(), ["btg-funds", "house-picks", "xp-funds"]);
		const byName = Object.fromEntries(status.sources.map((s: { name: string }) => [s.name, s]));
		assert.equal(byName["btg-funds"].problem.kind, "unreachable");
		assert.match(byName["btg-funds"].problem.detail, /ECONNREFUSED/);
		assert.equal(byName["xp-funds"].problem.kind, "http");
		assert.equal(byName["xp-funds"].problem.httpStatus, 403);
		assert.equal(byName["house-picks"].status, "failed");
		assert.ok(byName["house-picks"].problem.detail.length > 0);
		const products = await getJson(`${system.url}/api/products`);
		assert.equal(products.body.total, 0);
	});
});
