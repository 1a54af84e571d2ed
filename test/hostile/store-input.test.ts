/**
 * `notifications.store` keeps a match's `detail` text as it comes (docs/matching.md, step
 * 20): any node on the bus can call it, so it takes a text only as a JSON object's, of
 * bounded length, and a match in the shape before `detail` only with its reasons. A bad
 * match refuses its whole batch with a 422 and stores nothing of it; a stored text that does
 * not read (a faulty node's, written before this check) reads as no reasons, without
 * breaking the inbox around it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { matchOf } from "../../domain/contracts.ts";
import { notificationKey } from "../../domain/notification.ts";
import { maxDetailLength } from "../../services/notifications/stored.ts";
import { type RunningSystem, startSystem } from "../harness.ts";

describe("notifications.store, given bad matches", () => {
	let system: RunningSystem;
	const good = matchOf({ id: "house:fund:ok", category: "fund" }, "ana", { reasons: [] });
	const store = (publicationId: string, matches: object[]) =>
		system.broker.call<{ created: number }, object>("notifications.store", { publicationId, matches });
	const told = async (subscriberId: string, ids: string[]) =>
		system.broker.call<{ subscriberId: string; rows: { id: string; reasons: unknown[] }[] }[], object>(
			"notifications.delivery",
			{ subscribers: [{ subscriberId, notificationIds: ids }] },
		);

	before(async () => {
		system = await startSystem({ SERVICES: "notifications,products" });
	});
	after(() => system.stop());

	for (const [what, bad] of [
		["a detail that is not a text", { ...good, productId: "house:fund:b1", detail: 42 }],
		["a detail that is not a JSON object", { ...good, productId: "house:fund:b2", detail: "<b>hi</b>" }],
		[
			"a detail too long",
			{ ...good, productId: "house:fund:b3", detail: `{"reasons":[],"x":"${"a".repeat(maxDetailLength)}"}` },
		],
		["neither a detail nor reasons", { subscriberId: "ana", productId: "house:fund:b4", category: "fund" }],
	] as const)
		it(`refuses ${what} with a 422, and stores nothing of its batch`, async () => {
			const publicationId = `bad-${String(bad.productId)}`;
			await assert.rejects(store(publicationId, [good, bad]), (err: { code?: number; type?: string }) => {
				assert.equal(err.code, 422);
				assert.equal(err.type, "BAD_MATCH");
				return true;
			});
			const id = notificationKey("ana", publicationId, good.productId);
			const [ana] = await told("ana", [id]);
			assert.deepEqual(ana?.rows ?? [], [], "the good match of that batch is not stored either");
		});

	it("stores a good batch, and reads a stored text that does not parse as no reasons", async () => {
		assert.equal((await store("fine", [good])).created, 1);
		const notifications = system.broker.getLocalService("notifications") as unknown as {
			adapter: { insert(doc: object): Promise<unknown> };
		};
		const broken = notificationKey("ana", "fine", "house:fund:broken");
		await notifications.adapter.insert({
			_id: broken,
			subscriberId: "ana",
			productId: "house:fund:broken",
			publicationId: "fine",
			category: "fund",
			detail: '{"reasons":[',
			createdAt: "2026-12-01T10:00:00.000Z",
			order: 1,
		});
		const [ana] = await told("ana", [notificationKey("ana", "fine", good.productId), broken]);
		assert.equal(ana?.rows.length, 2, "both rows read");
		assert.deepEqual(ana?.rows.find((row) => row.id === broken)?.reasons, []);
	});
});
