/**
 * The mailer through a running system against a real SMTP server on loopback: content of
 * every template and locale, escaping, headers, idempotency, transient and permanent
 * failures, the server going down, restarts with deliveries pending, erasure, and the
 * embedded outbox of .eml files.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { simpleParser } from "mailparser";
import type { ServiceBroker } from "moleculer";
import { type Actions, call, type Delivery, type DeliveryStatus } from "../../domain/contracts.ts";
import type { StoredDelivery } from "../../services/mailer/deliveries.ts";
import type { MailerSettings } from "../../services/mailer/mailer.service.ts";
import { type SmtpFixture, startSmtpFixture } from "../fixtures/smtp.ts";
import { type RunningSystem, startSystem, tempDir, waitFor } from "../harness.ts";

type SendParams = Actions["mailer.send"]["params"];
type View = Delivery & { error?: string };

interface MailerService {
	settings: MailerSettings;
	adapter: { findOne(query: object): Promise<StoredDelivery | null> };
}

const mailerOf = (system: RunningSystem) =>
	system.broker.getLocalService("mailer") as unknown as MailerService;

/** Short retries for tests; production waits 30 s doubling to 30 min. */
function tune(system: RunningSystem, settings: Partial<MailerSettings> = {}): void {
	Object.assign(mailerOf(system).settings, {
		retry: { baseMs: 200, maxMs: 1_000, maxAttempts: 20 },
		sweepIntervalMs: 500,
		stopGraceMs: 200,
		maxInFlight: 50,
		...settings,
	});
}

async function startMailer(env: Record<string, string> = {}): Promise<RunningSystem> {
	const system = await startSystem({
		SERVICES: "mailer",
		MAIL_FROM: "Insights <no-reply@insights.test>",
		...env,
	});
	tune(system);
	return system;
}

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

function params(system: RunningSystem, overrides: Partial<SendParams> = {}): SendParams {
	return {
		to: "ana@example.com",
		template: "verify",
		locale: "pt-BR",
		data: { name: "Ana", link: `${system.config.publicUrl}/verificar?token=${unique("t")}` },
		subscriberId: unique("sub"),
		...overrides,
	};
}

async function deliveryOf(broker: ServiceBroker, id: string): Promise<View | undefined> {
	const { rows } = await call(broker, "mailer.deliveries", { pageSize: 100 });
	return rows.find((row) => row.id === id) as View | undefined;
}

async function until(
	broker: ServiceBroker,
	id: string,
	check: (d: View) => boolean,
	what: string,
	timeoutMs = 10_000,
): Promise<View> {
	return waitFor(
		async () => {
			const d = await deliveryOf(broker, id);
			return d && check(d) ? d : undefined;
		},
		{ what, timeoutMs, intervalMs: 50 },
	);
}

const withStatus = (broker: ServiceBroker, id: string, status: DeliveryStatus, timeoutMs?: number) =>
	until(broker, id, (d) => d.status === status, `delivery ${id} ${status}`, timeoutMs);

