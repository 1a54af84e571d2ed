/**
 * A node that is still starting: its gateway listens before the other services have
 * started, and must say so — 503 STARTING with Retry-After on every API route, never a 404
 * for a route about to exist, health alive but not ready — then route normally.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { it } from "node:test";
import { createNode } from "../../system.ts";
import { getJson, tempDir, testConfig, waitFor } from "../harness.ts";

it("answers 503 STARTING on every API route until every service of the node has started", async () => {
	const data = tempDir();
	const broker = await createNode(testConfig({ DATA_DIR: data.path }));
	let release: () => void = () => {};
	const gate = new Promise<void>((resolve) => {
		release = resolve;
	});
	broker.createService({
		name: "slow",
		async started() {
			await gate;
		},
	});
	const starting = broker.start();
	try {
		const api = broker.getLocalService("api") as unknown as {
			server: { listening: boolean; address(): AddressInfo };
		};
		await waitFor(() => api.server.listening, { what: "the gateway to listen" });
		const url = `http://127.0.0.1:${api.server.address().port}/api`;
		const json = { "content-type": "application/json" };
		const register = () =>
			getJson(`${url}/subscribers`, {
				method: "POST",
				headers: json,
				body: JSON.stringify({ email: "early@example.com", name: "Early", consent: true }),
			});

		for (const early of [
			await register(),
			await getJson(`${url}/products`),
			await getJson(`${url}/ready`),
			await getJson(`${url}/me`, { headers: { authorization: "Bearer x" } }),
		]) {
			assert.equal(early.status, 503);
			assert.equal(early.body.error.type, "STARTING");
			assert.equal(early.headers.get("retry-after"), "2");
		}
		const health = await getJson(`${url}/health`);
		assert.equal(health.status, 200);
		assert.equal(health.body.ready, false);
		assert.equal(health.body.status, "starting");

		release();
		await starting;
		assert.equal((await getJson(`${url}/ready`)).status, 200);
		assert.equal((await getJson(`${url}/health`)).body.ready, true);
		assert.equal((await register()).status, 202, "the same request, now routed");
		assert.equal((await getJson(`${url}/products`)).status, 200);
		assert.equal((await getJson(`${url}/nowhere`)).status, 404, "a route that does not exist, once started");
	} finally {
		release();
		await starting;
		await broker.stop();
		data.remove();
	}
});
