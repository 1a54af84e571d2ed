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
		assert.deepEqual(sentTo, ["ana", "cai"]);
		assert.equal(sent, 2);
		assert.deepEqual(marked, ["ana", "cai"], "bia's notifications stay pending for the next sweep");
	});
});
