/**
 * Where messages go: an SMTP server through a pool of connections (SMTP_URL), or, in the
 * embedded default, a real RFC 822 file per message in DATA_DIR/outbox that any mail client
 * or parser opens.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import nodemailer from "nodemailer";
import type { Config } from "../../config.ts";
import { nodemailerMessage, type OutgoingMail } from "./mail-message.ts";
import type { FromWorker, PoolOptions, SendFailure, ToWorker } from "./smtp-worker.ts";

export type { OutgoingMail };

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

/** The worker's account of a failure, as the error nodemailer threw (the fields retry.ts reads). */
function sendError(failure: SendFailure): Error {
	const { name, message, cause, ...fields } = failure;
	const err = new Error(message, cause === undefined ? undefined : { cause: new Error(cause) });
	err.name = name;
	for (const [key, value] of Object.entries(fields))
		if (value !== undefined) Object.assign(err, { [key]: value });
	return err;
}

/** As nodemailer fails a send whose signal aborted. */
function abortError(signal: AbortSignal): Error {
	const err = new Error("Message sending aborted", { cause: signal.reason });
	return Object.assign(err, { name: "AbortError", code: "EABORT" });
}

/** How long an aborted send waits for the thread's answer before it is failed here (a thread that hangs). */
const abortAnswerMs = 5_000;

interface Waiting {
	resolve(result: SendResult): void;
	reject(err: Error): void;
}

/**
 * A pool of SMTP connections on a thread of its own (smtp-worker.ts: why). Sends wait here
 * by number until the thread answers, an aborted one too. A thread that dies fails what it
 * held (the mailer tries those again later) and the next send starts another.
 */
export function smtpTransport(
	config: Config,
	timeouts: SmtpTimeouts,
	/** The thread's script: smtp-worker.ts (a test's stands in to end it as a crash would). */
	script = new URL("./smtp-worker.ts", import.meta.url),
): MailTransport {
	const options: PoolOptions = {
		url: config.smtpUrl as string,
		maxConnections: config.smtpMaxConnections,
		rateLimit: config.smtpRateLimit,
		timeouts,
	};
	const waiting = new Map<number, Waiting>();
	let nextId = 0;
	let thread: Worker | undefined;
	let closed = false;

	const post = (message: ToWorker) => thread?.postMessage(message);
	/** The thread holds the process only while a send waits on it. */
	const settle = (id: number) => {
		waiting.delete(id);
		if (waiting.size === 0) thread?.unref();
	};
	const failAll = (err: Error) => {
		const all = [...waiting.values()];
		waiting.clear();
		for (const one of all) one.reject(err);
	};
	const start = (): Worker => {
		const worker = new Worker(script, { workerData: options });
		let crash: Error | undefined;
		worker.on("message", (reply: FromWorker) => {
			const one = waiting.get(reply.id);
			if (!one) return; // failed here already: the thread did not answer an abort in time
			settle(reply.id);
			if (reply.type === "sent") one.resolve({ response: reply.response });
			else one.reject(sendError(reply.error));
		});
		worker.on("error", (err) => {
			crash = err;
		});
		worker.on("exit", (code) => {
			if (thread === worker) thread = undefined;
			const why = crash ? `: ${crash.message}` : "";
			failAll(Object.assign(new Error(`the SMTP thread ended (${code})${why}`), { code: "ECONNECTION" }));
		});
		return worker;
	};

	return {
		kind: "smtp",
		send(mail, signal) {
			if (closed) return Promise.reject(new Error("the SMTP transport is closed"));
			if (signal.aborted) return Promise.reject(abortError(signal));
			thread ??= start();
			thread.ref();
			const id = nextId++;
			return new Promise<SendResult>((resolve, reject) => {
				let unanswered: NodeJS.Timeout | undefined;
				// The thread's answer decides, as nodemailer's did: a message it sent just before the
				// abort reached it is sent, and must not be tried again (it would go out twice).
				const onAbort = () => {
					post({ type: "abort", id, reason: String((signal.reason as Error)?.message ?? signal.reason) });
					unanswered = setTimeout(() => {
						if (!waiting.has(id)) return;
						settle(id);
						reject(abortError(signal));
					}, abortAnswerMs);
				};
				signal.addEventListener("abort", onAbort, { once: true });
				const done = () => {
					signal.removeEventListener("abort", onAbort);
					clearTimeout(unanswered);
				};
				waiting.set(id, {
					resolve: (result) => {
						done();
						resolve(result);
					},
					reject: (err) => {
						done();
						reject(err);
					},
				});
				post({ type: "send", id, mail });
			});
		},
		close() {
			// As nodemailer closes a pool: a message under way finishes, queued ones fail; each
			// answers from the thread, which then ends (smtp-worker.ts).
			closed = true;
			post({ type: "close" });
			thread?.unref();
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
