/**
 * The inbox's retention (docs/audit.md, "Retention"): past INBOX_RETENTION_DAYS a
 * notification leaves the client's inbox and unread count, its audit record stays in the
 * operators' audit trail exactly as it was, analytics' counts do not move; past
 * AUDIT_RETENTION_DAYS the audit record goes too.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { localDate } from "../../domain/dates.ts";
import type { Product } from "../../domain/product.ts";
import { type Client, verifiedClient } from "../fixtures/clients.ts";
import { houseFund } from "../fixtures/products.ts";
import { type RunningSystem, startSystem, tempDir, testClock, testEpoch, waitFor } from "../harness.ts";

const day = 86_400_000;
const fund = (nativeId: string) => houseFund(nativeId, testEpoch);

interface Retention {
	keepRetention(): Promise<{ archived: number; dropped: number }>;
}

describe("inbox retention", () => {
	const data = tempDir();
	const clock = testClock();
	let system: RunningSystem;
	let client: Client;
	const firstDay = localDate(new Date(clock.now()));
	const retention = () => system.broker.getLocalService("notifications") as unknown as Retention;
	const meta = () => ({ meta: { subscriberId: client.id } });
	const inboxIds = async () =>
		(
			await system.broker.call<{ rows: { productId: string }[] }, object>(
				"notifications.list",
				{ limit: 100 },
				meta(),
			)
		).rows.map((row) => row.productId);
	const trail = () =>
		system.broker.call("notifications.audit", { subscriberId: client.id, from: firstDay, to: firstDay });
	const publish = async (id: string, product: Product, expected: number) => {
		await system.broker.call("products.publish", { id, sources: ["house"], products: [product] });
		await waitFor(async () => (await inboxIds()).length === expected, { what: `${expected} in the inbox` });
	};

	before(async () => {
		system = await startSystem({ DATA_DIR: data.path, INBOX_RETENTION_DAYS: "365" }, clock);
		client = await verifiedClient(system.url, data.path, "keeps@example.com", { fund: {} });
	});
	after(async () => {
		await system.stop();
		data.remove();
	});

	it("takes a notification out of the inbox after a year, keeping its audit record and every count", async () => {
		await publish("old", fund("a"), 1);
		const audited = await trail();
		assert.equal((audited as { rows: unknown[] }).rows.length, 1);
		clock.advance(200 * day);
		await publish("recent", fund("b"), 2);
		clock.advance(200 * day);
		const totals = await waitFor(
			async () => {
				const { totals } = await system.broker.call<{ totals: { notifications: number } }, object>(
					"analytics.summary",
					{},
				);
				return totals.notifications === 2 && totals;
			},
			{ what: "analytics counted both notifications" },
		);

		assert.deepEqual(await retention().keepRetention(), { archived: 1, dropped: 0 });
		assert.deepEqual(await inboxIds(), ["house:fund:b"]);
		assert.equal(
			(await system.broker.call<{ unread: number }, object>("notifications.unread", {}, meta())).unread,
			1,
		);
		assert.deepEqual(await trail(), audited, "the audit trail reads the archived record as it was");
		assert.deepEqual(
			(await system.broker.call<{ totals: object }, object>("analytics.summary", {})).totals,
			totals,
			"analytics counts the same",
		);
		assert.deepEqual(await retention().keepRetention(), { archived: 0, dropped: 0 }, "nothing twice");
	});

	it("drops the archived audit record after the audit's own retention (five years)", async () => {
		clock.advance(5 * 365 * day);
		assert.deepEqual(await retention().keepRetention(), { archived: 1, dropped: 2 });
		assert.deepEqual(((await trail()) as { rows: unknown[] }).rows, []);
		assert.deepEqual(await inboxIds(), []);
	});
});
