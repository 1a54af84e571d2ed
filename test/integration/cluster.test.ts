/**
 * The local cluster topology (scripts/topology.ts), one process per node over a real NATS,
 * for a full flow: a collection on the collector node → each match delivered to a socket
 * client on a live node → the e-mail in a loopback SMTP server. Then, during a second
 * collection, one matcher and the client's live node are killed (SIGKILL): the client
 * reconnects to the other live node and, in the end, every notification reached it once,
 * the inbox holds every match exactly once, and each publication's e-mail came once. Last,
 * a live node and a matcher are stopped with SIGTERM during a collection: the socket is told
 * to go, both exit 0 within the deadline, and a new matcher finishes the work.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { connect } from "nats";
import { io as connectSocket, type Socket } from "socket.io-client";
import { topology } from "../../scripts/topology.ts";
import { suitabilityFor } from "../fixtures/clients.ts";
import { type SmtpFixture, startSmtpFixture } from "../fixtures/smtp.ts";
import { freePort, getJson, natsUrl, tempDir, uniqueNamespace, waitFor } from "../harness.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const operatorToken = "cluster-operator-token-0123456789";
const email = "cluster@example.com";

interface Received {
	id: string;
	publicationId: string;
	productId: string;
	cursor: string;
}

describe("the local cluster, end to end, with nodes killed mid-way", () => {
	const namespace = uniqueNamespace();
	const data = tempDir();
	const nodes = new Map<string, { child: ChildProcess; health: number; output: string[] }>();
	let smtp: SmtpFixture;
	let api = "";
	let livePort = 0;
	let token = "";
	const received: Received[] = [];
	let socket: Socket | undefined;
	let common: Record<string, string> = {};
	/** Live nodes that told the client they were stopping. */
	const byes: number[] = [];

	function startNode(name: string, services: string[], env: Record<string, string>) {
		const output: string[] = [];
		const child = spawn(process.execPath, [`${root}index.ts`], {
			cwd: root,
			env: { ...process.env, ...env, SERVICES: services.join(","), NODE_ID: `${name}-${namespace}` },
			stdio: ["ignore", "pipe", "pipe"],
		});
		for (const stream of [child.stdout, child.stderr])
			stream?.on("data", (c: Buffer) => output.push(c.toString()));
		nodes.set(name, { child, health: Number(env.HEALTH_PORT), output });
	}

	const ready = (name: string) =>
		waitFor(
			async () => {
				const node = nodes.get(name);
				const res = await fetch(`http://127.0.0.1:${node?.health}/readyz`).catch(() => undefined);
				return res?.status === 200;
			},
			{ timeoutMs: 60_000, what: `${name} ready` },
		);

	function kill(name: string): Promise<void> {
		const node = nodes.get(name);
		nodes.delete(name);
		return new Promise((resolve) => {
			if (!node || node.child.exitCode !== null) return resolve();
			node.child.once("exit", () => resolve());
			node.child.kill("SIGKILL");
		});
	}

	/** SIGTERM, as an orchestrator stops a container: the exit code and how long it took. */
	function stop(name: string): Promise<{ code: number | null; ms: number }> {
		const node = nodes.get(name);
		nodes.delete(name);
		const started = Date.now();
		return new Promise((resolve) => {
			if (!node || node.child.exitCode !== null)
				return resolve({ code: node?.child.exitCode ?? null, ms: 0 });
			node.child.once("exit", (code) => resolve({ code, ms: Date.now() - started }));
			node.child.kill("SIGTERM");
		});
	}

	/** A socket to a live node that resumes from the last notification it saw. */
	function listen(port: number) {
		socket?.close();
		const last = received.at(-1)?.cursor;
		socket = connectSocket(`http://127.0.0.1:${port}/live`, {
			path: "/socket.io",
			transports: ["websocket"],
			auth: { token, ...(last ? { since: last } : {}) },
			reconnection: false,
		});
		socket.on("notification", (n: Received) => received.push(n));
		socket.on("bye", () => byes.push(port));
		return new Promise<void>((resolve, reject) => {
			socket?.once("connect", () => resolve());
			socket?.once("connect_error", reject);
		});
	}

	const inbox = async () => {
		const rows: Received[] = [];
		let before: string | undefined;
		for (;;) {
			const query = `limit=100${before ? `&before=${encodeURIComponent(before)}` : ""}`;
			const { body } = await getJson(`${api}/api/me/notifications?${query}`, {
				headers: { authorization: `Bearer ${token}` },
			});
			rows.push(...body.rows);
			if (!body.hasMore) return rows;
			before = body.next;
		}
	};
	const routed = (url: string, init: RequestInit) =>
		waitFor(
			async () => {
				const res = await getJson(url, init);
				return res.status !== 404 && res;
			},
			{ what: `${init.method} ${url} routed` },
		);
	const collect = () =>
		routed(`${api}/api/collector/run`, {
			method: "POST",
			headers: { authorization: `Bearer ${operatorToken}`, "content-type": "application/json" },
			body: "{}",
		});
	/** Digests carry List-Unsubscribe; the verification e-mail does not. */
	const digestsTo = () =>
		smtp.messages.filter((m) => m.envelope.to.includes(email) && m.headers.has("list-unsubscribe"));

	before(async () => {
		smtp = await startSmtpFixture();
		const port = await freePort();
		livePort = await freePort();
		api = `http://127.0.0.1:${port}`;
		common = {
			TRANSPORTER: natsUrl,
			NAMESPACE: namespace,
			DATA_DIR: data.path,
			LOG_LEVEL: process.env.CLUSTER_LOG_LEVEL ?? "warn",
			METRICS_PORT: "0",
			SMTP_URL: smtp.url,
			PUBLIC_URL: api,
			OPERATOR_TOKEN: operatorToken,
			JWT_SECRET: "cluster-test-secret-0123456789-abcdefghij",
			PRICES_PROVIDER: "sample",
			SOURCES_FILE: `${root}test/fixtures/sources.e2e.json`,
			DIGEST_SWEEP_SECONDS: "1",
			IMMEDIATE_SETTLE_SECONDS: "1",
			LIVE_PORT: String(livePort),
		};
		for (const node of topology)
			startNode(node.name, node.services, {
				...common,
				PORT: node.http ? String(port) : "0",
				HEALTH_PORT: String(await freePort()),
			});
		for (const node of topology) await ready(node.name);
		// Every node sees every other, with its services, before the flow starts.
		await waitFor(
			async () => {
				const nodes: { services: string[] }[] = (await getJson(`${api}/api/health`)).body?.nodes ?? [];
				return nodes.length === topology.length && nodes.every((n) => n.services.length > 0);
			},
			{ timeoutMs: 30_000, what: "every node and its services in /api/health" },
		);
		// A node announces its services once they started, and each node learns that within a
		// couple of seconds (Moleculer discovery); a broadcast before then misses the nodes its
		// sender does not know yet (docs/live.md).
		await new Promise((resolve) => setTimeout(resolve, 3_000));
		// The gateway has built the REST routes of the remote services (a refusal proves a route).
		const refusals = { "/api/subscribers": 422, "/api/collector/run": 401, "/api/auth/magic-link": 422 };
		for (const [path, status] of Object.entries(refusals))
			await waitFor(
				async () => {
					const init = { method: "POST", headers: { "content-type": "application/json" }, body: "{}" };
					return (await getJson(`${api}${path}`, init)).status === status;
				},
				{ timeoutMs: 30_000, what: `POST ${path} routed` },
			);
	});

	after(async () => {
		socket?.close();
		await Promise.all([...nodes.keys()].map(kill));
		await smtp?.close();
		data.remove();
		const nc = await connect({ servers: natsUrl });
		const jsm = await nc.jetstreamManager();
		await jsm.streams.delete(`INSIGHTS_${namespace}`).catch(() => false);
		await jsm.streams.delete(`KV_insights-${namespace}-collector`).catch(() => false);
		await nc.close();
	});

	it("collects, matches, delivers live and by e-mail across nodes", async () => {
		// Retried on 404 only: the gateway routes a remote service's paths once it has learned
		// that node's services, a moment after the node itself (docs/operations.md, limits).
		const registered = await routed(`${api}/api/subscribers`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				email,
				name: "Cluster",
				consent: true,
				suitability: suitabilityFor("aggressive"),
				// A fee limit: the demo varies fees, and a moved fee is news only to clients who constrain it.
				interests: { fund: { adminFee: { max: 0.1 } } },
				preferences: { digest: "immediate" },
			}),
		});
		assert.equal(registered.status, 202);
		const verification = await waitFor(
			() => smtp.messages.find((m) => m.envelope.to.includes(email))?.parsed.text,
			{ what: "the verification e-mail" },
		);
		const link = /\/verificar\?token=([\w.-]+)/.exec(verification)?.[1];
		const verified = await getJson(`${api}/api/auth/verify?token=${link}`);
		assert.equal(verified.status, 200);
		token = verified.body.token;

		await listen(livePort);
		const first = await collect();
		assert.equal(first.status, 200, JSON.stringify(first.body));
		const publicationId: string = first.body.publicationId;
		const publication = await getJson(`${api}/api/publications/${publicationId}?withProducts=false`);
		const funds = publication.body.productIds.filter((id: string) => id.split(":")[1] === "fund").length;
		assert.ok(funds > 0);

		// Within 45 s even if a matcher missed the verification: its 30 s catch-up backfills.
		await waitFor(() => received.length === funds, {
			what: `${funds} notifications on the socket`,
			timeoutMs: 45_000,
		}).catch(async (err: Error) => {
			if (process.env.CLUSTER_LOGS)
				for (const [name, node] of nodes)
					writeFileSync(`${process.env.CLUSTER_LOGS}/${name}.log`, node.output.join(""));
			const logs = [...nodes].map(([name, node]) => `${name}: ${node.output.join("").slice(-1500)}`);
			throw new Error(
				`${err.message}; received ${received.length}, inbox ${(await inbox()).length}\n${logs.join("\n")}`,
			);
		});
		await waitFor(() => digestsTo().length === 1 || undefined, {
			what: "the immediate e-mail",
			timeoutMs: 45_000,
		});
		assert.deepEqual(new Set(received.map((n) => n.publicationId)), new Set([publicationId]));
	});

	it("loses and duplicates nothing when a matcher and the client's live node are killed mid-way", async () => {
		const before = received.length;
		const running = collect();
		// Mid-way: the run is publishing and matching now.
		await Promise.all([kill("matcher-1"), kill("live-2")]);
		const second = await running;
		assert.equal(second.status, 200, JSON.stringify(second.body));
		assert.ok(second.body.publicationId, "the second run published changes");

		// The client notices and reconnects to the other live node, resuming from its cursor.
		await listen(Number(new URL(api).port));
		const stored = await waitFor(
			async () => {
				const rows = await inbox();
				const mine = rows.filter((r) => r.publicationId === second.body.publicationId);
				return mine.length > 0 && rows;
			},
			// A killed matcher's unacknowledged tasks come back after JetStream's ack wait (20 s).
			{ what: "the second publication's matches", timeoutMs: 60_000 },
		);
		await waitFor(async () => received.length >= (await inbox()).length || undefined, {
			what: "every stored notification on the socket",
			timeoutMs: 60_000,
		});

		const all = await inbox();
		const ids = received.map((n) => n.id);
		assert.equal(new Set(ids).size, ids.length, "no notification reached the socket twice");
		assert.deepEqual(new Set(ids), new Set(all.map((n) => n.id)), "the socket got exactly the inbox");
		assert.ok(received.length > before);
		// Each (publication, product) once in the inbox: nothing was stored twice.
		const keys = all.map((n) => `${n.publicationId}|${n.productId}`);
		assert.equal(new Set(keys).size, keys.length);
		// Every changed fund of the second publication reached the inbox.
		const publication = await getJson(
			`${api}/api/publications/${second.body.publicationId}?withProducts=false`,
		);
		const funds = publication.body.productIds.filter((id: string) => id.split(":")[1] === "fund");
		const delivered = stored
			.filter((r) => r.publicationId === second.body.publicationId)
			.map((r) => r.productId);
		assert.deepEqual(new Set(delivered), new Set(funds));

		// One immediate e-mail per publication, the second one included, none twice.
		await waitFor(() => digestsTo().length === 2 || undefined, {
			what: "the second e-mail",
			timeoutMs: 45_000,
		});
		await new Promise((resolve) => setTimeout(resolve, 2_500));
		assert.equal(digestsTo().length, 2);
	});

	it("drains on SIGTERM: the live node says bye, the matcher stops after its task, both exit 0 in time", async () => {
		const livePort3 = await freePort();
		startNode("live-3", ["live"], {
			...common,
			LIVE_PORT: String(livePort3),
			HEALTH_PORT: String(await freePort()),
		});
		await ready("live-3");
		await new Promise((resolve) => setTimeout(resolve, 3_000)); // known to every node
		await listen(livePort3);

		const running = collect();
		const stopping = [stop("live-3"), stop("matcher-2")];
		const third = await running;
		assert.equal(third.status, 200, JSON.stringify(third.body));
		assert.ok(third.body.publicationId, "the third run published changes");
		for (const { code, ms } of await Promise.all(stopping)) {
			assert.equal(code, 0, "a clean exit");
			assert.ok(ms < 15_000, `stopped in ${ms} ms`);
		}
		assert.deepEqual(byes, [livePort3], "the socket was told to reconnect elsewhere");

		// No matcher runs now: the work waits in the queue for the next one.
		startNode("matcher-3", ["matcher"], { ...common, PORT: "0", HEALTH_PORT: String(await freePort()) });
		await ready("matcher-3");
		await listen(Number(new URL(api).port));
		await waitFor(
			async () => {
				const rows = await inbox();
				return (
					rows.some((r) => r.publicationId === third.body.publicationId) && received.length >= rows.length
				);
			},
			{ what: "the third publication in the inbox and on the socket", timeoutMs: 60_000 },
		);
		const all = await inbox();
		const ids = received.map((n) => n.id);
		assert.equal(new Set(ids).size, ids.length, "no notification reached the socket twice");
		assert.deepEqual(new Set(ids), new Set(all.map((n) => n.id)));
		await waitFor(() => digestsTo().length === 3 || undefined, {
			what: "the third e-mail",
			timeoutMs: 40_000,
		});
	});
});
