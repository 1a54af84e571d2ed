/**
 * The SMTP transport sends on a thread of its own (services/mailer/smtp-worker.ts). What the
 * mailer relies on must cross the thread whole: the server's verdict (its reply code, which
 * decides retry or give up), an abort that answers at once (but a message sent meanwhile
 * counts as sent), and a thread that ends failing what it held as a transient failure, with
 * the next send starting another thread.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Config } from "../../config.ts";
import { classifyFailure } from "../../services/mailer/retry.ts";
import { type MailTransport, type OutgoingMail, smtpTransport } from "../../services/mailer/transport.ts";
import { type SmtpFixture, startSmtpFixture } from "../fixtures/smtp.ts";

const timeouts = { connectionMs: 5_000, greetingMs: 5_000, socketMs: 10_000 };
let sent = 0;

function mail(subject: string): OutgoingMail {
	sent++;
	return {
		deliveryId: `d-${sent}`,
		messageId: `<m-${sent}@insights.localhost>`,
		from: "Insights <no-reply@insights.localhost>",
		to: `client-${sent}@example.com`,
		subject,
		html: `<p>Olá, ${subject} ≤ 1%</p>`,
		text: `Olá, ${subject} ≤ 1%`,
		headers: { "List-Unsubscribe": "<https://insights.example/api/unsubscribe?token=t>" },
	};
}

const forever = () => AbortSignal.timeout(30_000);

async function failure(sending: Promise<unknown>): Promise<Error & Record<string, unknown>> {
	try {
		await sending;
	} catch (err) {
		return err as Error & Record<string, unknown>;
	}
	assert.fail("the send was expected to fail");
}

describe("SMTP transport on its own thread", { timeout: 30_000 }, () => {
	let smtp: SmtpFixture;
	let transport: MailTransport;
	const open = (script?: URL) => {
		transport = smtpTransport(
			{ smtpUrl: smtp.url, smtpMaxConnections: 2, smtpRateLimit: 1_000 } as Config,
			timeouts,
			script,
		);
	};

	before(async () => {
		smtp = await startSmtpFixture();
	});
	beforeEach(() => {
		smtp.delay(0);
		smtp.release();
	});
	after(async () => {
		transport?.close();
		await smtp.close();
	});

	it("delivers the message and answers with the server's reply", async () => {
		open();
		const message = mail("Sua carteira");
		const { response } = await transport.send(message, forever());
		transport.close();
		assert.match(response, /^250/);
		const [received] = smtp.withMessageId(message.messageId);
		assert.ok(received, "the server got the message");
		assert.equal(received.parsed.subject, "Sua carteira");
		assert.equal(received.parsed.text?.trim(), "Olá, Sua carteira ≤ 1%");
		assert.deepEqual(received.envelope.to, [message.to]);
		assert.equal(received.headers.get("list-unsubscribe"), message.headers["List-Unsubscribe"]);
	});

	it("keeps the server's verdict: a 550 is final, a 451 is tried again", async () => {
		open();
		smtp.refuseNext(1, 550, "5.1.1 Mailbox unavailable");
		const refused = await failure(transport.send(mail("refused"), forever()));
		assert.equal(refused.responseCode, 550);
		assert.equal(refused.code, "EMESSAGE");
		assert.match(refused.message, /Mailbox unavailable/);
		assert.equal(classifyFailure(refused), "permanent");

		smtp.refuseNext(1, 451, "4.3.0 Try again later");
		const busy = await failure(transport.send(mail("busy"), forever()));
		assert.equal(busy.responseCode, 451);
		assert.equal(classifyFailure(busy), "transient");
		transport.close();
	});

	it("answers an abort at once and frees the connection for the next message", async () => {
		open();
		smtp.delay("hold");
		const controller = new AbortController();
		const held = transport.send(mail("held"), controller.signal);
		await new Promise((resolve) => setTimeout(resolve, 200));
		controller.abort(new Error("the mailer is stopping"));
		const aborted = await failure(held);
		assert.equal(aborted.name, "AbortError");
		assert.equal(aborted.code, "EABORT");
		assert.equal((aborted.cause as Error).message, "the mailer is stopping");
		assert.equal(classifyFailure(aborted), "transient");

		smtp.release();
		smtp.delay(0);
		const next = mail("after the abort");
		await transport.send(next, forever());
		transport.close();
		assert.equal(smtp.withMessageId(next.messageId).length, 1);
	});

	it("counts a message the thread sent before the abort reached it as sent, so it is not sent twice", async () => {
		open(new URL("../fixtures/late-smtp-worker.ts", import.meta.url));
		const controller = new AbortController();
		const sending = transport.send(mail("sent as it was aborted"), controller.signal);
		controller.abort(new Error("the attempt took too long"));
		const { response } = await sending;
		transport.close();
		assert.match(response, /^250 .*before the abort/);
	});

	it("fails what a thread held when it ends, as transient, and the next send starts another", async () => {
		open(new URL("../fixtures/dying-smtp-worker.ts", import.meta.url));
		smtp.delay("hold");
		const held = transport.send(mail("held"), forever());
		await new Promise((resolve) => setTimeout(resolve, 200));
		const dying = transport.send(mail("die"), forever());
		for (const err of [await failure(held), await failure(dying)]) {
			assert.equal(err.code, "ECONNECTION");
			assert.match(err.message, /SMTP thread ended/);
			assert.equal(classifyFailure(err), "transient");
		}

		smtp.release();
		smtp.delay(0);
		const next = mail("after the crash");
		const { response } = await transport.send(next, forever());
		transport.close();
		assert.match(response, /^250/);
		assert.equal(smtp.withMessageId(next.messageId).length, 1);
	});

	it("refuses to send once closed", async () => {
		open();
		transport.close();
		const err = await failure(transport.send(mail("late"), forever()));
		assert.match(err.message, /closed/);
	});
});