describe("mailer over SMTP", () => {
	let smtp: SmtpFixture;
	let system: RunningSystem;

	before(async () => {
		smtp = await startSmtpFixture();
		system = await startMailer({ SMTP_URL: smtp.url });
	});

	after(async () => {
		await system?.stop();
		await smtp?.close();
	});

	beforeEach(() => {
		smtp.refuseNext(0, 451);
		smtp.dropNext(0);
		smtp.release();
	});

	async function sendAndReceive(overrides: Partial<SendParams> = {}) {
		const input = params(system, overrides);
		const { id, status } = await call(system.broker, "mailer.send", input);
		assert.equal(status, "queued");
		const delivery = await withStatus(system.broker, id, "sent");
		const [mail] = await waitFor(
			() => {
				const found = smtp.withMessageId(delivery.messageId as string);
				return found.length > 0 ? found : undefined;
			},
			{ what: `message ${delivery.messageId}` },
		);
		return { input, delivery, mail: mail as NonNullable<typeof mail> };
	}

	const expected = {
		verify: {
			"pt-BR": {
				subject: "Confirme seu e-mail no Insights",
				expiry: "expira em 24 horas",
				hello: "Olá, Ana!",
			},
			en: {
				subject: "Confirm your e-mail for Insights",
				expiry: "expires in 24 hours",
				hello: "Hello, Ana!",
			},
		},
		"sign-in": {
			"pt-BR": {
				subject: "Seu link de acesso ao Insights",
				expiry: "expira em 15 minutos",
				hello: "Olá, Ana!",
			},
			en: { subject: "Your Insights sign-in link", expiry: "expires in 15 minutes", hello: "Hello, Ana!" },
		},
	} as const;

	for (const template of ["verify", "sign-in"] as const) {
		for (const locale of ["pt-BR", "en"] as const) {
			it(`delivers ${template} in ${locale}: subject, text and HTML with the link, no script`, async () => {
				const { input, delivery, mail } = await sendAndReceive({ template, locale });
				const want = expected[template][locale];
				const link = input.data.link as string;
				assert.equal(mail.parsed.subject, want.subject);
				assert.deepEqual(mail.parsed.from?.value, [{ name: "Insights", address: "no-reply@insights.test" }]);
				assert.deepEqual(mail.envelope.to, ["ana@example.com"]);
				assert.equal(mail.envelope.from, "no-reply@insights.test");
				const text = mail.parsed.text ?? "";
				const html = typeof mail.parsed.html === "string" ? mail.parsed.html : "";
				assert.ok(text.includes(want.hello) && text.includes(want.expiry), text);
				assert.ok(text.includes(link), "the link in the text");
				assert.ok(html.includes(`href="${link}"`), "the link as an href in the HTML");
				assert.ok(html.includes(want.expiry));
				assert.doesNotMatch(html, /<script/i);
				assert.match(mail.parsed.messageId ?? "", /^<[0-9a-f-]{36}@insights\.test>$/);
				assert.equal(delivery.locale, locale);
				assert.equal(delivery.template, template);
				assert.equal(delivery.attempts.length, 1);
				assert.equal(delivery.attempts[0]?.error, undefined);
				assert.equal(delivery.nextAttemptAt, undefined);
			});
		}
	}

	it("falls back to pt-BR for a locale without templates", async () => {
		const { delivery, mail } = await sendAndReceive({ locale: "de-DE" });
		assert.equal(mail.parsed.subject, "Confirme seu e-mail no Insights");
		assert.equal(delivery.locale, "pt-BR");
	});

	it("escapes a hostile name in HTML and keeps it plain in text", async () => {
		const name = "<script>alert(1)</script>";
		const { mail } = await sendAndReceive({
			data: { name, link: `${system.config.publicUrl}/verificar?token=x` },
		});
		const html = mail.parsed.html as string;
		assert.doesNotMatch(html, /<script/i);
		assert.ok(html.includes("Olá, &lt;script&gt;alert(1)&lt;/script&gt;!"));
		assert.ok(mail.parsed.text?.includes(`Olá, ${name}!`));
	});

	it("adds List-Unsubscribe headers only when an unsubscribe URL is given", async () => {
		const unsubscribeUrl = `${system.config.publicUrl}/descadastrar?token=u1`;
		const { mail: withIt } = await sendAndReceive({ unsubscribeUrl });
		assert.equal(withIt.headers.get("list-unsubscribe"), `<${unsubscribeUrl}>`);
		assert.equal(withIt.headers.get("list-unsubscribe-post"), "List-Unsubscribe=One-Click");
		assert.ok(withIt.parsed.text?.includes(unsubscribeUrl));
		const { mail: without } = await sendAndReceive();
		assert.equal(without.headers.has("list-unsubscribe"), false);
		assert.equal(without.headers.has("list-unsubscribe-post"), false);
	});

	it("sends once for the same idempotency key, even when both calls arrive together", async () => {
		const idempotencyKey = unique("verify:sub");
		const input = params(system, { idempotencyKey });
		const [first, second] = await Promise.all([
			call(system.broker, "mailer.send", input),
			call(system.broker, "mailer.send", input),
		]);
		assert.equal(first.id, idempotencyKey);
		assert.equal(second.id, idempotencyKey);
		const delivery = await withStatus(system.broker, idempotencyKey, "sent");
		const again = await call(system.broker, "mailer.send", input);
		assert.deepEqual(again, { id: idempotencyKey, status: "sent" });
		// A later message through the same server: anything sent twice would have arrived by now.
		await sendAndReceive();
		assert.equal(smtp.withMessageId(delivery.messageId as string).length, 1);
		const { total } = await call(system.broker, "mailer.deliveries", { subscriberId: input.subscriberId });
		assert.equal(total, 1);
	});

	it("answers at once while the SMTP server is slow, and delivers when it answers", async () => {
		smtp.delay("hold");
		const { id, status } = await call(system.broker, "mailer.send", params(system));
		assert.equal(status, "queued");
		const waiting = await deliveryOf(system.broker, id);
		assert.equal(waiting?.status, "queued");
		assert.equal(waiting?.attempts.length, 0);
		smtp.release();
		const delivery = await withStatus(system.broker, id, "sent");
		assert.equal(smtp.withMessageId(delivery.messageId as string).length, 1);
	});

	it("keeps deliveries beyond maxInFlight waiting in the log and sends them all once", async () => {
		tune(system, { maxInFlight: 1 });
		try {
			smtp.delay("hold");
			const ids: string[] = [];
			for (let i = 0; i < 4; i++) ids.push((await call(system.broker, "mailer.send", params(system))).id);
			const states = await Promise.all(ids.map((id) => deliveryOf(system.broker, id)));
			assert.deepEqual(
				states.map((d) => d?.status),
				["queued", "queued", "queued", "queued"],
			);
			smtp.release();
			for (const id of ids) {
				const delivery = await withStatus(system.broker, id, "sent");
				assert.equal(delivery.attempts.length, 1);
				assert.equal(smtp.withMessageId(delivery.messageId as string).length, 1);
			}
		} finally {
			tune(system);
		}
	});

	it("retries a transient 451 and delivers exactly once, with every attempt logged", async () => {
		smtp.refuseNext(1, 451);
		const { id } = await call(system.broker, "mailer.send", params(system));
		const delivery = await withStatus(system.broker, id, "sent");
		assert.equal(delivery.attempts.length, 2);
		assert.match(delivery.attempts[0]?.error ?? "", /451/);
		assert.equal(delivery.attempts[1]?.error, undefined);
		assert.ok((delivery.attempts[0]?.at ?? "") < (delivery.attempts[1]?.at ?? ""));
		assert.equal(smtp.withMessageId(delivery.messageId as string).length, 1);
		const stored = await mailerOf(system).adapter.findOne({ _id: id });
		assert.equal(stored?.message, undefined, "content dropped once sent");
		assert.equal(stored?.to, "ana@example.com", "metadata kept");
	});

	it("retries a dropped connection", async () => {
		smtp.dropNext(1);
		const { id } = await call(system.broker, "mailer.send", params(system));
		const delivery = await withStatus(system.broker, id, "sent");
		assert.equal(delivery.attempts.length, 2);
		assert.match(delivery.attempts[0]?.error ?? "", /ECONNECTION/);
		assert.equal(smtp.withMessageId(delivery.messageId as string).length, 1);
	});

	it("fails a permanent 550 at once, without retrying, and drops the content", async () => {
		smtp.refuseNext(1, 550);
		const attemptsBefore = smtp.attempts;
		const { id } = await call(system.broker, "mailer.send", params(system));
		const delivery = await withStatus(system.broker, id, "failed");
		assert.equal(delivery.attempts.length, 1);
		assert.match(delivery.error ?? "", /550/);
		assert.equal(delivery.nextAttemptAt, undefined);
		// A later message goes through; the failed one was not tried again meanwhile.
		await sendAndReceive();
		assert.equal(smtp.attempts - attemptsBefore, 2);
		assert.equal((await deliveryOf(system.broker, id))?.attempts.length, 1);
		assert.equal((await mailerOf(system).adapter.findOne({ _id: id }))?.message, undefined);
	});

	it("gives up after the last allowed attempt", async () => {
		tune(system, { retry: { baseMs: 50, maxMs: 100, maxAttempts: 3 } });
		try {
			smtp.refuseNext(100, 421, "4.4.2 Too busy");
			const { id } = await call(system.broker, "mailer.send", params(system));
			const delivery = await withStatus(system.broker, id, "failed");
			assert.equal(delivery.attempts.length, 3);
			assert.ok(delivery.attempts.every((a) => /421/.test(a.error ?? "")));
		} finally {
			tune(system);
		}
	});

	it("keeps retrying while the SMTP server is down and delivers once when it is back", async () => {
		await smtp.stop();
		let id = "";
		try {
			({ id } = await call(system.broker, "mailer.send", params(system)));
			const retrying = await until(
				system.broker,
				id,
				(d) => d.status === "retrying" && d.attempts.length >= 2,
				"two failed attempts",
			);
			assert.ok(retrying.nextAttemptAt);
			assert.match(retrying.attempts[0]?.error ?? "", /ECONNECTION|ECONNREFUSED|ESOCKET/);
		} finally {
			await smtp.start();
		}
		const delivery = await withStatus(system.broker, id, "sent");
		assert.ok(delivery.attempts.length >= 3);
		assert.equal(smtp.withMessageId(delivery.messageId as string).length, 1);
	});

	it("rejects bad input at the edge and stores nothing", async () => {
		const cases: [Partial<SendParams>, RegExp][] = [
			[{ to: "ana@example.com,eve@example.com" }, /to/],
			[{ to: "not an address" }, /to/],
			[{ template: "digest" as never }, /template/],
			[{ data: { name: "Ana", link: "javascript:alert(1)" } }, /link/],
			[{ data: { name: "Ana", link: "https://evil.example/verify" } }, /link/],
			[{ data: { name: "Ana" } }, /link/],
			[{ unsubscribeUrl: "javascript:alert(1)" }, /unsubscribeUrl/],
			[{ idempotencyKey: "../../etc/passwd" }, /idempotencyKey/],
		];
		for (const [overrides, message] of cases) {
			const input = params(system, overrides);
			await assert.rejects(call(system.broker, "mailer.send", input), (err: Error & { code?: number }) => {
				assert.equal(err.code, 422, JSON.stringify(overrides));
				assert.match(`${err.message} ${JSON.stringify((err as { data?: unknown }).data)}`, message);
				return true;
			});
			const { total } = await call(system.broker, "mailer.deliveries", {
				subscriberId: input.subscriberId as string,
			});
			assert.equal(total, 0);
		}
	});

	it("lists deliveries newest first, by status and subscriber, without contents", async () => {
		const subscriberId = unique("lister");
		const ids: string[] = [];
		for (let i = 0; i < 3; i++) {
			const { id } = await call(system.broker, "mailer.send", params(system, { subscriberId }));
			await withStatus(system.broker, id, "sent");
			ids.push(id);
		}
		const page = await call(system.broker, "mailer.deliveries", { subscriberId, pageSize: 2 });
		assert.equal(page.total, 3);
		assert.equal(page.totalPages, 2);
		assert.deepEqual(
			page.rows.map((r) => r.id),
			[ids[2], ids[1]],
		);
		const second = await call(system.broker, "mailer.deliveries", { subscriberId, pageSize: 2, page: 2 });
		assert.deepEqual(
			second.rows.map((r) => r.id),
			[ids[0]],
		);
		for (const row of page.rows) {
			assert.deepEqual(Object.keys(row).sort(), [
				"attempts",
				"createdAt",
				"id",
				"locale",
				"messageId",
				"status",
				"subscriberId",
				"template",
				"to",
				"updatedAt",
			]);
		}
		const failedOnly = await call(system.broker, "mailer.deliveries", { subscriberId, status: "failed" });
		assert.equal(failedOnly.total, 0);
		await assert.rejects(call(system.broker, "mailer.deliveries", { pageSize: 101 }), { code: 422 });
	});
});

