import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { it } from "node:test";
import { createNode } from "../../system.ts";
import { getJson, tempDir, testConfig, waitFor } from "../harness.ts";

it("answers /api/ready 503 until every service of the node has started, then 200", async () => {
	const data = tempDir();
	const broker = await createNode(testConfig({ DATA_DIR: data.path, SERVICES: "api" }));
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
		const url = `http://127.0.0.1:${api.server.address().port}/api/ready`;
		const early = await getJson(url);
		assert.equal(early.status, 503);
		assert.equal(early.body.error.type, "NOT_READY");
		release();
		await starting;
		assert.equal((await getJson(url)).status, 200);
	} finally {
		release();
		await starting;
		await broker.stop();
		data.remove();
	}
});
