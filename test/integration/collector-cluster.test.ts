/**
 * Collector nodes over a real NATS: a run on one node blocks runs on every other (409),
 * operator auth holds when the gateway and the collector are different nodes, and a
 * schedule tick runs on exactly one node.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { connect } from "nats";
import type { CollectorRunSummary, Page } from "../../domain/contracts.ts";
import { type BrokerFixture, btgFund, startBrokerFixture } from "../fixtures/brokers.ts";
import {
	getJson,
	natsUrl,
	type RunningSystem,
	startSystem,
	tempDir,
	uniqueNamespace,
	waitFor,
} from "../harness.ts";

const token = "cluster-operator-token-0123456789";

async function cluster(sources: object[], namespace: string, dir: string) {
	const file = join(dir, `sources-${namespace}.json`);
	writeFileSync(file, JSON.stringify({ limits: { retries: 0 }, sources }));
	const env = {
		TRANSPORTER: natsUrl,
		NAMESPACE: namespace,
		SOURCES_FILE: file,
		OPERATOR_TOKEN: token,
		PRICES_PROVIDER: "sample",
	};
	const nodes = await Promise.all([
		startSystem({ ...env, NODE_ID: "gateway", SERVICES: "api" }),
		startSystem({ ...env, NODE_ID: "catalogue", SERVICES: "products,prices,metrics" }),
		startSystem({ ...env, NODE_ID: "collector-1", SERVICES: "collector" }),
		startSystem({ ...env, NODE_ID: "collector-2", SERVICES: "collector" }),
	]);
	await nodes[0]?.broker.waitForServices(["collector", "products", "metrics"], 15_000);
	return nodes as [RunningSystem, RunningSystem, RunningSystem, RunningSystem];
}

async function dropLockBucket(namespace: string) {
	const nc = await connect({ servers: natsUrl });
	await (await nc.jetstreamManager()).streams.delete(`KV_insights-${namespace}-collector`).catch(() => false);
	await nc.close();
}

describe("collector nodes over NATS", () => {
	const dir = tempDir();
	const namespace = uniqueNamespace();
	let site: BrokerFixture;
	let nodes: RunningSystem[];

	before(async () => {
		site = await startBrokerFixture({
			"/slow": { delayMs: 1_500, body: JSON.stringify([btgFund({ id: 1 })]) },
			"/fast": { body: JSON.stringify([btgFund({ id: 2 })]) },
		});
		nodes = await cluster(
			[
				{ name: "slow", type: "btg-funds", url: `${site.url}/slow` },
				{ name: "fast", type: "btg-funds", url: `${site.url}/fast` },
			],
			namespace,
			dir.path,
		);
	});
	after(async () => {
		await Promise.all(nodes.map((n) => n.stop()));
		await site.stop();
		await dropLockBucket(namespace);
		dir.remove();
	});

	it("checks the operator token at the gateway for an action on another node", async () => {
		const [gateway] = nodes as [RunningSystem];
		// The gateway learns remote services' routes shortly after they join.
		const res = await waitFor(
			async () => {
				const answer = await getJson(`${gateway.url}/api/collector/run`, {
					method: "POST",
					body: "{}",
					headers: { "content-type": "application/json" },
				});
				return answer.status === 404 ? undefined : answer;
			},
			{ what: "the collector's routes on the gateway" },
		);
		assert.equal(res.status, 401);
		const ok = await getJson(`${gateway.url}/api/collector/run`, {
			method: "POST",
			body: JSON.stringify({ sources: ["fast"] }),
			headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
		});
		assert.equal(ok.status, 200, JSON.stringify(ok.body));
		assert.equal(ok.body.sources.fast.new, 1);
	});

	it("refuses a run on collector-2 while collector-1 runs (409), then accepts it", async () => {
		const [gateway] = nodes as [RunningSystem];
		const first = gateway.broker.call<CollectorRunSummary, object>(
			"collector.run",
			{ sources: ["slow"] },
			{ nodeID: "collector-1" },
		);
		await new Promise((resolve) => setTimeout(resolve, 400));
		await assert.rejects(
			gateway.broker.call("collector.run", { sources: ["fast"] }, { nodeID: "collector-2" }),
			{ code: 409, type: "RUN_IN_PROGRESS" },
		);
		assert.equal((await first).sources.slow?.new, 1);
		const later = await gateway.broker.call<CollectorRunSummary, object>(
			"collector.run",
			{ sources: ["fast"] },
			{ nodeID: "collector-2" },
		);
		assert.equal(later.sources.fast?.unchanged, 1, "the cluster shares one catalogue");
	});
});

describe("scheduled collection across collector nodes", () => {
	const dir = tempDir();
	const namespace = uniqueNamespace();
	let site: BrokerFixture;
	let nodes: RunningSystem[];

	before(async () => {
		site = await startBrokerFixture({ "/fast": { body: JSON.stringify([btgFund({ id: 3 })]) } });
		nodes = await cluster(
			[{ name: "fast", type: "btg-funds", url: `${site.url}/fast`, schedule: "*/2 * * * * *" }],
			namespace,
			dir.path,
		);
	});
	after(async () => {
		await Promise.all(nodes.map((n) => n.stop()));
		await site.stop();
		await dropLockBucket(namespace);
		dir.remove();
	});

	it("runs each tick on exactly one node", async () => {
		const [gateway] = nodes as [RunningSystem];
		const runsOf = (nodeID: string) =>
			gateway.broker.call<Page<CollectorRunSummary>, object>("collector.runs", { pageSize: 100 }, { nodeID });
		const all = await waitFor(
			async () => {
				const runs = [...(await runsOf("collector-1")).rows, ...(await runsOf("collector-2")).rows];
				return runs.length >= 4 ? runs : undefined;
			},
			{ timeoutMs: 15_000, what: "four scheduled runs" },
		);
		assert.ok(all.every((run) => run.trigger === "schedule"));
		const ticks = all.map((run) => Math.round(Date.parse(run.startedAt) / 2_000));
		assert.equal(new Set(ticks).size, ticks.length, `two nodes ran the same tick: ${ticks}`);
	});
});