describe("mailer restarts", () => {
	let smtp: SmtpFixture;
	const data = tempDir();
	let system: RunningSystem | undefined;

	before(async () => {
		smtp = await startSmtpFixture();
	});

	afterEach(async () => {
		await system?.stop();
		system = undefined;
		smtp.refuseNext(0, 451);
		smtp.release();
	});

	after(async () => {
		await smtp?.close();
		data.remove();
	});

	it("delivers a pending retry after the mailer restarts, once", async () => {
		const env = { SMTP_URL: smtp.url, DATA_DIR: join(data.path, "retry") };
		system = await startMailer(env);
		smtp.refuseNext(1_000, 451);
		const { id } = await call(system.broker, "mailer.send", params(system));
		await until(
			system.broker,
			id,
			(d) => d.status === "retrying" && d.attempts.length >= 1,
			"a failed attempt",
		);
		await system.stop();
		system = undefined;
		smtp.refuseNext(0, 451);

		system = await startMailer(env);
		const delivery = await withStatus(system.broker, id, "sent");
		assert.ok(delivery.attempts.length >= 2);
		assert.match(delivery.attempts[0]?.error ?? "", /451/);
		assert.equal(delivery.attempts.at(-1)?.error, undefined);
		assert.equal(smtp.withMessageId(delivery.messageId as string).length, 1);
	});

	it("aborts an attempt in progress on stop and delivers it after the restart, once", async () => {
		const env = { SMTP_URL: smtp.url, DATA_DIR: join(data.path, "abort") };
		system = await startMailer(env);
		smtp.delay("hold");
		const { id } = await call(system.broker, "mailer.send", params(system));
		await system.stop();
		system = undefined;
		smtp.release();

		system = await startMailer(env);
		const delivery = await withStatus(system.broker, id, "sent");
		assert.equal(delivery.attempts.length, 2);
		assert.match(delivery.attempts[0]?.error ?? "", /abort|stopping/i);
		assert.equal(smtp.withMessageId(delivery.messageId as string).length, 1);
	});

	it("erases a subscriber's address and content, cancelling what is pending", async () => {
		const dir = join(data.path, "forget");
		system = await startMailer({ SMTP_URL: smtp.url, DATA_DIR: dir });
		const subscriberId = unique("erase-me");
		const to = "Erase.Me@Example.com";
		const sent = await call(system.broker, "mailer.send", params(system, { subscriberId, to }));
		const sentDelivery = await withStatus(system.broker, sent.id, "sent");
		smtp.refuseNext(1_000, 550, "5.1.1 <erase.me@example.com>: unknown user");
		const failed = await call(system.broker, "mailer.send", params(system, { to: "erase.me@example.com" }));
		await withStatus(system.broker, failed.id, "failed");
		smtp.refuseNext(1_000, 451);
		const pending = await call(
			system.broker,
			"mailer.send",
			params(system, { subscriberId, to: "other@example.com" }),
		);
		await withStatus(system.broker, pending.id, "retrying");
		const keep = await call(system.broker, "mailer.send", params(system, { to: "keep@example.com" }));

		const result = await call(system.broker, "mailer.forget", {
			subscriberId,
			email: "erase.me@example.com",
		});
		assert.deepEqual(result, { updated: 3 });

		const after = {
			sent: (await deliveryOf(system.broker, sent.id)) as View,
			failed: (await deliveryOf(system.broker, failed.id)) as View,
			pending: (await deliveryOf(system.broker, pending.id)) as View,
		};
		for (const d of Object.values(after)) {
			assert.equal(d.to, "erased");
			assert.equal(d.subscriberId, undefined);
			assert.equal((await mailerOf(system).adapter.findOne({ _id: d.id }))?.message, undefined);
		}
		assert.equal(after.sent.status, "sent");
		assert.equal(after.sent.messageId, sentDelivery.messageId, "metadata kept");
		assert.equal(after.pending.status, "failed");
		assert.equal(after.pending.error, "erased");
		assert.equal(after.pending.nextAttemptAt, undefined);
		assert.doesNotMatch(JSON.stringify(after.failed), /erase\.me/i, "the server's reply quoted the address");
		const kept = (await deliveryOf(system.broker, keep.id)) as View;
		assert.equal(kept.to, "keep@example.com");
		const file = readFileSync(join(dir, "deliveries.db"), "utf8");
		assert.doesNotMatch(
			file,
			/erase\.me@example\.com|other@example\.com/i,
			"no old copy left in the data file",
		);
		assert.match(file, /keep@example\.com/);

		// The cancelled one is never sent, even with the server accepting again.
		smtp.refuseNext(0, 451);
		await withStatus(system.broker, keep.id, "sent");
		const barrier = await call(system.broker, "mailer.send", params(system));
		await withStatus(system.broker, barrier.id, "sent");
		assert.equal((await deliveryOf(system.broker, pending.id))?.status, "failed");
		assert.equal(smtp.messages.filter((m) => m.envelope.to.includes("other@example.com")).length, 0);
	});
});

