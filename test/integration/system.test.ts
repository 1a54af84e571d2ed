/**
 * The whole system in one process on a temp DATA_DIR (the embedded default), driven over
 * HTTP as clients and operators would. Later issues extend this into the end-to-end flow.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { serviceNames } from "../../services/index.ts";
import { getJson, type RunningSystem, sharedClock, startSystem } from "../harness.ts";

const fund = (nativeId: string, name: string) => ({
	id: `btg-funds:fund:${nativeId}`,
	source: "btg-funds",
	category: "fund",
	nativeId,
	name,
	adminFee: 0.01,
	minimumInvestment: 1000,
	collectedAt: new Date(sharedClock.now()).toISOString(),
});

describe("the embedded system", () => {
	let system: RunningSystem;
	before(async () => {
		system = await startSystem();
	});
	after(() => system.stop());

	it("answers /api/health with this node, every service, version and uptime", async () => {
		const { status, body } = await getJson(`${system.url}/api/health`);
		assert.equal(status, 200);
		assert.equal(body.status, "ok");
		assert.match(body.version, /^\d+\.\d+\.\d+/);
		assert.equal(typeof body.uptime, "number");
		assert.equal(body.nodes.length, 1);
		assert.equal(body.nodes[0].id, system.broker.nodeID);
		for (const name of serviceNames) assert.ok(body.nodes[0].services.includes(name), name);
	});

	it("is ready once started", async () => {
		const { status, body } = await getJson(`${system.url}/api/ready`);
		assert.equal(status, 200);
		assert.equal(body.ready, true);
	});

	it("answers errors as JSON with the right status", async () => {
		const missing = await getJson(`${system.url}/api/nothing-here`);
		assert.equal(missing.status, 404);
		assert.equal(missing.body.error.type, "NOT_FOUND");
		assert.match(missing.body.error.message, /\/api\/nothing-here/);

		const invalid = await getJson(`${system.url}/api/products?pageSize=5000`);
		assert.equal(invalid.status, 422);
		assert.equal(invalid.body.error.type, "VALIDATION_ERROR");
		assert.match(invalid.body.error.data[0].message, /pageSize/);

		const unknown = await getJson(`${system.url}/api/products/nope`);
		assert.equal(unknown.status, 404);
		assert.deepEqual(Object.keys(unknown.body), ["error"]);

		const badJson = await getJson(`${system.url}/api/products`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: "{not json",
		});
		assert.ok(badJson.status >= 400 && badJson.status < 500, String(badJson.status));
		assert.equal(typeof badJson.body.error.message, "string");
	});

	it("serves the app, and index.html for client routes, but 404s for missing files", async () => {
		const home = await fetch(`${system.url}/`);
		assert.equal(home.status, 200);
		assert.match(await home.text(), /<title>Insights<\/title>/);
		const clientRoute = await fetch(`${system.url}/dicas/algum-produto`);
		assert.equal(clientRoute.status, 200);
		assert.match(clientRoute.headers.get("content-type") ?? "", /text\/html/);
		const missingFile = await getJson(`${system.url}/missing.js`);
		assert.equal(missingFile.status, 404);
		assert.equal(missingFile.body.error.type, "NOT_FOUND");
	});

	it("persists a publication before announcing it, and serves it over REST", async () => {
		const announced: string[] = [];
		system.broker.createService({
			name: "test-listener",
			events: {
				async "products.published"(ctx) {
					const { publicationId } = ctx.params as { publicationId: string };
					// Whoever hears of a publication can already load it.
					const publication = await ctx.call<{ products: unknown[] }, object>("publications.get", {
						id: publicationId,
					});
					announced.push(`${publicationId}:${publication.products.length}`);
				},
			},
		});
		const publication = await system.broker.call<{ id: string; counts: object }, object>("products.publish", {
			id: "run-1",
			sources: ["btg-funds"],
			products: [fund("1", "Alpha FIRF"), fund("2", "Beta Multimercado")],
		});
		assert.deepEqual(publication.counts, { fund: 2 });
		await new Promise((resolve) => setTimeout(resolve, 100));
		assert.deepEqual(announced, ["run-1:2"]);

		const listed = await getJson(`${system.url}/api/products?category=fund&q=alpha`);
		assert.equal(listed.status, 200);
		assert.deepEqual(
			listed.body.rows.map((p: { name: string }) => p.name),
			["Alpha FIRF"],
		);
		const one = await getJson(`${system.url}/api/products/${encodeURIComponent("btg-funds:fund:2")}`);
		assert.equal(one.body.name, "Beta Multimercado");
		const pubs = await getJson(`${system.url}/api/publications`);
		assert.deepEqual(
			pubs.body.rows.map((p: { id: string }) => p.id),
			["run-1"],
		);
		const pub = await getJson(`${system.url}/api/publications/run-1`);
		assert.equal(pub.body.products.length, 2);
	});

	it("publishes nothing when any product is invalid", async () => {
		await assert.rejects(
			system.broker.call("products.publish", {
				sources: ["btg-funds"],
				products: [fund("3", "Gamma"), { ...fund("4", "Delta"), riskLevel: 9 }],
			}),
			(err: { code: number; data: { index: number }[] }) => err.code === 422 && err.data[0]?.index === 1,
		);
		const pubs = await getJson(`${system.url}/api/publications`);
		assert.equal(pubs.body.total, 1);
		const gamma = await getJson(`${system.url}/api/products/${encodeURIComponent("btg-funds:fund:3")}`);
		assert.equal(gamma.status, 404);
	});
	it("completes a publication from staged chunks once, however often publish is retried", async () => {
		const events: string[] = [];
		system.broker.createService({
			name: "staging-listener",
			events: {
				"products.published"(ctx) {
					events.push((ctx.params as { publicationId: string }).publicationId);
				},
			},
		});
		await system.broker.call("products.stage", { publicationId: "run-2", products: [fund("5", "Epsilon")] });
		await system.broker.call("products.stage", { publicationId: "run-2", products: [fund("6", "Zeta")] });
		// The same chunk again (a retried call) stages nothing twice.
		await system.broker.call("products.stage", { publicationId: "run-2", products: [fund("6", "Zeta")] });
		const staged = await getJson(`${system.url}/api/products/${encodeURIComponent("btg-funds:fund:5")}`);
		assert.equal(staged.status, 404, "staged products are not in the catalogue yet");

		const first = await system.broker.call<{ productIds: string[] }, object>("products.publish", {
			id: "run-2",
			sources: ["btg-funds"],
		});
		assert.deepEqual(first.productIds, ["btg-funds:fund:5", "btg-funds:fund:6"]);
		const retried = await system.broker.call<{ productIds: string[] }, object>("products.publish", {
			id: "run-2",
			sources: ["btg-funds"],
		});
		assert.deepEqual(retried, first);
		const pubs = await getJson(`${system.url}/api/publications?pageSize=100`);
		assert.equal(pubs.body.rows.filter((p: { id: string }) => p.id === "run-2").length, 1);
		await new Promise((resolve) => setTimeout(resolve, 100));
		assert.deepEqual(events, ["run-2", "run-2"], "a retry announces again; consumers are idempotent");
		await assert.rejects(system.broker.call("products.publish", { id: "run-3", sources: ["btg-funds"] }), {
			code: 422,
			type: "EMPTY_PUBLICATION",
		});
	});

	it("keeps what changed since before the first attempt when publish is retried after it updated the catalogue", async () => {
		await system.broker.call("products.publish", {
			id: "fee-1",
			sources: ["btg-funds"],
			products: [fund("7", "Eta")],
		});
		const cheaper = { ...fund("7", "Eta"), adminFee: 0.008 };
		await system.broker.call("products.stage", { publicationId: "fee-2", products: [cheaper] });
		// The publications service goes away mid-publish: the catalogue is updated, the publication is not stored.
		const publications = system.broker.getLocalService("publications");
		assert.ok(publications);
		await system.broker.destroyService(publications);
		await assert.rejects(system.broker.call("products.publish", { id: "fee-2", sources: ["btg-funds"] }));
		const updated = await getJson(`${system.url}/api/products/${encodeURIComponent("btg-funds:fund:7")}`);
		assert.equal(updated.body.adminFee, 0.008, "the catalogue changed before the failure");
		system.broker.createService((await import("../../services/products/publications.service.ts")).default);
		await system.broker.waitForServices("publications");
		await system.broker.call("products.publish", { id: "fee-2", sources: ["btg-funds"] });
		const stored = await system.broker.call<{ changes?: object }, object>("publications.get", {
			id: "fee-2",
			withProducts: false,
			withChanges: true,
		});
		assert.deepEqual(stored.changes, {
			"btg-funds:fund:7": [{ field: "adminFee", before: 0.01, after: 0.008 }],
		});
	});

	it("leaves the catalogue untouched by a run that died after staging, so the next run publishes it", async () => {
		const snapshot = JSON.parse(
			await (await import("node:fs/promises")).readFile(
				new URL("../../services/collector/samples/btg-funds.json", import.meta.url),
				"utf8",
			),
		);
		const nativeId = String(snapshot[0].id);
		await system.broker.call("products.stage", {
			publicationId: "dead-run",
			products: [{ ...fund(nativeId, "Staged only"), id: `btg-funds:fund:${nativeId}` }],
		});
		const summary = await system.broker.call<{ sources: Record<string, { new: number }> }, object>(
			"collector.run",
			{ sources: ["btg-funds"] },
		);
		assert.equal(summary.sources["btg-funds"]?.new, snapshot.length);
		const stored = await getJson(
			`${system.url}/api/products/${encodeURIComponent(`btg-funds:fund:${nativeId}`)}`,
		);
		assert.equal(stored.body.name, snapshot[0].product);
	});
});
