/**
 * Hostile (privacy): after a client erases their account, nothing personal stays behind in
 * the running system — not in the NeDB files (which only append until compacted), not in
 * the inbox file, and no socket they opened before stays connected.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { io as connectSocket } from "socket.io-client";
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
	});
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

			const file = (name: string) => readFileSync(join(data.path, `${name}.db`), "utf8");
			assert.ok(
				!file("subscribers").includes("erase.everything@example.com"),
				"no address in subscribers.db",
			);
			assert.ok(!file("subscribers").includes(client.id), "no record in subscribers.db");
			assert.ok(!file("notifications").includes(client.id), "no inbox in notifications.db");
			const again = await getJson(`${system.url}/api/me`, {
				headers: { authorization: `Bearer ${client.token}` },
			});
			assert.equal(again.status, 401, "the session died with the account");
		} finally {
			socket.close();
		}
	});
});
