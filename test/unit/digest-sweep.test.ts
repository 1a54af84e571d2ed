/**
 * The digest sweep over a real broker with small stand-ins for the services it reads: one
 * subscriber whose e-mail cannot be queued must not stop the sweep for everyone after them
 * (a suspicion from the code, now a test).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ServiceBroker } from "moleculer";
import { defaultPreferences } from "../../domain/subscriber.ts";
import { sweepDigests } from "../../services/mailer/digest-sweep.ts";
import { nextWindowAt } from "../../services/mailer/digests.ts";

const subscriber = (id: string) => ({
	id,
	email: `${id}@example.com`,
	name: id,
	locale: "pt-BR",
	preferences: { ...defaultPreferences, digest: "immediate" as const },
});

describe("digest sweep", () => {
	const broker = new ServiceBroker({ logger: false });
	const marked: string[] = [];
	const checked: { subscriberId: string; nextDueAt?: string }[] = [];
	before(async () => {
		broker.createService({
			name: "subscribers",
			actions: {
				mailable: () => ({ rows: ["ana", "bia", "cai"].map(subscriber) }),
				unsubscribeUrl: () => "http://localhost/api/unsubscribe?token=x",
			},
		});
		broker.createService({
			name: "notifications",
			actions: {
				pendingMail: (ctx) => [
					{
						id: `${(ctx.params as { subscriberId: string }).subscriberId}|p1|x:fund:1`,
						subscriberId: (ctx.params as { subscriberId: string }).subscriberId,
						productId: "x:fund:1",
						publicationId: "p1",
						category: "fund",
						reasons: [],
						createdAt: "2026-12-01T09:00:00.000Z",
						product: { id: "x:fund:1", source: "x", category: "fund", nativeId: "1", name: "Fundo" },
					},
				],
				mailDue: () =>
					["ana", "bia", "cai"].map((subscriberId) => ({ subscriberId, dueAt: "2026-12-01T09:00:00.000Z" })),
				mailChecked: (ctx) => {
					checked.push(ctx.params as { subscriberId: string; nextDueAt?: string });
					return {};
				},
				markMailed: (ctx) => {
					marked.push((ctx.params as { subscriberId: string }).subscriberId);
					return { updated: 1 };
				},
			},
		});
		await broker.start();
	});
	after(() => broker.stop());

	it("sends to everyone else when one subscriber's e-mail fails, and leaves that one for the next sweep", async () => {
		const sentTo: string[] = [];
		const sent = await sweepDigests(broker, {
			now: new Date("2026-12-01T10:00:00.000Z"),
			settleMs: 0,
			appUrl: "http://localhost",
			immediateDailyCap: 10,
			immediateSentSince: async () => [],
			exists: async () => false,
			send: async (input) => {
				if (input.subscriberId === "bia") throw new Error("the template refused bia's data");
				sentTo.push(input.subscriberId);
			},
		});
		// Clients are looked at several at once: in no particular order.
		assert.deepEqual(sentTo.sort(), ["ana", "cai"]);
		assert.equal(sent, 2);
		assert.deepEqual(marked.sort(), ["ana", "cai"], "bia's notifications stay pending for a later sweep");
		assert.deepEqual(
			checked.sort((a, b) => a.subscriberId.localeCompare(b.subscriberId)),
			[
				{ subscriberId: "ana" },
				{ subscriberId: "bia", nextDueAt: "2026-12-01T10:15:00.000Z" },
				{ subscriberId: "cai" },
			],
			"ana and cai are done; bia is looked at again in 15 minutes, not at every sweep",
		);
	});

	it("sends an immediate e-mail for a notification stored in the sweep's very instant when nothing settles", async () => {
		const sentTo: string[] = [];
		const options = (settleMs: number) => ({
			// The instant the stand-in's notifications were stored.
			now: new Date("2026-12-01T09:00:00.000Z"),
			settleMs,
			appUrl: "http://localhost",
			immediateDailyCap: 10,
			immediateSentSince: async () => [],
			exists: async () => false,
			send: async (input: { subscriberId: string }) => void sentTo.push(input.subscriberId),
		});
		assert.equal(await sweepDigests(broker, options(1)), 0, "one millisecond of settling: not yet");
		assert.equal(await sweepDigests(broker, options(0)), 3, "none: now");
		assert.deepEqual(sentTo.sort(), ["ana", "bia", "cai"]);
	});
});

describe("the next digest window", () => {
	const daily = { ...defaultPreferences, digest: "daily" as const, digestHour: 8 };
	it("opens at the client's hour: today before it, tomorrow once today's is open", () => {
		// 07:30 in São Paulo (UTC−3) is 10:30 UTC: today's window opens at 08:00, 11:00 UTC.
		assert.equal(
			nextWindowAt("s", daily, new Date("2026-12-01T10:30:00Z")).toISOString(),
			"2026-12-01T11:00:00.000Z",
		);
		assert.equal(
			nextWindowAt("s", daily, new Date("2026-12-01T15:00:00Z")).toISOString(),
			"2026-12-02T11:00:00.000Z",
		);
	});
	it("opens on Monday at the hour for a weekly client", () => {
		const weekly = { ...daily, digest: "weekly" as const };
		// Tuesday 2026-12-01: this week's window is open; the next is Monday 2026-12-07 at 08:00.
		assert.equal(
			nextWindowAt("s", weekly, new Date("2026-12-01T15:00:00Z")).toISOString(),
			"2026-12-07T11:00:00.000Z",
		);
	});
	it("is a week and a day away at most, for preferences that never open one", () => {
		const never = { ...defaultPreferences, digest: "immediate" as const };
		const now = new Date("2026-12-01T15:20:00Z");
		assert.equal(
			nextWindowAt("s", never, now).getTime(),
			Date.parse("2026-12-01T16:00:00Z") + 8 * 24 * 3_600_000,
		);
	});
});
