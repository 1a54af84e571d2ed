/**
 * What live nodes deliver (notifications.delivery): for each client, only their own
 * notifications among the ids given for them, oldest first, with their unread count; one
 * call for a whole batch of clients.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Actions, matchOf } from "../../domain/contracts.ts";
import { notificationKey } from "../../domain/notification.ts";
import { type RunningSystem, startSystem } from "../harness.ts";

type Told = Actions["notifications.delivery"]["result"];

describe("notifications.delivery", () => {
	let system: RunningSystem;
	const match = (subscriberId: string, productId: string) =>
		matchOf({ id: productId, category: "fund" }, subscriberId, { reasons: [] });

	before(async () => {
		system = await startSystem({ SERVICES: "notifications,products" });
		await system.broker.call("notifications.store", {
			publicationId: "p1",
			matches: [match("ana", "house:fund:a"), match("ana", "house:fund:b"), match("bia", "house:fund:a")],
		});
	});
	after(() => system.stop());

	it("gives each client their own notifications and unread count, never another's", async () => {
		const ana = ["house:fund:a", "house:fund:b"].map((p) => notificationKey("ana", "p1", p));
		const bia = notificationKey("bia", "p1", "house:fund:a");
		const told = await system.broker.call<Told, object>("notifications.delivery", {
			subscribers: [
				// Bia's id asked for on Ana's behalf, and Ana's on Bia's: neither is given.
				{ subscriberId: "ana", notificationIds: [...ana, bia] },
				{ subscriberId: "bia", notificationIds: [ana[0] as string] },
				{ subscriberId: "carla", notificationIds: [bia] },
			],
		});
		assert.deepEqual(
			told.map(({ subscriberId, rows, unread }) => ({
				subscriberId,
				ids: rows.map((row) => row.id),
				unread: unread.unread,
			})),
			[
				{ subscriberId: "ana", ids: ana, unread: 2 },
				{ subscriberId: "bia", ids: [], unread: 1 },
				{ subscriberId: "carla", ids: [], unread: 0 },
			],
		);
	});

	it("counts only what each client has not read, all of a batch's clients in one call", async () => {
		const [first] = ["house:fund:a"].map((p) => notificationKey("ana", "p1", p));
		await system.broker.call("notifications.markRead", { ids: [first] }, { meta: { subscriberId: "ana" } });
		const told = await system.broker.call<Told, object>("notifications.delivery", {
			subscribers: ["bia", "ana", "bia"].map((subscriberId) => ({ subscriberId, notificationIds: [] })),
		});
		assert.deepEqual(
			told.map(({ subscriberId, unread }) => [subscriberId, unread]),
			[
				["bia", { unread: 1, display: "1", hasMore: false }],
				["ana", { unread: 1, display: "1", hasMore: false }],
				["bia", { unread: 1, display: "1", hasMore: false }],
			],
		);
	});
});
