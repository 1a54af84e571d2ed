/**
 * Where messages go: an SMTP server through a pool of connections (SMTP_URL), or, in the
 * embedded default, a real RFC 822 file per message in DATA_DIR/outbox that any mail client
 * or parser opens.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import nodemailer from "nodemailer";
import type { Config } from "../../config.ts";

export interface OutgoingMail {
	deliveryId: string;
	messageId: string;
	from: string;
	to: string;
	subject: string;
	html: string;
	text: string;
	headers: Record<string, string>;
}

export interface SendResult {
	/** The SMTP server's reply (smtp) or the file written (outbox). */
	response: string;
}

export interface MailTransport {
	kind: "smtp" | "outbox";
	/** Rejects with nodemailer's error (code, responseCode) when the message was not accepted. */
	send(mail: OutgoingMail, signal: AbortSignal): Promise<SendResult>;
	/** Closes pooled connections; pending sends fail (and are retried later). */
	close(): void;
}

export interface SmtpTimeouts {
	connectionMs: number;
	greetingMs: number;
	socketMs: number;
}

function nodemailerMessage(mail: OutgoingMail) {
	return {
		from: mail.from,
		// An address object, never a string nodemailer would parse as a list of recipients.
		to: { name: "", address: mail.to },
		subject: mail.subject,
		html: mail.html,
		text: mail.text,
		headers: mail.headers,
		messageId: mail.messageId,
		// Our bodies are mostly ASCII with accents: quoted-printable reads well in raw form, and
		// saying so spares nodemailer scanning every body to choose (bench mail).
		textEncoding: "quoted-printable" as const,
	};
}

export function smtpTransport(config: Config, timeouts: SmtpTimeouts): MailTransport {
	const pool = nodemailer.createTransport({
		url: config.smtpUrl,
		pool: true,
		maxConnections: config.smtpMaxConnections,
		rateDelta: 1000,
		rateLimit: config.smtpRateLimit,
		// Retries are the mailer's own, so each one is logged in the delivery and backed off.
		maxRequeues: 0,
		connectionTimeout: timeouts.connectionMs,
		greetingTimeout: timeouts.greetingMs,
		socketTimeout: timeouts.socketMs,
	});
	return {
		kind: "smtp",
		async send(mail, signal) {
			const info = await pool.sendMail({ ...nodemailerMessage(mail), signal });
			return { response: String(info.response ?? "") };
		},
		close() {
			pool.close();
		},
	};
}

/** A delivery id as a file name: idempotency keys may hold characters some file systems refuse. */
export function outboxFileName(deliveryId: string): string {
	return `${deliveryId.replace(/[^\w.-]/g, "_")}.eml`;
}

export function outboxTransport(dir: string): MailTransport {
	const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows" });
	return {
		kind: "outbox",
		async send(mail) {
			const info = await composer.sendMail(nodemailerMessage(mail));
			await mkdir(dir, { recursive: true });
			const file = join(dir, outboxFileName(mail.deliveryId));
			// Written whole or not at all: a reader never sees half a message.
			const partial = `${file}.${process.pid}.tmp`;
			await writeFile(partial, info.message as Buffer);
			await rename(partial, file);
			return { response: file };
		},
		close() {},
	};
}
