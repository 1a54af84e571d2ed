/**
 * Real processes, as operators run them: `node index.ts` alone (the embedded default),
 * two nodes over NATS, the local cluster, and a bad env value.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { topology } from "../../scripts/topology.ts";
import { serviceNames } from "../../services/index.ts";
import { freePort, getJson, natsUrl, tempDir, uniqueNamespace, waitFor } from "../harness.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const running = new Set<ChildProcess>();

interface Started {
	child: ChildProcess;
	output: () => string;
	exited: Promise<number | null>;
}

/** Loopback-only sources: the bundled file collects at start, and no test may reach the brokers' hosts. */
const offlineSources = fileURLToPath(new URL("../fixtures/sources.manual.json", import.meta.url));

function run(script: string, env: Record<string, string>): Started {
	const sources = script === "scripts/demo.ts" ? {} : { SOURCES_FILE: offlineSources };
	const child = spawn(process.execPath, [join(root, script)], {
		cwd: root,
		env: { ...process.env, LOG_LEVEL: "warn", ...sources, ...env },
		stdio: ["ignore", "pipe", "pipe"],
	});
	running.add(child);
	let output = "";
	child.stdout?.on("data", (chunk) => {
		output += chunk;
	});
	child.stderr?.on("data", (chunk) => {
		output += chunk;
	});
	const exited = new Promise<number | null>((resolve) =>
		child.on("exit", (code) => {
			running.delete(child);
			resolve(code);
		}),
	);
	return { child, output: () => output, exited };
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

after(() => {
	for (const child of running) child.kill("SIGKILL");
});

describe("processes", () => {
	it("exits non-zero with a message naming the variable on a bad env value", async () => {
		for (const [variable, value] of [
			["PORT", "abc"],
			["TRANSPORTER", "foo"],
		] as const) {
			const started = run("index.ts", { [variable]: value });
			const code = await within(started.exited, 15_000, "exit");
			assert.notEqual(code, 0);
			assert.match(started.output(), new RegExp(`Invalid ${variable}=`));
		}
	});

	it("exits 2 with one line naming the variable when a port it would listen on is taken", async () => {
		const { createServer } = await import("node:net");
		const taken = createServer();
		await new Promise<void>((resolve) => taken.listen(0, "0.0.0.0", resolve));
		const port = String((taken.address() as { port: number }).port);
		const data = tempDir();
		try {
			for (const [variable, env] of [
				["PORT", { PORT: port }],
				["METRICS_PORT", { PORT: "0", METRICS_PORT: port }],
				["HEALTH_PORT", { PORT: "0", METRICS_PORT: "0", HEALTH_PORT: port }],
				["LIVE_PORT", { SERVICES: "live", METRICS_PORT: "0", LIVE_PORT: port }],
			] as const) {
				const started = run("index.ts", { DATA_DIR: data.path, ...env });
				const code = await within(started.exited, 15_000, `exit on a taken ${variable}`);
				const lines = started.output().trim().split("\n");
				assert.equal(code, 2, started.output());
				assert.equal(lines.length, 1, started.output());
				assert.match(lines[0] as string, new RegExp(`^insights: ${variable}=${port} is already in use`));
			}
		} finally {
			taken.close();
			data.remove();
		}
	});

	it("starts the embedded default, answers health and metrics, and stops cleanly on SIGTERM", async () => {
		const data = tempDir();
		const [port, metricsPort] = [await freePort(), await freePort()];
		const started = run("index.ts", {
			DATA_DIR: data.path,
			PORT: String(port),
			METRICS_PORT: String(metricsPort),
		});
		try {
			// The gateway may answer before the node's other services have started: /api/ready
			// is the signal that all of them have.
			await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/api/ready`)).status === 200, {
				timeoutMs: 60_000,
				what: "/api/ready",
			});
			const { body: health } = await getJson(`http://127.0.0.1:${port}/api/health`);
			assert.deepEqual(
				health.nodes[0].services,
				[...serviceNames, "identity", "listings", "publications", "staging"].sort(),
			);
			const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
			assert.match(metrics, /moleculer_broker_started/);
			assert.ok(existsSync(join(data.path, "products.db")), "NeDB file in DATA_DIR");
			for (const file of ["products.db", "subscribers.db", "jwt-secret"])
				assert.equal(statSync(join(data.path, file)).mode & 0o077, 0, `${file} is its owner's alone`);

			started.child.kill("SIGTERM");
			assert.equal(await within(started.exited, 20_000, "shutdown"), 0);
		} finally {
			data.remove();
		}
	});

	it("makes an operator token on first start, shows it once, keeps it in DATA_DIR; OPERATOR_TOKEN overrides it", async () => {
		const data = tempDir();
		const port = await freePort();
		const env = { DATA_DIR: data.path, PORT: String(port), METRICS_PORT: "0", LOG_LEVEL: "info" };
		const admin = (token: string) =>
			fetch(`http://127.0.0.1:${port}/api/admin/subscribers`, {
				headers: { authorization: `Bearer ${token}` },
			});
		const startAndStop = async (extra: Record<string, string> = {}, check?: () => Promise<void>) => {
			const started = run("index.ts", { ...env, ...extra });
			await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/api/ready`)).status === 200, {
				timeoutMs: 60_000,
				what: "/api/ready",
			});
			await check?.();
			started.child.kill("SIGTERM");
			assert.equal(await within(started.exited, 20_000, "shutdown"), 0);
			return started.output();
		};
		try {
			const first = await startAndStop();
			const file = join(data.path, "operator-token");
			const token = readFileSync(file, "utf8").trim();
			assert.ok(token.length >= 32);
			assert.equal(statSync(file).mode & 0o777, 0o600, "readable by its owner only");
			const shown = first.split("\n").filter((line) => line.includes(token));
			assert.equal(shown.length, 1, "shown once");
			assert.match(shown[0] as string, /operador/);
			assert.match(shown[0] as string, /Authorization: Bearer/);

			const second = await startAndStop({}, async () => {
				assert.equal((await admin(token)).status, 200, "the kept token works");
			});
			assert.ok(!second.includes(token), "not shown again");
			assert.match(second, /operator-token/);

			await startAndStop({ OPERATOR_TOKEN: "an-operator-token-from-env" }, async () => {
				assert.equal((await admin("an-operator-token-from-env")).status, 200);
				assert.equal((await admin(token)).status, 403, "the file's token yields to OPERATOR_TOKEN");
			});
		} finally {
			data.remove();
		}
	});

	it("npm run demo: collects the bundled samples at start and serves them", async () => {
		const data = tempDir();
		const port = await freePort();
		const started = run("scripts/demo.ts", { DATA_DIR: data.path, PORT: String(port), METRICS_PORT: "0" });
		try {
			const publications = await waitFor(
				async () => {
					const { body } = await getJson(`http://127.0.0.1:${port}/api/publications`);
					return body?.total >= 1 ? body : undefined;
				},
				{ timeoutMs: 60_000, what: "the demo's first publication" },
			);
			assert.deepEqual([...publications.rows[0].sources].sort(), [
				"btg-funds",
				"house-picks",
				"opin-pension",
				"tesouro-direto",
				"xp-funds",
			]);
			const { body: stocks } = await getJson(`http://127.0.0.1:${port}/api/products?category=stock`);
			assert.ok(stocks.rows.length > 0);
			assert.ok(
				stocks.rows.every((p: { metrics?: object }) => p.metrics),
				"sample prices enrich every stock",
			);
			const { body: runs } = await getJson(`http://127.0.0.1:${port}/api/collector/runs`);
			assert.equal(runs.rows[0].trigger, "schedule");
			started.child.kill("SIGTERM");
			assert.equal(await within(started.exited, 20_000, "shutdown"), 0);
		} finally {
			data.remove();
		}
	});

	it("lists both nodes and their services when api and the rest run as separate nodes over NATS", async () => {
		const namespace = uniqueNamespace();
		const port = await freePort();
		const common = { TRANSPORTER: natsUrl, NAMESPACE: namespace, METRICS_PORT: "0" };
		const dataA = tempDir();
		const dataB = tempDir();
		const a = run("index.ts", {
			...common,
			SERVICES: "api",
			NODE_ID: "node-a",
			PORT: String(port),
			DATA_DIR: dataA.path,
		});
		const others = serviceNames.filter((name) => name !== "api").join(",");
		const b = run("index.ts", {
			...common,
			SERVICES: others,
			NODE_ID: "node-b",
			PORT: "0",
			DATA_DIR: dataB.path,
		});
		try {
			const health = await waitFor(
				async () => {
					const { body } = await getJson(`http://127.0.0.1:${port}/api/health`);
					return body?.nodes?.length === 2 ? body : undefined;
				},
				{ timeoutMs: 60_000, what: "both nodes in /api/health" },
			);
			const byId = Object.fromEntries(
				health.nodes.map((n: { id: string; services: string[] }) => [n.id, n.services]),
			);
			assert.deepEqual(byId["node-a"], ["api"]);
			assert.deepEqual(
				byId["node-b"],
				[
					...serviceNames.filter((name) => name !== "api"),
					"identity",
					"listings",
					"publications",
					"staging",
				].sort(),
			);
			// The gateway on A serves B's routes.
			const products = await waitFor(
				async () => {
					const res = await getJson(`http://127.0.0.1:${port}/api/products`);
					return res.status === 200 ? res.body : undefined;
				},
				{ what: "GET /api/products through node A" },
			);
			assert.equal(products.total, 0);
		} finally {
			a.child.kill("SIGTERM");
			b.child.kill("SIGTERM");
			await Promise.all([a.exited, b.exited]);
			dataA.remove();
			dataB.remove();
		}
	});

	it("stops cleanly on SIGTERM while still starting: a matcher node waiting for the services it needs", async () => {
		const data = tempDir();
		const matcher = run("index.ts", {
			TRANSPORTER: natsUrl,
			NAMESPACE: uniqueNamespace(),
			SERVICES: "matcher",
			NODE_ID: "lonely-matcher",
			METRICS_PORT: "0",
			DATA_DIR: data.path,
			LOG_LEVEL: "info",
		});
		try {
			// No node holds its dependencies: its start waits for them until it is told to stop.
			await waitFor(() => /Waiting for service/.test(matcher.output()), {
				timeoutMs: 30_000,
				what: "the matcher node waiting for its dependencies",
			});
			matcher.child.kill("SIGTERM");
			assert.equal(await within(matcher.exited, 20_000, "the stop"), 0, matcher.output().slice(-3000));
			assert.doesNotMatch(matcher.output(), /failed to start/);
		} finally {
			data.remove();
		}
	});

	it("runs every service in the local cluster topology, and the matcher and live on two nodes", () => {
		const placed = topology.flatMap((node) => node.services);
		assert.deepEqual([...new Set(placed)].sort(), [...serviceNames].sort());
		assert.equal(placed.filter((name) => name === "matcher").length, 2);
		assert.equal(placed.filter((name) => name === "live").length, 2);
		assert.equal(placed.length, serviceNames.length + 2, "only the matcher and live are doubled");
	});

	it("starts the local cluster over NATS and stops every node on Ctrl-C", async () => {
		const data = tempDir();
		const port = await freePort();
		const started = run("scripts/cluster.ts", {
			NAMESPACE: uniqueNamespace(),
			NATS_URL: natsUrl,
			PORT: String(port),
			LIVE_PORT: String(await freePort()),
			METRICS_PORT: "0",
			DATA_DIR: data.path,
		});
		try {
			const health = await waitFor(
				async () => {
					const { body } = await getJson(`http://127.0.0.1:${port}/api/health`);
					return body?.nodes?.length === topology.length ? body : undefined;
				},
				{ timeoutMs: 60_000, what: "every cluster node in /api/health" },
			);
			// Node ids are `<topology name>-<hostname>`.
			const ids = health.nodes.map((n: { id: string }) => n.id.slice(0, -hostname().length - 1)).sort();
			assert.deepEqual(ids, topology.map((n) => n.name).sort());
			started.child.kill("SIGINT");
			assert.equal(
				await within(started.exited, 30_000, "cluster shutdown"),
				0,
				started.output().slice(-3000),
			);
			assert.match(started.output(), /all nodes stopped/);
		} finally {
			data.remove();
		}
	});
});
