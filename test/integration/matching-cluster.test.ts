/**
 * Matching across nodes over a real NATS with JetStream: a publication made before any
 * matcher ran is matched when matchers start, two matcher nodes share a publication's
 * chunks and give exactly one node's result, and a matcher process killed mid-publication
 * leaves, once another has run, every notification present exactly once.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { connect } from "nats";
import type { Interests } from "../../domain/interests.ts";
import type { Product } from "../../domain/product.ts";
import { type Client, verifiedClient } from "../fixtures/clients.ts";
import {
	natsUrl,
	type RunningSystem,
	sharedClock,
	startSystem,
	tempDir,
	uniqueNamespace,
	waitFor,
} from "../harness.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const collectedAt = new Date(sharedClock.now()).toISOString();
const funds = (prefix: string, count: number): Product[] =>
	Array.from({ length: count }, (_, i) => ({
		id: `house:fund:${prefix}-${i}`,
		source: "house",
		category: "fund" as const,
		nativeId: `${prefix}-${i}`,
		name: `Fundo ${prefix} ${i}`,
		adminFee: (i % 20) / 1000,
		riskLevel: 2 as const,
		collectedAt,
	}));

async function dropStreams(namespace: string) {
	const nc = await connect({ servers: natsUrl });
	const jsm = await nc.jetstreamManager();
	await jsm.streams.delete(`INSIGHTS_${namespace}`).catch(() => false);
	await jsm.streams.delete(`KV_insights-${namespace}-collector`).catch(() => false);
	await nc.close();
}

describe("matcher nodes over NATS", () => {
	const namespace = uniqueNamespace();
	const data = tempDir();
	const env = { TRANSPORTER: natsUrl, NAMESPACE: namespace, LOG_LEVEL: "error" };
	let core: RunningSystem;
	const matchers: RunningSystem[] = [];
	const children = new Set<ChildProcess>();
	let clients: Client[] = [];

	/** Notifications stored for a publication, counted in the notifications collection. */
	const stored = async (publicationId: string) => {
		const service = core.broker.getLocalService("notifications") as unknown as {
			adapter: { count(filter: object): Promise<number> };
		};
		return service.adapter.count({ query: { publicationId } });
	};
	const publish = async (id: string, products: Product[]) => {
		for (let i = 0; i < products.length; i += 500)
			await core.broker.call("products.stage", { publicationId: id, products: products.slice(i, i + 500) });
		return core.broker.call("products.publish", { id, sources: ["house"] });
	};

	before(async () => {
		core = await startSystem({
			...env,
			NODE_ID: "core",
			DATA_DIR: data.path,
			SERVICES: "api,products,subscribers,mailer,notifications",
		});
		clients = [];
		const wishes: Interests[] = [
			{ fund: {} },
			{ fund: { adminFee: { max: 0.009 } } },
			{ fund: { adminFee: { min: 0.01 } } },
		];
		for (const [i, interests] of wishes.entries()) {
			clients.push(await verifiedClient(core.url, data.path, `c${i}@example.com`, interests));
		}
	});
	after(async () => {
		for (const child of children) child.kill("SIGKILL");
		await Promise.all(matchers.map((m) => m.stop()));
		await core.stop();
		await dropStreams(namespace);
		data.remove();
	});

	it("matches a publication made before any matcher ran, once matchers start", async () => {
		await publish("early", funds("early", 10));
		await new Promise((resolve) => setTimeout(resolve, 300));
		assert.equal(await stored("early"), 0);
		for (const id of ["m1", "m2"])
			matchers.push(
				await startSystem({ ...env, NODE_ID: id, SERVICES: "matcher", DATA_DIR: tempDir().path }),
			);
		// Fees run 0, 0.001 … 0.009: c0 and c1 want all ten, c2 none.
		const expected = 10 + 10 + 0;
		await waitFor(async () => (await stored("early")) === expected, { what: `${expected} notifications` });
	});

	it("splits a publication between two matcher nodes, with the same result as one node", async () => {
		const products = funds("big", 1_000);
		await publish("big", products);
		// Fees cycle through 0 … 0.019: c0 wants all, c1 and c2 half each.
		const expected = 1_000 + 500 + 500;
		await waitFor(async () => (await stored("big")) === expected, {
			timeoutMs: 30_000,
			what: `${expected} notifications`,
		});
		const handled = matchers.map(
			(m) => (m.broker.getLocalService("matcher") as unknown as { tasksHandled?: number }).tasksHandled ?? 0,
		);
		assert.ok(
			handled.every((n) => n > 0),
			`both nodes handled tasks: ${handled}`,
		);
		await new Promise((resolve) => setTimeout(resolve, 500));
		assert.equal(await stored("big"), expected, "nothing more arrives later");
	});

	it("leaves every notification exactly once after a matcher is killed mid-publication", async () => {
		await Promise.all(matchers.splice(0).map((m) => m.stop()));
		const child = spawn(process.execPath, [join(root, "index.ts")], {
			cwd: root,
			env: {
				...process.env,
				...env,
				NODE_ID: "doomed",
				SERVICES: "matcher",
				PORT: "0",
				METRICS_PORT: "0",
				DATA_DIR: tempDir().path,
			},
			stdio: "ignore",
		});
		children.add(child);
		await waitFor(
			() =>
				core.broker.registry.getServiceList({}).some((s) => s.name === "matcher" && s.nodeID === "doomed"),
			{
				timeoutMs: 30_000,
				what: "the matcher process",
			},
		);
		const products = funds("kill", 8_000);
		await publish("kill", products);
		const expected = 8_000 + 4_000 + 4_000;
		await waitFor(async () => (await stored("kill")) > 0, {
			timeoutMs: 30_000,
			what: "the first notifications",
		});
		child.kill("SIGKILL");
		const atKill = await stored("kill");
		assert.ok(atKill < expected, `killed mid-publication (${atKill} of ${expected} stored)`);

		matchers.push(
			await startSystem({ ...env, NODE_ID: "m3", SERVICES: "matcher", DATA_DIR: tempDir().path }),
		);
		await waitFor(async () => (await stored("kill")) === expected, {
			timeoutMs: 120_000,
			intervalMs: 500,
			what: `${expected} notifications after the restart`,
		});
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		assert.equal(await stored("kill"), expected);
	});
});
