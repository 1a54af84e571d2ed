/**
 * Nothing lost (a suspicion from the code, now a test): the notifications node stores a
 * batch, then dies before broadcasting it. The batch comes again (the queue redelivers what
 * was not acknowledged); before, nothing was new, so nothing was broadcast and a connected
 * client never saw it pushed. Now the redelivery pushes it, once.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { io as connectSocket, type Socket } from "socket.io-client";
import { matchOf } from "../../domain/contracts.ts";
import { type Client, verifiedClient } from "../fixtures/clients.ts";
import { type RunningSystem, startSystem, tempDir, waitFor } from "../harness.ts";

describe("a crash between storing notifications and broadcasting them", () => {
	const data = tempDir();
	let system: RunningSystem;
	let client: Client;
	let socket: Socket;
	const pushed: { id: string }[] = [];
	before(async () => {
		system = await startSystem({ DATA_DIR: data.path });
		client = await verifiedClient(system.url, data.path, "crash@example.com", { fund: {} });
		socket = connectSocket(`${system.url}/live`, {
			path: "/socket.io",
			auth: { token: client.token },
			transports: ["websocket"],
			reconnection: false,
		});
		socket.on("notification", (row: { id: string }) => pushed.push(row));
		await new Promise<void>((resolve, reject) => {
			socket.once("connect", resolve);
			socket.once("connect_error", reject);
		});
	});
	after(async () => {
		socket.close();
		await system.stop();
		data.remove();
	});

	it("pushes the redelivered batch to the connected client, once", async () => {
		await system.broker.call("products.publish", {
			id: "crash-pub",
			sources: ["house"],
			products: [
				{
					id: "house:fund:crash",
					source: "house",
					category: "fund",
					nativeId: "crash",
					name: "Fundo Crash",
					riskLevel: 1,
					collectedAt: new Date(system.clock.now()).toISOString(),
				},
			],
		});
		await waitFor(() => pushed.length > 0, { what: "the publication's own push" });
		const batch = {
			publicationId: "crash-batch",
			matches: [matchOf({ id: "house:fund:crash", category: "fund" }, client.id, { reasons: [] })],
		};
		// The node "dies" right after the insert: its broadcast never happens.
		const broadcast = system.broker.broadcast.bind(system.broker);
		system.broker.broadcast = (async () => {
			throw new Error("the node died here");
		}) as typeof system.broker.broadcast;
		await assert.rejects(system.broker.call("notifications.store", batch));
		system.broker.broadcast = broadcast;
		const before = pushed.length;

		await system.broker.call("notifications.store", batch); // the redelivery
		await waitFor(() => pushed.length > before, { what: "the stored notification pushed after all" });
		await system.broker.call("notifications.store", batch); // once more: nothing new on screen
		await new Promise((resolve) => setTimeout(resolve, 300));
		assert.equal(pushed.filter((row) => row.id.includes("crash-batch")).length, 1, "pushed once");
	});
});
