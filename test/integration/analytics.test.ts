/**
 * Analytics in the embedded default, through the REST API: after publications, matches,
 * redelivered messages and a restart, every answer equals a full recount from the raw
 * notifications and publications; bad queries are 422s; the counters reach /metrics.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DistributionBatch } from "../../domain/contracts.ts";
import { localDate } from "../../domain/dates.ts";
import type { Product } from "../../domain/product.ts";
import { acquireQueue, releaseQueue } from "../../lib/durable-queue.ts";
import { verifiedClient } from "../fixtures/clients.ts";
import { assertAnalyticsMatchRecount, rawOf } from "../fixtures/recount.ts";
import {
	freePort,
	getJson,
	type RunningSystem,
	sharedClock,
	startSystem,
	tempDir,
	testEpoch,
	waitFor,
} from "../harness.ts";

const collectedAt = new Date(testEpoch).toISOString();
const fund = (source: string, nativeId: string, adminFee: number): Product => ({
	id: `${source}:fund:${nativeId}`,
	source,
	category: "fund",
	nativeId,
	name: `Fundo ${nativeId}`,
	adminFee,
	riskLevel: 2,
	collectedAt,
});
const cdb = (nativeId: string, spread: number): Product => ({
	id: `house:fixed_income:${nativeId}`,
	source: "house",
	category: "fixed_income",
	nativeId,
	name: `CDB ${nativeId}`,
	instrument: "CDB",
	rate: { index: "IPCA", spread },
	riskLevel: 1,
	collectedAt,
});

describe("analytics in the embedded default", () => {
	const data = tempDir();
	const metricsPort = { value: 0 };
	let system: RunningSystem;
	const today = () => localDate(new Date(sharedClock.now()));
	const api = (path: string) => getJson(`${system.url}/api/analytics${path}`);
	const start = async () => {
		system = await startSystem({ DATA_DIR: data.path, METRICS_PORT: String(metricsPort.value) });
	};
	const publish = (id: string, source: string, products: Product[]) =>
		system.broker.call("products.publish", { id, sources: [source], products });
	const counted = async (notifications: number, publications: number) =>
		waitFor(
			async () => {
				const { body } = await api("/summary");
				return (
					body.totals.notifications === notifications && body.totals.publications === publications && body
				);
			},
			{ what: `${notifications} notifications and ${publications} publications counted` },
		);

	/** Every answer the API gives equals the recount. */
	const assertMatchesRecount = () => assertAnalyticsMatchRecount(system.broker, api, today(), 6);

	before(async () => {
		metricsPort.value = await freePort();
		await start();
		await verifiedClient(system.url, data.path, "cheap@example.com", { fund: { adminFee: { max: 0.01 } } });
		await verifiedClient(system.url, data.path, "funds@example.com", { fund: {} });
		await verifiedClient(system.url, data.path, "ipca@example.com", {
			fixed_income: { rateIndex: { in: ["IPCA"] }, spread: { min: 0.06 } },
		});
		// Registered but never verified: not in the audience.
		await getJson(`${system.url}/api/subscribers`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				email: "pending@example.com",
				name: "P",
				consent: true,
				interests: { fund: {} },
			}),
		});
	});
	after(async () => {
		await system.stop();
		data.remove();
	});

	it("counts publications and distributions exactly, with names, categories and match rates", async () => {
		await publish("pub-1", "house", [
			fund("house", "a", 0.005),
			fund("house", "b", 0.02),
			cdb("x", 0.065),
			cdb("y", 0.05),
		]);
		await publish("pub-2", "xp-funds", [fund("xp-funds", "c", 0.008)]);
		// pub-1: cheap ← a; funds ← a, b; ipca ← x. pub-2: cheap ← c; funds ← c.
		await counted(6, 2);
		const truth = await assertMatchesRecount();

		const { body: top } = await api("/top?period=30d");
		assert.deepEqual(top[0], { productId: "house:fund:a", name: "Fundo a", category: "fund", count: 2 });
		assert.equal(top.length, 4);
		const { body: summary } = await api("/summary");
		assert.equal(summary.activeSubscribers, 3);
		assert.equal(summary.lastPublication.publicationId, "pub-2");
		assert.equal(summary.lastPublication.audience, 3);
		assert.equal(summary.lastPublication.matchRate, 2 / 3);
		assert.equal(truth.reach("pub-1").matchRate, 1);
		const { body: byDay } = await api(`/frequency?from=${today()}&to=${today()}`);
		const funds = byDay.rows.find((r: { key: string }) => r.key === "fund");
		assert.deepEqual(funds, { day: today(), key: "fund", published: 3, distributed: 5 });
	});

	it("changes nothing when the same publication and notifications are delivered again", async () => {
		const before = await Promise.all(["/summary", "/top?period=all&limit=100", "/publications"].map(api));
		const queue = await acquireQueue(system.broker);
		try {
			const { notifications } = await rawOf(system.broker);
			const batch: DistributionBatch = {
				publicationId: "pub-1",
				notifications: notifications.filter((n) => n.publicationId === "pub-1"),
			};
			// Other message ids: the queue takes them as new messages, analytics must not.
			await queue.publish("distributions", { ...batch }, "again-1");
			await queue.publish("publications", { publicationId: "pub-1" }, "again-2");
		} finally {
			await releaseQueue(system.broker);
		}
		// A later publication is counted after the redelivered messages (each subject in order).
		await publish("pub-3", "house", [fund("house", "d", 0.001)]);
		await counted(8, 3);
		const now = await Promise.all(["/summary", "/top?period=all&limit=100", "/publications"].map(api));
		assert.equal(now[0]?.body.totals.productsPublished, before[0]?.body.totals.productsPublished + 1);
		assert.equal(
			now[2]?.body.find((p: { publicationId: string }) => p.publicationId === "pub-1").notifications,
			4,
		);
		await assertMatchesRecount();
	});

	it("exports the counters as Prometheus metrics", async () => {
		const text = await (await fetch(`http://127.0.0.1:${metricsPort.value}/metrics`)).text();
		/** The sample of `name` whose labels include every one of `labels`. */
		const value = (name: string, labels: string[] = []) =>
			Number(
				text
					.split("\n")
					.find((l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)))
					?.split(" ")
					.at(-1),
			);
		const house = 'source="house"';
		assert.equal(value("insights_analytics_notifications_total", ['category="fund"', house]), 5);
		assert.equal(
			value("insights_analytics_notifications_total", ['category="fund"', 'source="xp-funds"']),
			2,
		);
		assert.equal(value("insights_analytics_products_published_total", ['category="fixed_income"', house]), 2);
		assert.equal(value("insights_analytics_publications_total"), 3);
		assert.equal(value("insights_analytics_last_match_rate"), 2 / 3);
	});

	it("answers the same after a restart, rebuilt from stored facts", async () => {
		const before = await Promise.all(["/summary", "/top?period=30d", `/frequency?groupBy=source`].map(api));
		await system.broker.stop();
		await start();
		const afterRestart = await Promise.all(
			["/summary", "/top?period=30d", `/frequency?groupBy=source`].map(api),
		);
		assert.deepEqual(
			afterRestart.map((r) => r.body),
			before.map((r) => r.body),
		);
		await assertMatchesRecount();
	});

	it("refuses bad queries with 422 and a message", async () => {
		for (const [query, field] of [
			["/frequency?from=2026-13-01", "from"],
			["/frequency?from=2026-11-20&to=2026-11-10", "from"],
			["/frequency?from=2020-01-01&to=2026-01-01", "from"],
			["/frequency?groupBy=issuer", "groupBy"],
			["/top?period=1y", "period"],
			["/top?limit=101", "limit"],
		] as const) {
			const { status, body } = await api(query);
			assert.equal(status, 422, query);
			assert.ok(JSON.stringify(body).includes(field), `${query}: ${JSON.stringify(body)}`);
		}
	});
});
