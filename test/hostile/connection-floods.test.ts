/**
 * Hostile: connection floods on the live feed. One session, or one address, may hold only so
 * many sockets on a live node; beyond that a new one is refused with TOO_MANY_SOCKETS, and a
 * closed socket gives its place back — also one that went away while it was being signed in.
 * The node keeps answering meanwhile.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { io as connectSocket, type Socket } from "socket.io-client";
import type { LiveSettings } from "../../services/live/live.service.ts";
import { type Client, verifiedClient } from "../fixtures/clients.ts";
import { getJson, type RunningSystem, startSystem, tempDir } from "../harness.ts";

describe("connection floods on the live feed", () => {
	const data = tempDir();
	let system: RunningSystem;
	let ana: Client;
	let bia: Client;
	const open: Socket[] = [];
	before(async () => {
		system = await startSystem({ DATA_DIR: data.path });
		ana = await verifiedClient(system.url, data.path, "flood.ana@example.com", { fund: {} });
		bia = await verifiedClient(system.url, data.path, "flood.bia@example.com", { fund: {} });
	});
	after(async () => {
		for (const socket of open) socket.close();
		await system.stop();
		data.remove();
	});

	/** Resolves "connected" or the refusal's type. */
	function connect(client: Client): Promise<string> {
		const socket = connectSocket(`${system.url}/live`, {
			path: "/socket.io",
			auth: { token: client.token },
			transports: ["websocket"],
			reconnection: false,
			forceNew: true,
		});
		open.push(socket);
		return new Promise((resolve) => {
			socket.once("connect", () => resolve("connected"));
			socket.once("connect_error", (err: Error & { data?: { type?: string } }) =>
				resolve(err.data?.type ?? err.message),
			);
		});
	}

	it("caps sockets per session and per address, and frees a place when one closes", async () => {
		const live = system.broker.getLocalService("live") as unknown as { settings: LiveSettings };
		Object.assign(live.settings, { maxSocketsPerClient: 3, maxSocketsPerIp: 5 });
		for (let i = 0; i < 3; i++) assert.equal(await connect(ana), "connected");
		assert.equal(await connect(ana), "TOO_MANY_SOCKETS", "a fourth socket for one session");
		assert.equal(await connect(bia), "connected");
		assert.equal(await connect(bia), "connected");
		assert.equal(await connect(bia), "TOO_MANY_SOCKETS", "a sixth socket from one address");
		assert.equal((await getJson(`${system.url}/api/health`)).status, 200);

		open[0]?.close();
		await new Promise((resolve) => setTimeout(resolve, 200));
		assert.equal(await connect(bia), "connected", "a closed socket gives its place back");
	});

	it("gives back the place of a socket that went away while it was being signed in", async () => {
		const live = system.broker.getLocalService("live") as unknown as { settings: LiveSettings };
		Object.assign(live.settings, { maxSocketsPerClient: 2, maxSocketsPerIp: 100 });
		for (const socket of open.splice(0)) socket.close();
		// Sign-in slowed down, so each of these is gone before it is let in.
		const call = system.broker.call.bind(system.broker);
		system.broker.call = ((name: string, ...rest: unknown[]) =>
			name === "identity.authenticate"
				? new Promise((resolve) => setTimeout(resolve, 300)).then(() => call(name, ...(rest as [])))
				: call(name, ...(rest as []))) as typeof system.broker.call;
		try {
			for (let i = 0; i < 4; i++) {
				const socket = connectSocket(`${system.url}/live`, {
					path: "/socket.io",
					auth: { token: bia.token },
					transports: ["websocket"],
					reconnection: false,
					forceNew: true,
				});
				await new Promise<void>((resolve) => socket.io.once("open", () => resolve()));
				await new Promise((resolve) => setTimeout(resolve, 50));
				socket.close();
			}
			await new Promise((resolve) => setTimeout(resolve, 500));
		} finally {
			system.broker.call = call;
		}
		assert.equal(await connect(bia), "connected");
		assert.equal(await connect(bia), "connected", "none of the abandoned handshakes holds a place");
		assert.equal(await connect(bia), "TOO_MANY_SOCKETS");
	});
});
