/**
 * Each node's liveness and readiness on HEALTH_PORT, whatever it runs: alive at once; ready
 * only once started and connected; not ready while its NATS is gone, ready again when it
 * returns; not ready from the moment shutdown begins.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { ServiceBroker } from "moleculer";
import { type Probes, startProbes } from "../../probes.ts";
import { createNode } from "../../system.ts";
import { startNatsServer } from "../fixtures/nats.ts";
import { tempDir, testConfig, waitFor } from "../harness.ts";

async function probe(probes: Probes, path: string) {
	const res = await fetch(`http://127.0.0.1:${probes.port}${path}`);
	return {
		status: res.status,
		body: (await res.json()) as { status: string; reason?: string; nodeId: string },
	};
}

describe("node probes", () => {
	const data = tempDir();
	let broker: ServiceBroker | undefined;
	let probes: Probes | undefined;
	after(async () => {
		await probes?.close();
		await broker?.stop().catch(() => undefined);
		data.remove();
	});

	it("says alive at once, ready only while started and connected, and not ready once draining", async () => {
		const nats = await startNatsServer();
		try {
			const config = testConfig({
				DATA_DIR: data.path,
				SERVICES: "products",
				TRANSPORTER: nats.url,
				NODE_ID: "probed",
			});
			broker = await createNode(config);
			probes = await startProbes(broker, 0);
			assert.equal((await probe(probes, "/livez")).status, 200);
			const starting = await probe(probes, "/readyz");
			assert.deepEqual([starting.status, starting.body.reason], [503, "starting"]);

			await broker.start();
			const ready = await probe(probes, "/readyz");
			assert.deepEqual([ready.status, ready.body.nodeId], [200, "probed"]);

			await nats.stop();
			const gone = await waitFor(
				async () => {
					const answer = await probe(probes as Probes, "/readyz");
					return answer.status === 503 && answer;
				},
				{ what: "not ready without NATS" },
			);
			assert.equal(gone.body.reason, "transporter disconnected");
			assert.equal((await probe(probes, "/livez")).status, 200, "still alive: restarting it would not help");

			await nats.start();
			await waitFor(async () => (await probe(probes as Probes, "/readyz")).status === 200, {
				what: "ready again with NATS back",
				timeoutMs: 20_000,
			});

			probes.draining();
			const draining = await probe(probes, "/readyz");
			assert.deepEqual([draining.status, draining.body.reason], [503, "stopping"]);
		} finally {
			await broker?.stop().catch(() => undefined);
			broker = undefined;
			await nats.remove();
		}
	});
});
