/**
 * The mailer's sweep finds mail-due marks by `dueKey` (due time, then client), one indexed
 * value per mark, rather than by a due time thousands of marks share (mail-due.ts): through
 * the notifications service on its own store. Which marks are due, in which order, and marks
 * stored before `dueKey` existed.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type MailDueMark, mailDueId, mailDueMark } from "../../services/notifications/mail-due.ts";
import { type RunningSystem, startSystem } from "../harness.ts";

interface NotificationsService {
	adapter: {
		insert(doc: object): Promise<unknown>;
		removeMany(query: object): Promise<number>;
		findById(id: string): Promise<MailDueMark | null>;
	};
	keyMailDueOnce(): Promise<void>;
}

describe("mail-due marks found by their due key", () => {
	let system: RunningSystem;
	let notifications: NotificationsService;
	const at = "2026-12-02T11:00:00.000Z";
	const due = (before: string) =>
		system.broker.call<{ subscriberId: string; dueAt: string }[], object>("notifications.mailDue", {
			before,
			limit: 100,
		});

	before(async () => {
		system = await startSystem({ SERVICES: "notifications", LOG_LEVEL: "error" });
		notifications = system.broker.getLocalService("notifications") as unknown as NotificationsService;
	});
	after(() => system.stop());

	it("gives the marks due by then, soonest first and by client within one instant, none due later", async () => {
		const later = "2026-12-02T11:00:00.001Z";
		const earlier = "2026-12-02T10:59:59.999Z";
		for (const [subscriberId, dueAt] of [
			["carla", at],
			["ana", at],
			["bruno", later],
			["dora", earlier],
			["erico", at],
		] as const)
			await system.broker.call("notifications.mailChecked", { subscriberId, nextDueAt: dueAt });
		assert.deepEqual(
			(await due(at)).map((mark) => [mark.subscriberId, mark.dueAt]),
			[
				["dora", earlier],
				["ana", at],
				["carla", at],
				["erico", at],
			],
		);
		// Ended and moved marks leave the key they had: none is found twice, none lost.
		await system.broker.call("notifications.mailChecked", { subscriberId: "ana" });
		await system.broker.call("notifications.mailChecked", { subscriberId: "carla", nextDueAt: later });
		assert.deepEqual(
			(await due(later)).map((mark) => mark.subscriberId),
			["dora", "erico", "bruno", "carla"],
		);
	});

	it("keys the marks stored before due keys, once, so the sweep still finds them", async () => {
		const { adapter } = notifications;
		const { dueKey: _dueKey, ...legacy } = mailDueMark("fabio", at);
		await adapter.insert(legacy);
		await adapter.removeMany({ _id: "mail-due:keyed" });
		assert.equal(
			(await due(at)).some((mark) => mark.subscriberId === "fabio"),
			false,
			"unkeyed: not found",
		);
		await notifications.keyMailDueOnce();
		assert.equal((await adapter.findById(mailDueId("fabio")))?.dueKey, `${at}|fabio`);
		assert.ok((await due(at)).some((mark) => mark.subscriberId === "fabio"));
	});
});
