/**
 * The daily cap on immediate e-mails through the running system, a real SMTP server and a
 * moved clock (docs/mail.md): past IMMEDIATE_DAILY_CAP a client's matches wait, and the next
 * day at their digest hour they arrive in one daily digest; the day after, immediate e-mails
 * start again. The change-aware tip's e-mail says what changed.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Product } from "../../domain/product.ts";
import type { MailerSettings } from "../../services/mailer/mailer.service.ts";
import { houseFund } from "../fixtures/products.ts";
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

/** The first Tuesday, 07:00 in São Paulo, from the test epoch on: before an 08:00 digest hour. */
const tuesdayMorning = nextLocalTime({ weekday: 2, hour: 7 });
const fund = (nativeId: string, adminFee = 0.005) =>
	houseFund(nativeId, tuesdayMorning, { adminFee, riskLevel: 1 });

describe("immediate e-mail's daily cap", () => {
	let smtp: SmtpFixture;
	let system: RunningSystem;
	const clock = testClock(tuesdayMorning);
	const email = "capped@example.com";
	const mails = () =>
		smtp.messages.filter(
			(m) => m.envelope.to.includes(email) && !/confirm|entrar|sign in/i.test(m.parsed.subject ?? ""),
		);
	const sweep = () => system.broker.call<{ sent: number }, object>("mailer.sendDigests", {});
	let published = 0;
	async function publish(product: Product): Promise<void> {
		const id = `cap-${++published}`;
		await system.broker.call("products.publish", { id, sources: ["house"], products: [product] });
		const notifications = system.broker.getLocalService("notifications") as unknown as {
			adapter: { count(filter: object): Promise<number> };
		};
		await waitFor(async () => (await notifications.adapter.count({ query: { publicationId: id } })) >= 1, {
			what: `the notification of ${id}`,
		});
		await mailDueMarked(system.broker, id);
	}
	const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

	before(async () => {
		smtp = await startSmtpFixture();
		system = await startSystem({ SMTP_URL: smtp.url, IMMEDIATE_DAILY_CAP: "2" }, clock);
		const mailer = system.broker.getLocalService("mailer") as unknown as { settings: MailerSettings };
		// Quick retries: a first attempt that fails under load is retried within the waits below.
		Object.assign(mailer.settings, {
			retry: { baseMs: 200, maxMs: 1_000, maxAttempts: 20 },
			sweepIntervalMs: 300,
			digestIntervalMs: 3_600_000,
			immediateSettleMs: 0,
		});
		const before = smtp.messages.length;
		const res = await getJson(`${system.url}/api/subscribers`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				email,
				name: "Capped",
				locale: "pt-BR",
				consent: true,
				interests: { fund: { adminFee: { max: 0.01 } } },
			}),
		});
		assert.equal(res.status, 202);
		const mail = await waitFor(() => smtp.messages.slice(before).find((m) => m.envelope.to.includes(email)), {
			what: "the verification e-mail",
		});
		const token = /\/verificar\?token=([\w.-]+)/.exec(mail.parsed.text ?? "")?.[1];
		const verified = await getJson(`${system.url}/api/auth/verify?token=${token}`);
		await getJson(`${system.url}/api/me/preferences`, {
			method: "PUT",
			headers: { "content-type": "application/json", authorization: `Bearer ${verified.body.token}` },
			body: JSON.stringify({ digest: "immediate", digestHour: 8 }),
		});
	});
	after(async () => {
		await system.stop();
		await smtp.close();
	});

	it("sends at most the cap in a day, and the rest in the next day's digest", async () => {
		for (const id of ["1", "2", "3", "4"]) {
			await publish(fund(id));
			await sweep();
		}
		await waitFor(() => mails().length === 2, { what: "two immediate e-mails", timeoutMs: 20_000 });
		clock.advance(5 * 3_600_000); // Tuesday 12:00
		await publish(fund("5"));
		await sweep();
		await settle();
		assert.equal(mails().length, 2, "the cap holds all day");

		clock.set(tuesdayMorning + 24 * 3_600_000); // Wednesday 07:00, before the digest hour
		await sweep();
		await settle();
		assert.equal(mails().length, 2, "yesterday's leftovers wait for the digest hour");

		clock.advance(90 * 60_000); // Wednesday 08:30
		await sweep();
		const digest = await waitFor(() => mails()[2], {
			what: "the daily digest with what waited",
			timeoutMs: 20_000,
		});
		assert.match(digest.parsed.subject ?? "", /resumo diário/);
		const text = digest.parsed.text ?? "";
		for (const name of ["Fundo 3", "Fundo 4", "Fundo 5"]) assert.match(text, new RegExp(name));
		for (const name of ["Fundo 1", "Fundo 2"]) assert.doesNotMatch(text, new RegExp(`${name}\\b`));
		await sweep();
		await settle();
		assert.equal(mails().length, 3, "the digest once");
	});

	it("starts immediate e-mails again the next day, saying what changed", async () => {
		await publish(fund("1", 0.0049));
		await sweep();
		const mail = await waitFor(() => mails()[3], { what: "Wednesday's immediate e-mail", timeoutMs: 20_000 });
		assert.match(mail.parsed.text ?? "", /Taxa de administração 0,50% → 0,49%/);
	});
});
