/**
 * A match task stores its first products' matches before it matches the rest
 * (docs/matching.md, step 27), so the first clients have a publication after a tenth of a
 * task's matching; both parts are matched at the task's one instant.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Events } from "../../domain/contracts.ts";
import { type Client, verifiedClient } from "../fixtures/clients.ts";
import { houseFund } from "../fixtures/products.ts";
import { type RunningSystem, startSystem, tempDir, testClock, waitFor } from "../harness.ts";

const clock = testClock();

describe("a match task in two parts", () => {
	const data = tempDir();
	let system: RunningSystem;
	let client: Client;
	/** Each stored batch's notification ids, in the order stored. */
	const batches: string[][] = [];

	before(async () => {
		system = await startSystem({ DATA_DIR: data.path }, clock);
		client = await verifiedClient(system.url, data.path, "every-fund@example.com", { fund: {} });
		system.broker.createService({
			name: "batch-listener",
			events: {
				"notifications.created"(ctx) {
					const { subscribers } = ctx.params as Events["notifications.created"];
					batches.push(subscribers.flatMap((s) => s.notificationIds));
					// A later instant from the first stored batch on: a part that read the clock
					// again would stamp its matches an hour later.
					if (batches.length === 1) clock.advance(3_600_000);
				},
			},
		});
	});
	after(async () => {
		await system.stop();
		data.remove();
	});

	it("stores the matches of the task's first 10 products, then the rest's, all matched at one instant", async () => {
		const products = Array.from({ length: 25 }, (_, i) => houseFund(`part-${i}`, clock.now()));
		await system.broker.call("products.publish", { id: "in-parts", sources: ["house"], products });
		await waitFor(() => batches.flat().length >= 25, { what: "the client's 25 notifications stored" });

		const productOf = (id: string) => id.split("|")[2];
		assert.deepEqual(
			batches.map((ids) => ids.length),
			[10, 15],
			"one batch for the first 10 products, one for the other 15",
		);
		assert.equal(new Set(batches.flat().map(productOf)).size, 25, "every product once");

		const store = system.broker.getLocalService("notifications") as unknown as {
			adapter: { find(params: object): Promise<{ subscriberId: string; detail: string }[]> };
		};
		const docs = await store.adapter.find({ query: { publicationId: "in-parts" } });
		assert.equal(docs.length, 25);
		assert.ok(docs.every((doc) => doc.subscriberId === client.id));
		const instants = new Set(
			docs.map((doc) => (JSON.parse(doc.detail) as { audit: { matchedAt: string } }).audit.matchedAt),
		);
		assert.equal(instants.size, 1, `one instant for the whole task, not ${[...instants].join(", ")}`);
	});
});
