/**
 * E-mail digests through the running system and a real SMTP server: immediate e-mails per
 * publication, daily and weekly digests at the subscriber's hour (a controllable clock),
 * locales, unsubscribe headers, escaping, e-mail off, bounces, and the SMTP server down
 * for a while — every expected message delivered exactly once.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Product } from "../../domain/product.ts";
import type { MailerSettings } from "../../services/mailer/mailer.service.ts";
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

interface Client {
	id: string;
	email: string;
	token: string;
}

/** The first Tuesday, 07:00 in São Paulo, from the test epoch on: before an 08:00 digest hour. */
const tuesdayMorning = nextLocalTime({ weekday: 2, hour: 7 });
const collectedAt = new Date(tuesdayMorning).toISOString();
const fund = (nativeId: string, name: string): Product => ({
	id: `house:fund:${nativeId}`,
	source: "house",
	category: "fund",
	nativeId,
	name,
	adminFee: 0.005,
	minimumInvestment: 1_000,
	riskLevel: 2,
	url: `https://broker.example/fundos/${nativeId}`,
	collectedAt,
});

describe("e-mail digests", () => {
	let smtp: SmtpFixture;
	let system: RunningSystem;
	// The node's one clock: notifications, deliveries and the digest sweep all read it.
	const clock = testClock(tuesdayMorning);
	const clients: Record<string, Client> = {};
	const mailsTo = (email: string) => smtp.messages.filter((m) => m.envelope.to.includes(email));

	async function client(email: string, preferences: object, locale = "pt-BR"): Promise<Client> {
		const before = mailsTo(email).length;
		const res = await getJson(`${system.url}/api/subscribers`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				email,
				name: email.split("@")[0],
				locale,
				consent: true,
				interests: { fund: {} },
			}),
		});
		assert.equal(res.status, 202);
		const mail = await waitFor(() => mailsTo(email)[before], { what: `verification to ${email}` });
		const token = /\/verificar\?token=([\w.-]+)/.exec(mail.parsed.text ?? "")?.[1];
		const verified = await getJson(`${system.url}/api/auth/verify?token=${token}`);
		const session = verified.body.token as string;
		await getJson(`${system.url}/api/me/preferences`, {
			method: "PUT",
			headers: { "content-type": "application/json", authorization: `Bearer ${session}` },
			body: JSON.stringify(preferences),
		});
		return { id: verified.body.subscriber.id, email, token: session };
	}

	const sweep = () => system.broker.call<{ sent: number }, object>("mailer.sendDigests", {});
	const digestsTo = (email: string) =>
		mailsTo(email).filter((m) => !/confirm|entrar|sign in/i.test(m.parsed.subject ?? ""));
	const publish = async (id: string, products: Product[], expectedNotifications: number) => {
		await system.broker.call("products.publish", { id, sources: ["house"], products });
		const notifications = system.broker.getLocalService("notifications") as unknown as {
			adapter: { count(filter: object): Promise<number> };
		};
		await waitFor(
			async () =>
				(await notifications.adapter.count({ query: { publicationId: id } })) >= expectedNotifications,
			{
				what: `${expectedNotifications} notifications for ${id}`,
			},
		);
		await mailDueMarked(system.broker, id);
	};

	before(async () => {
		smtp = await startSmtpFixture();
		system = await startSystem({ SMTP_URL: smtp.url, OPERATOR_TOKEN: "digest-operator-token-123" }, clock);
		const mailer = system.broker.getLocalService("mailer") as unknown as { settings: MailerSettings };
		Object.assign(mailer.settings, {
			retry: { baseMs: 200, maxMs: 1_000, maxAttempts: 20 },
			sweepIntervalMs: 300,
			digestIntervalMs: 3_600_000,
			immediateSettleMs: 0,
		});
		clients.now = await client("now@example.com", { digest: "immediate" });
		clients.english = await client("english@example.com", { digest: "immediate" }, "en");
		clients.daily = await client("daily@example.com", { digest: "daily", digestHour: 8 });
		clients.weekly = await client("weekly@example.com", { digest: "weekly", digestHour: 8 });
		clients.off = await client("off@example.com", { digest: "immediate", email: false });
		clients.bouncing = await client("bouncing@example.com", { digest: "immediate" });
	});
	after(async () => {
		await system.stop();
		await smtp.close();
	});

	it("sends one immediate e-mail per publication with every match, in the client's language", async () => {
		await publish("p1", [fund("1", "<img src=x onerror=alert(1)>Fundo Hostil"), fund("2", "Fundo Dois")], 12);
		const notifications = system.broker.getLocalService("notifications") as unknown as {
			adapter: { find(params: object): Promise<{ createdAt: string }[]> };
		};
		const [stored] = await notifications.adapter.find({ query: { publicationId: "p1" }, limit: 1 });
		assert.equal(
			stored?.createdAt.slice(0, 13),
			new Date(tuesdayMorning).toISOString().slice(0, 13),
			"stamped by the node's clock",
		);
		await sweep();
		const mail = await waitFor(() => digestsTo("now@example.com")[0], { what: "the immediate e-mail" });
		assert.equal(digestsTo("now@example.com").length, 1, "one e-mail for the publication");
		const html = String(mail.parsed.html);
		assert.ok(!html.includes("<img src=x"), "crawled text is escaped in HTML");
		assert.match(html, /&lt;img src(=|&#x3D;)x onerror(=|&#x3D;)alert\(1\)&gt;Fundo Hostil/);
		assert.match(mail.parsed.text ?? "", /Fundo Dois/);
		assert.match(mail.parsed.text ?? "", /https:\/\/broker\.example\/fundos\/1/);
		assert.match(mail.headers.get("list-unsubscribe") ?? "", /\/api\/unsubscribe\?token=/);
		assert.equal(mail.headers.get("list-unsubscribe-post"), "List-Unsubscribe=One-Click");
		const english = await waitFor(() => digestsTo("english@example.com")[0], { what: "the English e-mail" });
		assert.notEqual(english.parsed.subject, mail.parsed.subject, "pt-BR and en differ");
		assert.equal(digestsTo("off@example.com").length, 0, "e-mail off: nothing");
		assert.equal(
			digestsTo("daily@example.com").length,
			0,
			`before the digest hour: nothing (${mailsTo("daily@example.com").map((m) => m.parsed.subject)})`,
		);

		await sweep();
		await new Promise((resolve) => setTimeout(resolve, 300));
		assert.equal(digestsTo("now@example.com").length, 1, "a second sweep sends nothing again");
	});

	it("sends the daily digest at the subscriber's hour, once a day, and the weekly once a week", async () => {
		clock.set(tuesdayMorning + 2 * 3_600_000); // 09:00 in São Paulo
		await sweep();
		const daily = await waitFor(() => digestsTo("daily@example.com")[0], { what: "the daily digest" });
		assert.match(daily.parsed.text ?? "", /Fundo Dois/);
		const weekly = await waitFor(() => digestsTo("weekly@example.com")[0], { what: "the weekly digest" });
		assert.ok(weekly);
		await publish("p2", [fund("3", "Fundo Três")], 6);
		clock.advance(3_600_000); // 10:00, same day and week
		await sweep();
		await waitFor(() => digestsTo("now@example.com").length === 2, { what: "the immediate e-mail for p2" });
		assert.equal(digestsTo("daily@example.com").length, 1, "one daily digest per day");
		assert.equal(digestsTo("weekly@example.com").length, 1, "one weekly digest per week");
		clock.advance(24 * 3_600_000); // Wednesday 10:00
		await sweep();
		const second = await waitFor(() => digestsTo("daily@example.com")[1], { what: "the next day's digest" });
		assert.match(second.parsed.text ?? "", /Fundo Três/);
		assert.doesNotMatch(second.parsed.text ?? "", /Fundo Dois/, "only what came since the last digest");
		assert.equal(digestsTo("weekly@example.com").length, 1);
	});

	it("marks an address refused for good (550) as bouncing and sends it nothing more", async () => {
		// The bouncing client's immediate e-mails for p1 and p2 went out already; refuse the next.
		await publish("p3", [fund("4", "Fundo Quatro")], 6);
		const sentBefore = digestsTo("bouncing@example.com").length;
		smtp.refuseNext(1, 550);
		const statusOf = async () =>
			(
				await getJson(`${system.url}/api/admin/subscribers?q=bouncing`, {
					headers: { authorization: "Bearer digest-operator-token-123" },
				})
			).body.rows[0]?.status;
		// Only the bouncing client's message is refused if it is the only one due: send it alone.
		await system.broker.call("mailer.send", {
			to: "bouncing@example.com",
			template: "digest",
			locale: "pt-BR",
			data: { name: "x", frequency: "immediate", count: 0, appUrl: system.config.publicUrl, products: [] },
			idempotencyKey: "bounce-probe",
		});
		await waitFor(async () => (await statusOf()) === "bouncing", { what: "the address marked bouncing" });
		// A bouncing client leaves the matcher's index: 5 clients match now.
		await publish("p4", [fund("5", "Fundo Cinco")], 5);
		await sweep();
		await new Promise((resolve) => setTimeout(resolve, 500));
		assert.equal(digestsTo("bouncing@example.com").length, sentBefore, "nothing more to a bouncing address");
		// The others' e-mail of p4 goes out now, not into the next test's count (sweeping as the
		// minute's timer would: the one above may have run before p4's mark was written).
		await waitFor(
			async () => {
				if (digestsTo("now@example.com").some((m) => /Fundo Cinco/.test(m.parsed.text ?? ""))) return true;
				await sweep();
				return false;
			},
			{ what: "the others' e-mail of p4" },
		);
	});

	it("delivers everything exactly once after the SMTP server was down", async () => {
		const before = digestsTo("now@example.com").length;
		const ofP5 = () =>
			digestsTo("now@example.com").filter((m) => /Fundo Seis/.test(m.parsed.text ?? "")).length;
		await smtp.stop();
		await publish("p5", [fund("6", "Fundo Seis")], 5);
		await sweep();
		await new Promise((resolve) => setTimeout(resolve, 800));
		await smtp.start();
		// Sweeps are periodic (every minute in production): a sweep that ran a moment before the
		// notifications were readable leaves them to the next one, never drops them.
		await waitFor(
			async () => {
				if (ofP5() === 1) return true;
				await sweep();
				return false;
			},
			{ timeoutMs: 20_000, what: "the e-mail once the server is back" },
		);
		await sweep();
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		assert.equal(ofP5(), 1, "exactly once");
		assert.equal(digestsTo("now@example.com").length, before + 1, "and nothing else");
	});

	it("lets operators preview templates and list deliveries", async () => {
		const auth = { authorization: "Bearer digest-operator-token-123" };
		const preview = await fetch(`${system.url}/api/admin/mail/preview?template=digest&locale=en`, {
			headers: auth,
		});
		assert.equal(preview.status, 200);
		assert.match(preview.headers.get("content-type") ?? "", /text\/html/);
		assert.ok(!(await preview.text()).includes("<b>2028</b>"), "sample crawled text escaped");
		assert.equal((await fetch(`${system.url}/api/admin/mail/preview?template=digest`)).status, 401);
		const failed = await getJson(`${system.url}/api/admin/mail/deliveries?status=failed`, { headers: auth });
		assert.equal(failed.status, 200);
		assert.ok(failed.body.rows.some((d: { to: string }) => d.to === "bouncing@example.com"));
	});
});
