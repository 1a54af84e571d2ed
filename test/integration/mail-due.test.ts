/**
 * The digest sweep reads only the clients with mail due (notifications' mail-due marks, by
 * an index on when each is due next), not every client: through the running system, a real
 * SMTP server and a controllable clock. Every due e-mail goes out exactly once; clients with
 * nothing unmailed are never read; a daily client is put off to their hour and read then.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { matchOf } from "../../domain/contracts.ts";
import type { Product } from "../../domain/product.ts";
import type { MailerSettings } from "../../services/mailer/mailer.service.ts";
import { mailDueId } from "../../services/notifications/mail-due.ts";
import { type SmtpFixture, startSmtpFixture } from "../fixtures/smtp.ts";
import {
	getJson,
	mailDueMarked,
	nextLocalTime,
	type RunningSystem,
	startSystem,
	testClock,
	waitFor,
} from "../harness.ts";

/** A Wednesday, 07:00 in São Paulo: before the daily clients' 08:00 digest hour. */
const morning = nextLocalTime({ weekday: 3, hour: 7 });
const fund = (nativeId: string, fundType: string): Product => ({
	id: `house:fund:${nativeId}`,
	source: "house",
	category: "fund",
	nativeId,
	name: `Fundo ${nativeId}`,
	fundType,
	riskLevel: 2,
	collectedAt: new Date(morning).toISOString(),
});

