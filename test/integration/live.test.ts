/**
 * The live feed with real Socket.IO clients: handshake auth, each client only its own
 * notifications, replay from a cursor in order and once, client events validated and
 * rate-limited — in one process and across live nodes over NATS.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { io as connectSocket, type Socket } from "socket.io-client";
import { matchOf } from "../../domain/contracts.ts";
import type { Product } from "../../domain/product.ts";
import { type Client, inbox, verifiedClient } from "../fixtures/clients.ts";
import {
	freePort,
	getJson,
	natsUrl,
	type RunningSystem,
	sharedClock,
	startSystem,
	tempDir,
	uniqueNamespace,
	waitFor,
} from "../harness.ts";

interface Received {
	id: string;
	productId: string;
	cursor: string;
}

const sockets = new Set<Socket>();

function open(base: string, auth: Record<string, unknown>): Socket {
	const socket = connectSocket(`${base}/live`, {
		path: "/socket.io",
		auth,
		transports: ["websocket"],
		reconnection: false,
	});
	sockets.add(socket);
	return socket;
}

/** Connects and collects what arrives; rejects with the server's refusal. */
async function listen(base: string, auth: Record<string, unknown>) {
	const socket = open(base, auth);
	const received: Received[] = [];
	const unread: { unread: number; display: string }[] = [];
	/** The messages in the order they came: a count comes on its own or with a delivery's last notification. */
	const messages: string[] = [];
	socket.on("notification", (n: Received, u?: { unread: number; display: string }) => {
		received.push(n);
		messages.push(u ? "notification+unread" : "notification");
		if (u) unread.push(u);
	});
	socket.on("unread", (u: { unread: number; display: string }) => {
		messages.push("unread");
		unread.push(u);
	});
	await new Promise<void>((resolve, reject) => {
		socket.once("connect", () => resolve());
		socket.once("connect_error", reject);
	});
	return { socket, received, unread, messages };
}

const collectedAt = new Date(sharedClock.now()).toISOString();
const fund = (nativeId: string, fundType: string): Product => ({
	id: `house:fund:${nativeId}`,
	source: "house",
	category: "fund",
	nativeId,
	name: `Fundo ${nativeId}`,
	fundType,
	riskLevel: 2,
	collectedAt,
});

after(() => {
	for (const socket of sockets) socket.close();
});

