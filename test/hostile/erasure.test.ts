/**
 * Hostile (privacy): after a client erases their account, nothing personal stays behind in
 * the running system — not in the NeDB files (which only append until compacted), not in
 * the inbox file (not even from a match still in flight), nor analytics' facts (counted on under a random id, so every answer stays
 * the same), and no socket they opened before stays connected.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { io as connectSocket } from "socket.io-client";
import { matchOf } from "../../domain/contracts.ts";
import { acquireQueue, releaseQueue } from "../../lib/durable-queue.ts";
import { type Client, verifiedClient } from "../fixtures/clients.ts";
import { getJson, type RunningSystem, startSystem, tempDir, waitFor } from "../harness.ts";

describe("erasure", () => {
	const data = tempDir();
	let system: RunningSystem;
	let client: Client;
	before(async () => {
		system = await startSystem({ DATA_DIR: data.path });
		client = await verifiedClient(system.url, data.path, "erase.everything@example.com", { fund: {} });
		await system.broker.call("products.publish", {
			id: "before-erasure",
			sources: ["house"],
			products: [
				{
					id: "house:fund:e1",
					source: "house",
					category: "fund",
					nativeId: "e1",
					name: "Fundo E",
					riskLevel: 1,
					collectedAt: new Date(system.clock.now()).toISOString(),
				},
			],
		});
		await waitFor(
			async () =>
				(
					await getJson(`${system.url}/api/me/notifications/unread`, {
						headers: { authorization: `Bearer ${client.token}` },
					})
				).body.unread > 0,
			{ what: "a notification in the inbox" },
		);
		await waitFor(async () => (await analytics()).summary.totals.notifications > 0, {
			what: "the notification counted by analytics",
		});
	});

	const file = (name: string) => readFileSync(join(data.path, `${name}.db`), "utf8");
	/** Every answer analytics gives that an erasure could change. */
	async function analytics() {
		const [summary, top, publications] = await Promise.all(
			["summary", "top?period=all", "publications"].map(
				async (route) => (await getJson(`${system.url}/api/analytics/${route}`)).body,
			),
		);
		return { summary, top, publications };
	}
	after(async () => {
		await system.stop();
		data.remove();
	});

	it("leaves no copy of the address or the inbox in the files, and closes the client's sockets", async () => {
		const socket = connectSocket(`${system.url}/live`, {
			path: "/socket.io",
			auth: { token: client.token },
			transports: ["websocket"],
			reconnection: false,
		});
		await new Promise<void>((resolve, reject) => {
			socket.once("connect", resolve);
			socket.once("connect_error", reject);
		});
		const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
		try {
			const erased = await getJson(`${system.url}/api/me`, {
				method: "DELETE",
				headers: { authorization: `Bearer ${client.token}` },
			});
			assert.equal(erased.status, 200);
			assert.equal(
				await Promise.race([disconnected, new Promise((r) => setTimeout(r, 5_000, "still open"))]),
				"io server disconnect",
			);

			assert.ok(
				!file("subscribers").includes("erase.everything@example.com"),
				"no address in subscribers.db",
			);
			// Only the tombstone matchers reconcile from for the queue's window: the id and a time.
			const left = file("subscribers")
				.split("\n")
				.filter((line) => line.includes(client.id))
				.map((line) => JSON.parse(line));
			assert.deepEqual(
				left.map((doc) => Object.keys(doc).sort()),
				[["_id", "email", "status", "updatedAt"]],
				"no record in subscribers.db but the tombstone",
			);
			assert.deepEqual([left[0].status, left[0].email], ["erased", `erased:${client.id}`]);
			assert.ok(!file("notifications").includes(client.id), "no inbox in notifications.db");
			await waitFor(async () => !file("analytics").includes(client.id), {
				what: "no fact keyed by the erased id in analytics.db",
			});
			// A match computed before the erasure and stored after it re-creates nothing.
			const late = await system.broker.call("notifications.store", {
				publicationId: "in-flight",
				matches: [matchOf({ id: "house:fund:e1", category: "fund" }, client.id, { reasons: [] })],
			});
			assert.deepEqual(late, { created: 0, existing: 0 });
			assert.ok(!file("notifications").includes(client.id), "no inbox re-created");
			const again = await getJson(`${system.url}/api/me`, {
				headers: { authorization: `Bearer ${client.token}` },
			});
			assert.equal(again.status, 401, "the session died with the account");
		} finally {
			socket.close();
		}
	});

	it("keeps analytics' answers exact after the erasure, a late notification and a restart", async () => {
		const before = await analytics();
		assert.equal(before.summary.totals.notifications, 1);
		assert.equal(before.publications[0].subscribersNotified, 1);
		// A notification of theirs still in the queue when they erased (at-least-once delivery).
		const queue = await acquireQueue(system.broker);
		try {
			await queue.publish(
				"distributions",
				{
					publicationId: "late-after-erasure",
					notifications: [
						{
							subscriberId: client.id,
							productId: "house:fund:e1",
							category: "fund",
							createdAt: new Date(system.clock.now()).toISOString(),
						},
					],
				},
				"late-after-erasure",
			);
		} finally {
			await releaseQueue(system.broker);
		}
		await waitFor(async () => (await analytics()).summary.totals.notifications === 2, {
			what: "the late notification counted",
		});
		assert.ok(!file("analytics").includes(client.id), "counted under the replacement, not their id");
		const late = await analytics();
		assert.deepEqual(late.top, [{ ...before.top[0], count: 1 }], "still one client reached");

		await system.stop();
		system = await startSystem({ DATA_DIR: data.path });
		assert.deepEqual(await analytics(), late, "the same answers rebuilt from the files");
	});
});
