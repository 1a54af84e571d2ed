/**
 * Two analytics nodes over a real NATS with JetStream, each with its own storage: one runs
 * from the start, the other starts after the publications (it catches up from the stream).
 * Both give the same numbers as each other and as a recount from the raw notifications.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connect } from "nats";
import { localDate } from "../../domain/dates.ts";
import type { Product } from "../../domain/product.ts";
import { verifiedClient } from "../fixtures/clients.ts";
import { type RawNotification, type RawPublication, recount } from "../fixtures/recount.ts";
import {
	natsUrl,
	type RunningSystem,
	sharedClock,
	startSystem,
	tempDir,
	testEpoch,
	uniqueNamespace,
	waitFor,
} from "../harness.ts";

const collectedAt = new Date(testEpoch).toISOString();
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

type Adapter = { find(params: object): Promise<Record<string, unknown>[]> };

describe("analytics nodes over NATS", () => {
	const namespace = uniqueNamespace();
	const data = tempDir();
	const env = { TRANSPORTER: natsUrl, NAMESPACE: namespace, LOG_LEVEL: "error" };
	let core: RunningSystem;
	let late: RunningSystem | undefined;

	const adapterOf = (service: string) =>
		(core.broker.getLocalService(service) as unknown as { adapter: Adapter }).adapter;
	/** The same questions, asked of one node's analytics. */
	const answers = async (system: RunningSystem) => {
		const ask = (action: string, params: object = {}) =>
			system.broker.call(action, params, { nodeID: system.broker.nodeID });
		return {
			category: await ask("analytics.frequency", { groupBy: "category" }),
			source: await ask("analytics.frequency", { groupBy: "source" }),
			top7: await ask("analytics.top", { period: "7d", limit: 100 }),
			topAll: await ask("analytics.top", { period: "all", limit: 100 }),
			publications: await ask("analytics.publications", { limit: 100 }),
			totals: ((await ask("analytics.summary")) as { totals: object }).totals,
		};
	};

	before(async () => {
		core = await startSystem({ ...env, NODE_ID: "core", DATA_DIR: data.path });
		await verifiedClient(core.url, data.path, "cheap@example.com", { fund: { adminFee: { max: 0.005 } } });
		await verifiedClient(core.url, data.path, "all@example.com", { fund: {} });
		await verifiedClient(core.url, data.path, "mid@example.com", { fund: { adminFee: { min: 0.01 } } });
	});
	after(async () => {
		await late?.stop();
		await core.stop();
		data.remove();
		const nc = await connect({ servers: natsUrl });
		const jsm = await nc.jetstreamManager();
		await jsm.streams.delete(`INSIGHTS_${namespace}`).catch(() => false);
		await jsm.streams.delete(`KV_insights-${namespace}-collector`).catch(() => false);
		await nc.close();
	});

	it("a node started later catches up, and both equal the recount", async () => {
		for (const [id, prefix] of [
			["pub-a", "a"],
			["pub-b", "b"],
		] as const)
			await core.broker.call("products.publish", { id, sources: ["house"], products: funds(prefix, 40) });
		const stored = async () =>
			(await adapterOf("notifications").find({ query: { subscriberId: { $exists: true } } })).length;
		// 40 funds each: cheap gets fees 0–0.005 (12), all gets 40, mid gets 0.01–0.019 (20).
		await waitFor(async () => (await stored()) === 2 * 72 || undefined, { what: "144 notifications" });

		late = await startSystem({ ...env, NODE_ID: "late", SERVICES: "analytics", PORT: "0" });
		const totalsOf = async (system: RunningSystem) =>
			(
				(await system.broker.call("analytics.summary", {}, { nodeID: system.broker.nodeID })) as {
					totals: { notifications: number; publications: number };
				}
			).totals;
		for (const system of [core, late])
			await waitFor(
				async () => {
					const totals = await totalsOf(system);
					return totals.notifications === 144 && totals.publications === 2;
				},
				{ what: "every notification counted", timeoutMs: 20_000 },
			);

		const first = await answers(core);
		const second = await answers(late);
		assert.deepEqual(second, first);

		const notifications = (await adapterOf("notifications").find({
			query: { subscriberId: { $exists: true } },
		})) as unknown as RawNotification[];
		const publications = (await adapterOf("publications").find({})).map((p) => ({
			...p,
			id: p._id,
		})) as unknown as RawPublication[];
		const truth = recount(notifications, publications, localDate(new Date(sharedClock.now())));
		assert.deepEqual(first.totals, truth.totals);
		assert.deepEqual(
			(first.topAll as { productId: string; count: number }[]).map(({ productId, count }) => ({
				productId,
				count,
			})),
			truth.top("all", 100),
		);
		const to = (first.category as { to: string }).to;
		const from = (first.category as { from: string }).from;
		assert.deepEqual(first.category, truth.frequency(from, to, "category"));
		assert.deepEqual(first.source, truth.frequency(from, to, "source"));
		for (const reach of first.publications as { publicationId: string; matchRate: number }[])
			assert.equal(reach.matchRate, truth.reach(reach.publicationId).matchRate);
	});
});