describe("live feed in one process", () => {
	const data = tempDir();
	let system: RunningSystem;
	let ana: Client;
	let bia: Client;
	const publish = (id: string, products: Product[]) =>
		system.broker.call("products.publish", { id, sources: ["house"], products });

	before(async () => {
		system = await startSystem({ DATA_DIR: data.path });
		ana = await verifiedClient(system.url, data.path, "ana@example.com", {
			fund: { fundType: { in: ["Ações"] } },
		});
		bia = await verifiedClient(system.url, data.path, "bia@example.com", {
			fund: { fundType: { in: ["Renda Fixa"] } },
		});
	});
	after(async () => {
		await system.stop();
		data.remove();
	});

	it("refuses a missing, forged or expired token with a clear error", async () => {
		await assert.rejects(listen(system.url, {}), (err: Error & { data?: { type: string } }) => {
			assert.match(err.message, /Sign in first/);
			assert.equal(err.data?.type, "UNAUTHORIZED");
			return true;
		});
		await assert.rejects(
			listen(system.url, { token: `${ana.token.slice(0, -4)}abcd` }),
			(err: Error & { data?: { type: string } }) => {
				assert.equal(err.data?.type, "UNAUTHORIZED");
				return true;
			},
		);
		await assert.rejects(listen(system.url, { token: ana.token, since: "garbage" }), /cursor/);
	});

	it("signs a socket in by the SPA's HttpOnly session cookie, sent with the handshake", async () => {
		const socket = connectSocket(`${system.url}/live`, {
			path: "/socket.io",
			transports: ["websocket"],
			reconnection: false,
			extraHeaders: { cookie: `insights_session=${ana.token}` },
		});
		sockets.add(socket);
		const unread = await new Promise<{ unread: number }>((resolve, reject) => {
			socket.once("unread", resolve);
			socket.once("connect_error", reject);
		});
		assert.equal(typeof unread.unread, "number");
		socket.close();
	});

	let anaLast = "";
	it("delivers each new notification to its own subscriber's sockets only", async () => {
		const a = await listen(system.url, { token: ana.token });
		const b = await listen(system.url, { token: bia.token });
		await waitFor(() => a.unread.length > 0 && b.unread.length > 0, { what: "initial unread counts" });
		assert.equal(a.unread[0]?.unread, 0);
		await publish("p1", [fund("acao-1", "Ações"), fund("rf-1", "Renda Fixa")]);
		await waitFor(() => a.received.length === 1 && b.received.length === 1, {
			what: "one notification each",
		});
		assert.equal(a.received[0]?.productId, "house:fund:acao-1");
		assert.equal(b.received[0]?.productId, "house:fund:rf-1");
		await waitFor(() => a.unread.at(-1)?.unread === 1, { what: "unread count pushed" });
		await new Promise((resolve) => setTimeout(resolve, 200));
		assert.equal(a.received.length, 1, "no duplicates");
		// One message for the delivery: the new count rides on the notification.
		assert.deepEqual(a.messages, ["unread", "notification+unread"]);
		anaLast = a.received[0]?.cursor ?? "";
		a.socket.close();
		b.socket.close();
	});

	it("replays what a client missed since its last cursor, in order and once, then goes live", async () => {
		await publish("p2", [fund("acao-2", "Ações")]);
		await publish("p3", [fund("acao-3", "Ações"), fund("acao-4", "Ações")]);
		const a = await listen(system.url, { token: ana.token, since: anaLast });
		await waitFor(() => a.received.length === 3, { what: "three missed notifications" });
		assert.deepEqual(
			a.received.map((n) => n.productId),
			["house:fund:acao-2", "house:fund:acao-3", "house:fund:acao-4"],
		);
		await publish("p4", [fund("acao-5", "Ações")]);
		await waitFor(() => a.received.length === 4, { what: "the live one after the replay" });
		await new Promise((resolve) => setTimeout(resolve, 200));
		assert.equal(new Set(a.received.map((n) => n.id)).size, 4);
		assert.equal(a.unread.at(-1)?.unread, 5);
		a.socket.close();
	});

	it("pushes nothing to a client who turned live alerts off, while the inbox fills; on again, it pushes", async () => {
		const preferences = (live: boolean) =>
			getJson(`${system.url}/api/me/preferences`, {
				method: "PUT",
				headers: { authorization: `Bearer ${bia.token}`, "content-type": "application/json" },
				body: JSON.stringify({ live }),
			});
		assert.equal((await preferences(false)).status, 200);
		const b = await listen(system.url, { token: bia.token });
		await waitFor(() => b.unread.length > 0, { what: "the unread count" });
		await publish("quiet-1", [fund("rf-quiet-1", "Renda Fixa")]);
		await waitFor(
			async () =>
				(await inbox(system.url, bia)).rows.some((row) => row.productId === "house:fund:rf-quiet-1"),
			{ what: "the notification in the inbox" },
		);
		await new Promise((resolve) => setTimeout(resolve, 300));
		assert.equal(b.received.length, 0, "nothing pushed while live alerts are off");

		assert.equal((await preferences(true)).status, 200);
		await new Promise((resolve) => setTimeout(resolve, 200));
		await publish("quiet-2", [fund("rf-quiet-2", "Renda Fixa")]);
		await waitFor(() => b.received.some((n) => n.productId === "house:fund:rf-quiet-2"), {
			what: "a push once they are on again, on the same socket",
		});
		b.socket.close();
	});

	it("validates and rate-limits client events, answering in the ack", async () => {
		const a = await listen(system.url, { token: ana.token });
		const ask = (event: string, payload: unknown) =>
			new Promise<{ error?: { type: string; message: string }; updated?: number; rows?: unknown[] }>(
				(resolve) => a.socket.emit(event, payload, resolve),
			);
		const history = await ask("history", { limit: 2 });
		assert.equal(history.rows?.length, 2);
		const bad = await ask("read", { ids: "not-a-list" });
		assert.equal(bad.error?.type, "INVALID_EVENT");
		const polluted = await ask("read", JSON.parse('{"__proto__": {"admin": true}, "all": true}'));
		assert.equal(polluted.error?.type, "INVALID_EVENT");
		const read = await ask("read", { all: true });
		assert.equal(read.updated, 5);
		await waitFor(() => a.unread.at(-1)?.unread === 0, { what: "unread pushed after reading" });
		const answers = await Promise.all(Array.from({ length: 25 }, () => ask("history", { limit: 1 })));
		assert.ok(
			answers.some((answer) => answer.error?.type === "TOO_MANY_REQUESTS"),
			"a flood is limited",
		);
		a.socket.close();
	});
});

