/**
 * Hostile: NATS stopped for a while, then back, under a running node of a cluster. Before,
 * the collector's run lock lived in an in-memory bucket made once at start: after the
 * restart every run failed (scheduled ones with 503s, "run now" with a 500) while the node
 * still said it was ready. Now the bucket is made again, runs resume, a client's inbox
 * fills again, and the node is ready again.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Client, inbox, verifiedClient } from "../fixtures/clients.ts";
import { startNatsServer } from "../fixtures/nats.ts";
import { createRunLock } from "../fixtures/run-lock.ts";
import { getJson, type RunningSystem, startSystem, tempDir, uniqueNamespace, waitFor } from "../harness.ts";

describe("NATS restarted under a running cluster node", () => {
	let nats: Awaited<ReturnType<typeof startNatsServer>>;
	let system: RunningSystem;
	let client: Client;
	const data = tempDir();
	const operator = "nats-restart-operator-token";
	const runNow = () =>
		getJson(`${system.url}/api/collector/run`, {
			method: "POST",
			headers: { authorization: `Bearer ${operator}`, "content-type": "application/json" },
			body: "{}",
		});

	before(async () => {
		nats = await startNatsServer();
		system = await startSystem({
			TRANSPORTER: nats.url,
			NAMESPACE: uniqueNamespace(),
			DATA_DIR: data.path,
			OPERATOR_TOKEN: operator,
			PRICES_PROVIDER: "sample",
			LOG_LEVEL: "fatal",
		});
		client = await verifiedClient(system.url, data.path, "nats@example.com", {
			fund: {},
			stock: {},
			reit: {},
		});
	});
	after(async () => {
		await system?.stop();
		await nats?.remove();
		data.remove();
	});

	it("collects, matches and is ready again once NATS is back", { timeout: 120_000 }, async () => {
		assert.equal((await runNow()).status, 200, "a run before the outage");
		const before = (await inbox(system.url, client)).rows.length;
		assert.ok(before > 0, "the first run reached the inbox");

		await nats.stop();
		await waitFor(async () => (await getJson(`${system.url}/api/ready`)).status === 503, {
			what: "not ready while NATS is away",
		});
		const refused = await runNow();
		assert.equal(refused.status, 503, JSON.stringify(refused.body));
		assert.equal(refused.body.error.type, "COLLECTION_UNAVAILABLE");
		assert.ok(Number(refused.headers.get("retry-after")) > 0);
		await nats.start();

		const run = await waitFor(
			async () => {
				const res = await runNow();
				return res.status === 200 && res;
			},
			{ timeoutMs: 60_000, intervalMs: 1_000, what: "a run after NATS came back" },
		);
		assert.equal(run.body.trigger, "manual");
		// Matching and the inbox through the durable queue, after the restart.
		await system.broker.call("products.publish", {
			id: "after-restart",
			sources: ["house"],
			products: [
				{
					id: "house:fund:after-restart",
					source: "house",
					category: "fund",
					nativeId: "after-restart",
					name: "Fundo Depois",
					riskLevel: 1,
					collectedAt: new Date(system.clock.now()).toISOString(),
				},
			],
		});
		await waitFor(
			async () => (await inbox(system.url, client)).rows.some((n) => n.publicationId === "after-restart"),
			{ timeoutMs: 30_000, what: "the new product in the client's inbox" },
		);
		await waitFor(async () => (await getJson(`${system.url}/api/ready`)).status === 200, {
			timeoutMs: 30_000,
			what: "ready again",
		});
	});

	it("the lock refuses while NATS is away, says why meanwhile, and comes back with it", async () => {
		const lock = await createRunLock(nats.url);
		try {
			assert.equal(lock.problem(), undefined);
			await nats.stop();
			await assert.rejects(lock.acquire("x"));
			assert.match(lock.problem() ?? "", /run lock is unavailable/);
			await nats.start();
			const release = await waitFor(() => lock.acquire("y").catch(() => undefined), {
				timeoutMs: 30_000,
				intervalMs: 500,
				what: "the lock back with NATS",
			});
			assert.equal(lock.problem(), undefined);
			await release();
		} finally {
			await lock.close();
		}
	});
});
