/**
 * The demo (`npm run demo`) runs the production parsers on bundled snapshots in the real
 * formats: one collection shows products of all six classes — pension included, from the
 * Open Insurance snapshot — and a client who wants pension is told about one.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CollectorRunSummary } from "../../domain/contracts.ts";
import { categories } from "../../domain/product.ts";
import { type Client, inbox, verifiedClient } from "../fixtures/clients.ts";
import { getJson, type RunningSystem, startSystem, tempDir, waitFor } from "../harness.ts";

describe("the demo's bundled sources", () => {
	const data = tempDir();
	let system: RunningSystem;
	let saver: Client;
	let run: CollectorRunSummary;

	before(async () => {
		system = await startSystem({
			DATA_DIR: data.path,
			SOURCES_FILE: new URL("../../config/sources.demo.json", import.meta.url).pathname,
			PRICES_PROVIDER: "sample",
			DEMO_VARIATION: "0",
		});
		// The demo collects at start; a client who signs up after gets the recent matches too.
		run = await waitFor(
			async () => {
				const { body } = await getJson(`${system.url}/api/collector/runs`);
				return body.rows[0];
			},
			{ what: "the collection at start" },
		);
		saver = await verifiedClient(system.url, data.path, "previdencia@example.com", { pension: {} });
	});
	after(async () => {
		await system.stop();
		data.remove();
	});

	it("reads every bundled snapshot with the production parsers", () => {
		for (const [name, outcome] of Object.entries(run.sources))
			assert.equal(outcome.status, "ok", `${name}: ${JSON.stringify(outcome.errors)}`);
		assert.ok((run.sources["cvm-funds"]?.normalized ?? 0) > 0, "the registry completed the funds");
	});

	it("shows products of all six classes", async () => {
		const { body } = await getJson(`${system.url}/api/products?pageSize=100`);
		const seen = new Set((body.rows as { category: string }[]).map((p) => p.category));
		assert.deepEqual([...seen].sort(), [...categories].sort());
	});

	it("shows the fund both BTG's and XP's snapshots list as one product at two venues", async () => {
		const { body } = await getJson(`${system.url}/api/products?category=fund&pageSize=100`);
		const shared = (body.rows as { cnpj?: string; venues?: object }[]).filter(
			(p) => p.cnpj === "45775937000177",
		);
		assert.equal(shared.length, 1);
		assert.deepEqual(Object.keys(shared[0]?.venues ?? {}).sort(), ["btg-funds", "xp-funds"]);
	});

	it("tells a client who wants pension about pension products", async () => {
		const { rows } = await waitFor(
			async () => {
				const page = await inbox(system.url, saver);
				return page.rows.length > 0 && page;
			},
			{ what: "the saver's inbox" },
		);
		assert.ok(rows.every((row) => row.productId.startsWith("opin-pension:pension:")));
		assert.ok(rows[0]?.product?.name.includes(" — "), "plan and fund named");
	});
});