describe("live nodes over NATS", () => {
	const namespace = uniqueNamespace();
	const data = tempDir();
	const env = { TRANSPORTER: natsUrl, NAMESPACE: namespace, LOG_LEVEL: process.env.TEST_LOG ?? "error" };
	const nodes: RunningSystem[] = [];

	after(async () => {
		await Promise.all(nodes.map((n) => n.stop()));
		data.remove();
		const { connect } = await import("nats");
		const nc = await connect({ servers: natsUrl });
		await (await nc.jetstreamManager()).streams.delete(`INSIGHTS_${namespace}`).catch(() => false);
		await nc.close();
	});

	it("gives a client on node 1 and a client on node 2 each exactly their own, produced on a third node", async () => {
		const livePort = await freePort();
		const core = await startSystem({
			...env,
			NODE_ID: "core",
			DATA_DIR: data.path,
			SERVICES: "products,subscribers,mailer,notifications",
		});
		const gateway1 = await startSystem({ ...env, NODE_ID: "live-1", SERVICES: "api,live" });
		const live2 = await startSystem({
			...env,
			NODE_ID: "live-2",
			SERVICES: "live",
			LIVE_PORT: String(livePort),
		});
		nodes.push(core, gateway1, live2);
		await gateway1.broker.waitForServices(["subscribers", "notifications", "products", "mailer"], 15_000);
		await waitFor(async () => (await fetch(`${gateway1.url}/api/interests/schema`)).status === 200, {
			what: "routes",
		});
		const ana = await verifiedClient(gateway1.url, data.path, "ana@example.com", { fund: {} });
		const bia = await verifiedClient(gateway1.url, data.path, "bia@example.com", { fund: {} });
		const a = await listen(gateway1.url, { token: ana.token });
		const b = await listen(`http://127.0.0.1:${livePort}`, { token: bia.token });
		// A new node is known to the others within a couple of seconds (Moleculer's discovery).
		await waitFor(() => core.broker.registry.events.getAllEndpoints("notifications.created").length === 2, {
			what: "both live nodes known to the node that stores notifications",
		});
		await core.broker.call("notifications.store", {
			publicationId: "pub-x",
			matches: [
				matchOf({ id: "house:fund:1", category: "fund" }, ana.id, { reasons: [] }),
				matchOf({ id: "house:fund:2", category: "fund" }, bia.id, { reasons: [] }),
				matchOf({ id: "house:fund:3", category: "fund" }, bia.id, { reasons: [] }),
			],
		});
		await waitFor(() => a.received.length === 1 && b.received.length === 2, { what: "each client's own" });
		await new Promise((resolve) => setTimeout(resolve, 300));
		assert.deepEqual(
			a.received.map((n) => n.productId),
			["house:fund:1"],
		);
		assert.deepEqual(b.received.map((n) => n.productId).sort(), ["house:fund:2", "house:fund:3"]);

		// A publication for thousands of subscribers at once: each live node queues every event.
		const crowd = Array.from({ length: 4_000 }, (_, i) =>
			matchOf({ id: "house:fund:9", category: "fund" }, `someone-${i}`, { reasons: [] }),
		);
		await core.broker.call("notifications.store", {
			publicationId: "pub-crowd",
			matches: [
				...crowd.slice(0, 1_500),
				matchOf({ id: "house:fund:9", category: "fund" }, bia.id, { reasons: [] }),
				...crowd.slice(1_500),
			],
		});
		await waitFor(() => b.received.length === 3, {
			timeoutMs: 20_000,
			what: "Bia's notification among 4,001",
		});
	});

	it("gives a socket every notification of stores that finish at the same time, each once", async () => {
		const [core, gateway] = nodes as [RunningSystem, RunningSystem];
		const dora = await verifiedClient(gateway.url, data.path, "dora@example.com", { fund: {} });
		const d = await listen(gateway.url, { token: dora.token });
		await waitFor(() => d.unread.length > 0, { what: "the unread count" });
		const store = (n: number) =>
			core.broker.call("notifications.store", {
				publicationId: `concurrent-${n}`,
				matches: [matchOf({ id: `house:fund:c-${n}`, category: "fund" }, dora.id, { reasons: [] })],
			});
		// Pairs stored at once: their broadcasts, and the rows the live node loads for each, may
		// arrive in either order.
		for (let i = 0; i < 40; i++) await Promise.all([store(2 * i), store(2 * i + 1)]);
		await waitFor(() => d.received.length >= 80, {
			timeoutMs: 20_000,
			what: "all 80 on the socket",
		}).catch((err: Error) => {
			throw new Error(`${err.message}: got ${d.received.length}`);
		});
		await new Promise((resolve) => setTimeout(resolve, 300));
		const ids = d.received.map((n) => n.id);
		assert.equal(ids.length, 80, "each once");
		assert.equal(new Set(ids).size, 80);
		d.socket.close();
	});
});