describe("mailer outbox (no SMTP_URL)", () => {
	let system: RunningSystem;

	before(async () => {
		system = await startMailer();
	});

	after(async () => {
		await system?.stop();
	});

	it("writes each message as an .eml file that parses back", async () => {
		const input = params(system, {
			template: "sign-in",
			locale: "en",
			idempotencyKey: unique("sign-in:sub"),
		});
		const { id } = await call(system.broker, "mailer.send", input);
		const delivery = await withStatus(system.broker, id, "sent");
		const file = join(system.config.dataDir, "outbox", `${id.replace(/[^\w.-]/g, "_")}.eml`);
		assert.ok(existsSync(file), file);
		const raw = readFileSync(file);
		assert.ok(raw.includes("\r\n"), "RFC 822 line endings");
		const parsed = await simpleParser(raw);
		assert.equal(parsed.subject, "Your Insights sign-in link");
		assert.equal((parsed.to as { text: string }).text, "ana@example.com");
		assert.deepEqual(parsed.from?.value, [{ name: "Insights", address: "no-reply@insights.test" }]);
		assert.equal(parsed.messageId, delivery.messageId);
		assert.ok(parsed.text?.includes(input.data.link as string));
		assert.ok((parsed.html as string).includes(`href="${input.data.link}"`));
	});

	it("removes the .eml file when the subscriber is forgotten", async () => {
		const subscriberId = unique("outbox-erase");
		const { id } = await call(system.broker, "mailer.send", params(system, { subscriberId }));
		await withStatus(system.broker, id, "sent");
		const file = join(system.config.dataDir, "outbox", `${id}.eml`);
		assert.ok(existsSync(file));
		await call(system.broker, "mailer.forget", { subscriberId, email: "nobody@example.com" });
		assert.equal(existsSync(file), false);
	});
});
