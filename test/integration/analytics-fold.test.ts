/**
 * Folding analytics' old facts (docs/analytics.md, "Folding"), in the embedded default: after
 * the notification facts older than ANALYTICS_FOLD_DAYS are folded, the store holds none of
 * them, every answer still equals a recount from the raw notifications and publications, a
 * late copy of a folded message adds nothing, and a restart and an erasure change nothing.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { DistributionBatch } from "../../domain/contracts.ts";
import { addDays, localDate } from "../../domain/dates.ts";
import { acquireQueue, releaseQueue } from "../../lib/durable-queue.ts";
import { type Client, verifiedClient } from "../fixtures/clients.ts";
import { houseFund } from "../fixtures/products.ts";
import { assertAnalyticsMatchRecount } from "../fixtures/recount.ts";
import {
	getJson,
	type RunningSystem,
	startSystem,
	tempDir,
	testClock,
	testEpoch,
	waitFor,
} from "../harness.ts";

const day = 86_400_000;
const fund = (nativeId: string, adminFee: number) => houseFund(nativeId, testEpoch, { adminFee });

interface Store {
	find(params: object): Promise<Record<string, unknown>[]>;
}
interface Analytics {
	adapter: Store;
	foldOldFacts(): Promise<number>;
}

describe("analytics folds facts older than its window", () => {
	const data = tempDir();
	const clock = testClock();
	let system: RunningSystem;
	let cheap: Client;
	const env = { DATA_DIR: data.path, ANALYTICS_FOLD_DAYS: "60" };
	const analytics = () => system.broker.getLocalService("analytics") as unknown as Analytics;
	const store = (service: string) => (system.broker.getLocalService(service) as unknown as Analytics).adapter;
	const api = (path: string) => getJson(`${system.url}/api/analytics${path}`);
	const today = () => localDate(new Date(clock.now()));
	const paths = () => [
		"/summary",
		"/top?period=all&limit=100",
		"/top?period=30d&limit=100",
		"/publications?limit=100",
		`/frequency?from=${addDays(today(), -200)}&to=${today()}&groupBy=category`,
		`/frequency?from=${addDays(today(), -200)}&to=${today()}&groupBy=source`,
	];
	const answers = async () => Promise.all(paths().map(async (path) => (await api(path)).body));
	const counted = (notifications: number) =>
		waitFor(async () => (await api("/summary")).body.totals.notifications === notifications, {
			what: `${notifications} notifications counted`,
		});

	const assertMatchesRecount = () => assertAnalyticsMatchRecount(system.broker, api, today(), 200);

	before(async () => {
		system = await startSystem(env, clock);
		cheap = await verifiedClient(system.url, data.path, "cheap@example.com", {
			fund: { adminFee: { max: 0.01 } },
		});
		await verifiedClient(system.url, data.path, "funds@example.com", { fund: {} });
	});
	after(async () => {
		await system.stop();
		data.remove();
	});

	it("keeps every answer a recount gives once the old facts are folded, and stores none of them", async () => {
		await system.broker.call("products.publish", {
			id: "old",
			sources: ["house"],
			products: [fund("a", 0.005), fund("b", 0.02)],
		});
		await counted(3);
		clock.advance(40 * day);
		await system.broker.call("products.publish", {
			id: "newer",
			sources: ["house"],
			products: [fund("d", 0.004)],
		});
		await counted(5);
		clock.advance(30 * day);
		const unfolded = await answers();

		// "old" is 70 days old, "newer" 30: only the first's three facts fold.
		assert.equal(await analytics().foldOldFacts(), 3);
		assert.equal(await analytics().foldOldFacts(), 0, "nothing more to fold the same day");
		const kept = await analytics().adapter.find({ query: { kind: "notifications" } });
		assert.deepEqual(
			kept.map((doc) => doc.publicationId),
			["newer"],
		);
		assert.deepEqual(await answers(), unfolded);
		await assertMatchesRecount();
	});

	it("adds nothing for a late copy of a folded message", async () => {
		const before = await answers();
		const notifications = (await store("notifications").find({
			query: { publicationId: "old" },
		})) as unknown as DistributionBatch["notifications"];
		const queue = await acquireQueue(system.broker);
		try {
			await queue.publish("distributions", { publicationId: "old", notifications }, "late-copy");
		} finally {
			await releaseQueue(system.broker);
		}
		await system.broker.call("products.publish", {
			id: "latest",
			sources: ["house"],
			products: [fund("c", 0.001)],
		});
		await counted(7);
		const now = await answers();
		assert.equal(now[0].totals.notifications, before[0].totals.notifications + 2);
		await assertMatchesRecount();
	});

	it("answers the same after a restart, from the folded counters and the facts since", async () => {
		const before = await answers();
		await system.broker.stop();
		system = await startSystem(env, clock);
		assert.deepEqual(await answers(), before);
		await assertMatchesRecount();
	});

	it("moves an erased client's folded counts to their replacement, and keeps no copy of their id", async () => {
		const before = await answers();
		const queue = await acquireQueue(system.broker);
		try {
			await queue.publish(
				"erasures",
				{ subscriberId: cheap.id, replacement: "erased-fold-test" },
				"erase-cheap",
			);
		} finally {
			await releaseQueue(system.broker);
		}
		const file = () => readFileSync(join(data.path, "analytics.db"), "utf8");
		await waitFor(() => !file().includes(cheap.id) && file().includes("erased-fold-test"), {
			what: "the erased id gone from analytics.db",
		});
		assert.deepEqual(await answers(), before);
		await system.broker.stop();
		system = await startSystem(env, clock);
		assert.deepEqual(await answers(), before);
		assert.ok(!file().includes(cheap.id));
	});
});
