/**
 * Privacy over a real NATS: an erased client must leave every matcher's index even when a
 * matcher node never hears the `subscribers.changed` erase event. One matcher node here is
 * deaf to erasures (a broker middleware drops the event before its handler runs); its
 * reconcile pass learns of the erasure from the tombstone subscribers.changedSince returns,
 * within the reconcile period, and a publication it matches afterwards does not reach them.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Context, Middleware, ServiceBroker } from "moleculer";
import { connect } from "nats";
import type { InterestIndex } from "../../services/matcher/index.ts";
import { createNode } from "../../system.ts";
import { type Client, verifiedClient } from "../fixtures/clients.ts";
import { houseFund } from "../fixtures/products.ts";
import {
	getJson,
	natsUrl,
	type RunningSystem,
	sharedClock,
	startSystem,
	tempDir,
	testConfig,
	uniqueNamespace,
	waitFor,
} from "../harness.ts";

/** How often the matchers reconcile in this test (30 s by default). */
const reconcileEveryMs = 1_000;

interface MatcherService {
	index: InterestIndex;
	settings: { reconcileEveryMs: number };
	scheduleReconcile(): void;
}
const matcherOf = (broker: ServiceBroker) => broker.getLocalService("matcher") as unknown as MatcherService;

const fund = (nativeId: string) => houseFund(nativeId, sharedClock.now(), { adminFee: 0.005, riskLevel: 1 });

async function dropStreams(namespace: string) {
	const nc = await connect({ servers: natsUrl });
	const jsm = await nc.jetstreamManager();
	await jsm.streams.delete(`INSIGHTS_${namespace}`).catch(() => false);
	await jsm.streams.delete(`KV_insights-${namespace}-collector`).catch(() => false);
	await nc.close();
}

describe("an erasure a matcher node missed, over NATS", () => {
	const namespace = uniqueNamespace();
	const data = tempDir();
	const deafData = tempDir();
	const env = { TRANSPORTER: natsUrl, NAMESPACE: namespace, LOG_LEVEL: "error" };
	let core: RunningSystem;
	let hearing: RunningSystem;
	let deaf: ServiceBroker;
	let leaving: Client;
	let staying: Client;
	/** Erase events the deaf node dropped, and whether its index held the client right then. */
	const dropped: { id: string; held: boolean }[] = [];

	/** Drops every `subscribers.changed` erase event before the matcher's handler sees it. */
	const deafToErasures: Middleware = {
		name: "DeafToErasures",
		localEvent(next: (ctx: Context) => Promise<unknown>, event: { name: string }) {
			if (event.name !== "subscribers.changed") return next;
			return (ctx: Context<{ id: string; change: string }>) => {
				if (ctx.params.change !== "erased") return next(ctx);
				dropped.push({ id: ctx.params.id, held: matcherOf(deaf).index.has(ctx.params.id) });
				return Promise.resolve();
			};
		},
	} as unknown as Middleware;

	const notifications = async (query: object) => {
		const service = core.broker.getLocalService("notifications") as unknown as {
			adapter: { count(filter: object): Promise<number> };
		};
		return service.adapter.count({ query });
	};

	before(async () => {
		core = await startSystem({
			...env,
			NODE_ID: "core",
			DATA_DIR: data.path,
			SERVICES: "api,products,subscribers,mailer,notifications",
		});
		hearing = await startSystem({ ...env, NODE_ID: "hearing", SERVICES: "matcher" });
		deaf = await createNode(
			testConfig({ ...env, NODE_ID: "deaf", SERVICES: "matcher", DATA_DIR: deafData.path }),
		);
		// Before start: event handlers are wrapped when the service registers.
		deaf.middlewares.add(deafToErasures);
		await deaf.start();
		for (const matcher of [matcherOf(hearing.broker), matcherOf(deaf)]) {
			matcher.settings.reconcileEveryMs = reconcileEveryMs;
			matcher.scheduleReconcile();
		}
		leaving = await verifiedClient(core.url, data.path, "leaving@example.com", { fund: {} });
		staying = await verifiedClient(core.url, data.path, "staying@example.com", { fund: {} });
	});
	after(async () => {
		await deaf?.stop();
		await hearing?.stop();
		await core?.stop();
		await dropStreams(namespace);
		data.remove();
		deafData.remove();
	});

	it("drops the client from the node that missed the event within the reconcile period, and a new publication does not reach them", async () => {
		await waitFor(
			() =>
				[hearing.broker, deaf].every((broker) =>
					[leaving.id, staying.id].every((id) => matcherOf(broker).index.has(id)),
				),
			{ what: "both clients in both matchers' indexes" },
		);

		const erased = await getJson(`${core.url}/api/me`, {
			method: "DELETE",
			headers: { authorization: `Bearer ${leaving.token}` },
		});
		assert.equal(erased.status, 200);
		const erasedAt = Date.now();
		await waitFor(() => dropped.some((d) => d.id === leaving.id), {
			what: "the deaf node dropping the event",
		});
		assert.deepEqual(
			dropped.find((d) => d.id === leaving.id),
			{ id: leaving.id, held: true },
			"the deaf node still held the client when it missed the event",
		);
		await waitFor(() => !matcherOf(hearing.broker).index.has(leaving.id), {
			what: "the node that heard the event dropping the client",
		});

		// The next pass finds the erasure as a tombstone in subscribers.changedSince.
		await waitFor(() => !matcherOf(deaf).index.has(leaving.id), {
			timeoutMs: 3 * reconcileEveryMs + 2_000,
			intervalMs: 50,
			what: "the deaf node dropping the erased client (a tombstone from subscribers.changedSince)",
		});
		const tookMs = Date.now() - erasedAt;
		assert.ok(tookMs < 2 * reconcileEveryMs + 1_000, `out of the index ${tookMs} ms after the erasure`);
		assert.ok(matcherOf(deaf).index.has(staying.id), "the other client stays");

		// Only the deaf node matches from now on.
		await hearing.stop();
		await core.broker.call("products.publish", {
			id: "after-erasure",
			sources: ["house"],
			products: [fund("after")],
		});
		await waitFor(
			async () => (await notifications({ subscriberId: staying.id, publicationId: "after-erasure" })) === 1,
			{
				timeoutMs: 20_000,
				what: "the publication matched for the client who stayed",
			},
		);
		await new Promise((resolve) => setTimeout(resolve, 500));
		assert.equal(await notifications({ subscriberId: leaving.id }), 0, "nothing for the erased client");
	});
});