describe("the digest sweep reads only the clients with mail due", () => {
	let smtp: SmtpFixture;
	let system: RunningSystem;
	const clock = testClock(morning);
	const mailsTo = (email: string) => smtp.messages.filter((m) => m.envelope.to.includes(email));
	const digestsTo = (email: string) =>
		mailsTo(email).filter((m) => !/confirm|entrar|sign in/i.test(m.parsed.subject ?? ""));
	const ids = new Map<string, string>();
	const sessions = new Map<string, string>();
	/** Every `subscribers.mailable` call the mailer makes: whom each sweep read. */
	const reads: { ids?: string[] }[] = [];

	async function client(email: string, fundType: string, digest: string): Promise<void> {
		const res = await getJson(`${system.url}/api/subscribers`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				email,
				name: `Cliente ${"ABCDEFGHIJ"[ids.size]}`,
				consent: true,
				interests: { fund: { fundType: { in: [fundType] } } },
			}),
		});
		assert.equal(res.status, 202, JSON.stringify(res.body));
		const mail = await waitFor(() => mailsTo(email)[0], { what: `verification to ${email}` });
		const token = /\/verificar\?token=([\w.-]+)/.exec(mail.parsed.text ?? "")?.[1];
		const verified = await getJson(`${system.url}/api/auth/verify?token=${token}`);
		await getJson(`${system.url}/api/me/preferences`, {
			method: "PUT",
			headers: { "content-type": "application/json", authorization: `Bearer ${verified.body.token}` },
			body: JSON.stringify({ digest, digestHour: 8 }),
		});
		ids.set(email, verified.body.subscriber.id);
		sessions.set(email, verified.body.token);
	}

	const readIds = () => reads.flatMap((read) => read.ids ?? []);
	async function sweep(): Promise<number> {
		reads.length = 0;
		const { sent } = await system.broker.call<{ sent: number }, object>("mailer.sendDigests", {});
		return sent;
	}

	before(async () => {
		smtp = await startSmtpFixture();
		system = await startSystem({ SMTP_URL: smtp.url }, clock);
		const mailer = system.broker.getLocalService("mailer") as unknown as { settings: MailerSettings };
		Object.assign(mailer.settings, { digestIntervalMs: 3_600_000, immediateSettleMs: 0 });
		// The mailer calls other services through this broker: record whom it asks for.
		const call = system.broker.call.bind(system.broker);
		system.broker.call = ((name: string, params?: unknown, opts?: unknown) => {
			if (name === "subscribers.mailable") reads.push({ ...(params as { ids?: string[] }) });
			return call(name, params as object, opts as object);
		}) as typeof system.broker.call;
		for (const n of [1, 2, 3]) await client(`now${n}@example.com`, "Ações", "immediate");
		for (const n of [1, 2, 3]) await client(`quiet${n}@example.com`, "Cambial", "immediate");
		for (const n of [1, 2]) await client(`daily${n}@example.com`, "Ações", "daily");
		await client("dailyquiet@example.com", "Cambial", "daily");
	});
	after(async () => {
		await system?.stop();
		await smtp?.close();
	});

	it("e-mails each client with something new once, reading only them", async () => {
		// Nothing stored yet: the sweep reads nobody.
		assert.equal(await sweep(), 0);
		assert.equal(reads.length, 0, "no client has mail due");

		await system.broker.call("products.publish", {
			id: "morning",
			sources: ["house"],
			products: [fund("a", "Ações"), fund("b", "Ações")],
		});
		const notifications = system.broker.getLocalService("notifications") as unknown as {
			adapter: { count(filter: object): Promise<number> };
		};
		await waitFor(
			async () => (await notifications.adapter.count({ query: { publicationId: "morning" } })) === 10,
			{
				what: "10 notifications (5 clients × 2 products)",
			},
		);
		await mailDueMarked(system.broker, "morning");
		clock.advance(1_000);

		assert.equal(await sweep(), 3, "one e-mail to each immediate client the publication reached");
		const due = ["now1", "now2", "now3", "daily1", "daily2"].map((n) => ids.get(`${n}@example.com`));
		assert.deepEqual(readIds().sort(), due.sort(), "read: the five with something unmailed, nobody else");
		assert.ok(
			reads.every((read) => read.ids !== undefined),
			"never a page of every client",
		);
		for (const n of [1, 2, 3])
			await waitFor(() => digestsTo(`now${n}@example.com`).length === 1, { what: `now${n}'s e-mail` });

		// Again at once: the immediate ones are done, the daily ones put off to 08:00.
		assert.equal(await sweep(), 0);
		assert.equal(reads.length, 0, "nobody is due before the digest hour");

		clock.set(morning + 3_600_000 + 60_000); // 08:01
		assert.equal(await sweep(), 2, "the daily digest, at the clients' hour");
		assert.deepEqual(
			readIds().sort(),
			[ids.get("daily1@example.com"), ids.get("daily2@example.com")].sort(),
			"read: the two daily clients, due now",
		);
		for (const n of [1, 2])
			await waitFor(() => digestsTo(`daily${n}@example.com`).length === 1, { what: `daily${n}'s digest` });

		clock.advance(60_000);
		assert.equal(await sweep(), 0);
		assert.equal(reads.length, 0, "everyone told: nobody is due");
		await new Promise((resolve) => setTimeout(resolve, 300));
		for (const n of [1, 2, 3]) assert.equal(digestsTo(`now${n}@example.com`).length, 1, `now${n}: once`);
		for (const n of [1, 2]) assert.equal(digestsTo(`daily${n}@example.com`).length, 1, `daily${n}: once`);
		for (const email of ["quiet1", "quiet2", "quiet3", "dailyquiet"])
			assert.equal(digestsTo(`${email}@example.com`).length, 0, `${email}: nothing to tell`);
	});

	it("makes a client due at once when their preferences change (daily to immediate)", async () => {
		await system.broker.call("products.publish", {
			id: "noon",
			sources: ["house"],
			products: [fund("c", "Ações")],
		});
		const notifications = system.broker.getLocalService("notifications") as unknown as {
			adapter: { count(filter: object): Promise<number> };
		};
		await waitFor(
			async () => (await notifications.adapter.count({ query: { publicationId: "noon" } })) === 5,
			{
				what: "5 notifications",
			},
		);
		await mailDueMarked(system.broker, "noon");
		clock.advance(1_000);
		assert.equal(await sweep(), 3, "the immediate clients; the daily ones wait for tomorrow's hour");
		assert.equal(await sweep(), 0);
		assert.equal(reads.length, 0, "the daily clients are put off");

		// daily1 switches to immediate: their waiting notification goes out at the next sweep.
		await getJson(`${system.url}/api/me/preferences`, {
			method: "PUT",
			headers: {
				"content-type": "application/json",
				authorization: `Bearer ${sessions.get("daily1@example.com")}`,
			},
			body: JSON.stringify({ digest: "immediate" }),
		});
		await waitFor(async () => (await sweep()) === 1, { what: "daily1's e-mail once they switched" });
		assert.deepEqual(readIds(), [ids.get("daily1@example.com")]);
	});

	it("marks a whole batch due with one mark, and makes it even when a store is retried after a crash before it", async () => {
		const clients = ["now2@example.com", "now3@example.com"];
		const matches = clients.map((email) =>
			matchOf({ id: "house:fund:a", category: "fund" }, ids.get(email) as string, { reasons: [] }),
		);
		const notifications = system.broker.getLocalService("notifications") as unknown as {
			adapter: {
				find(filter: object): Promise<{ subscriberIds?: string[] }[]>;
				count(filter: object): Promise<number>;
				removeMany(query: object): Promise<number>;
			};
		};
		const { adapter } = notifications;
		const ownMarks = () =>
			adapter.count({ query: { _id: { $in: clients.map((email) => mailDueId(ids.get(email) as string)) } } });
		await system.broker.call("notifications.store", { publicationId: "retried", matches });
		const batches = await adapter.find({ query: { kind: "mail-due-batch" } });
		assert.deepEqual(
			batches.map((batch) => batch.subscriberIds?.sort()),
			[clients.map((email) => ids.get(email)).sort()],
		);
		assert.equal(await ownMarks(), 0, "no write per client while storing");

		// The node died after the notifications, before their mark: the retry finds them stored.
		await adapter.removeMany({ kind: "mail-due-batch" });
		assert.deepEqual(await system.broker.call("notifications.store", { publicationId: "retried", matches }), {
			created: 0,
			existing: 2,
		});
		clock.advance(1_000);
		assert.equal(await sweep(), 2, "both clients told, though their notifications were stored before");
		assert.deepEqual(readIds().sort(), clients.map((email) => ids.get(email)).sort());
		assert.equal(await adapter.count({ query: { kind: "mail-due-batch" } }), 0, "the batch mark unpacked");
		assert.equal(await sweep(), 0);
	});

	it("counts a notification stored in the sweep's very millisecond as pending for that sweep", async () => {
		const subscriberId = ids.get("now2@example.com") as string;
		const matches = [matchOf({ id: "house:fund:b", category: "fund" }, subscriberId, { reasons: [] })];
		await system.broker.call("notifications.store", { publicationId: "instant", matches });
		const [stored] = await system.broker.call<{ createdAt: string; publicationId: string }[], object>(
			"notifications.pendingMail",
			{ subscriberId },
		);
		assert.equal(stored?.publicationId, "instant");
		const pendingUntil = async (ms: number) =>
			(
				await system.broker.call<{ publicationId: string }[], object>("notifications.pendingMail", {
					subscriberId,
					createdUntil: new Date(Date.parse(stored?.createdAt as string) + ms).toISOString(),
				})
			).map((n) => n.publicationId);
		assert.deepEqual(await pendingUntil(0), ["instant"], "its own instant included");
		assert.deepEqual(await pendingUntil(-1), [], "a millisecond before: not yet");
	});
});
