/**
 * Nothing lost (a suspicion from the code, now a test): a publication whose queue publish
 * fails after its products and the publication were saved. Before, nobody ever matched it —
 * the next run saw its products as unchanged. Now it stays "not announced" and the products
 * service announces it again, so it reaches the inbox exactly once.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DurableQueue } from "../../lib/durable-queue.ts";
import type { ProductsSettings } from "../../services/products/products.service.ts";
import { type Client, inbox, verifiedClient } from "../fixtures/clients.ts";
import { type RunningSystem, startSystem, tempDir, waitFor } from "../harness.ts";

describe("a publication whose announcement failed", () => {
	const data = tempDir();
	let system: RunningSystem;
	let client: Client;
	before(async () => {
		system = await startSystem({ DATA_DIR: data.path });
		client = await verifiedClient(system.url, data.path, "announce@example.com", { fund: {} });
	});
	after(async () => {
		await system.stop();
		data.remove();
	});

	it("is announced again by the products service and matched once", { timeout: 30_000 }, async () => {
		const products = system.broker.getLocalService("products") as unknown as {
			queue: DurableQueue;
			settings: ProductsSettings;
		};
		products.settings.announceSweepMs = 300;
		// The queue refuses the first publish, as a NATS outage at that moment would.
		const publish = products.queue.publish.bind(products.queue);
		let refused = 0;
		products.queue.publish = async (subject, payload, id) => {
			if (subject === "publications" && refused++ === 0) throw new Error("queue unavailable");
			return publish(subject, payload, id);
		};
		await assert.rejects(
			system.broker.call("products.publish", {
				id: "lost-then-found",
				sources: ["house"],
				products: [
					{
						id: "house:fund:lost",
						source: "house",
						category: "fund",
						nativeId: "lost",
						name: "Fundo Perdido",
						riskLevel: 1,
						collectedAt: new Date(system.clock.now()).toISOString(),
					},
				],
			}),
			/queue unavailable/,
		);
		const rows = await waitFor(
			async () => {
				const { rows } = await inbox(system.url, client);
				return rows.some((n) => n.publicationId === "lost-then-found") && rows;
			},
			{ timeoutMs: 20_000, what: "the publication in the inbox after all" },
		);
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		const again = (await inbox(system.url, client)).rows.filter((n) => n.publicationId === "lost-then-found");
		assert.equal(again.length, 1, "exactly once");
		assert.equal(rows.filter((n) => n.publicationId === "lost-then-found").length, 1);
		assert.equal(refused >= 2, true, "announced again through the queue");
	});
});
