/**
 * The SMTP pool, on a thread of its own. Building a MIME message (quoted-printable bodies)
 * and dot-stuffing it onto the socket costs about 2 ms of CPU per digest (bench mail): on
 * the mailer's thread that was a third of every digest's time, and it kept that thread from
 * the sweep, the store and the API. Here it runs beside them. transport.ts is the only side
 * that talks to it; the messages between the two are `ToWorker` and `FromWorker`.
 */
import { parentPort, workerData } from "node:worker_threads";
import nodemailer from "nodemailer";
import { nodemailerMessage, type OutgoingMail } from "./mail-message.ts";

/** What the pool is made with (the thread's workerData). */
export interface PoolOptions {
	url: string;
	maxConnections: number;
	rateLimit: number;
	timeouts: { connectionMs: number; greetingMs: number; socketMs: number };
}

/** A failed send, as the mailer's retry rules read it (retry.ts). */
export interface SendFailure {
	name: string;
	message: string;
	code?: string;
	originalCode?: string;
	responseCode?: number;
	command?: string;
	cause?: string;
}

export type ToWorker =
	| { type: "send"; id: number; mail: OutgoingMail }
	| { type: "abort"; id: number; reason: string }
	| { type: "close" };

export type FromWorker =
	| { type: "sent"; id: number; response: string }
	| { type: "failed"; id: number; error: SendFailure };

const port = parentPort;
if (!port) throw new Error("smtp-worker.ts runs as a worker thread (transport.ts starts it)");
const options = workerData as PoolOptions;

const pool = nodemailer.createTransport({
	url: options.url,
	pool: true,
	maxConnections: options.maxConnections,
	rateDelta: 1000,
	rateLimit: options.rateLimit,
	// Retries are the mailer's own, so each one is logged in the delivery and backed off.
	maxRequeues: 0,
	connectionTimeout: options.timeouts.connectionMs,
	greetingTimeout: options.timeouts.greetingMs,
	socketTimeout: options.timeouts.socketMs,
});
/** Sends in progress, to abort one when the mailer gives up on it. */
const sending = new Map<number, AbortController>();

/** What the mailer's retry rules read of a failure (retry.ts): a plain object crosses threads whole. */
function failure(err: unknown): SendFailure {
	const e = (err ?? {}) as Record<string, unknown>;
	const text = (value: unknown) => (typeof value === "string" ? value : undefined);
	const cause = (e.cause as { message?: unknown } | undefined)?.message;
	return {
		name: text(e.name) ?? "Error",
		message: text(e.message) ?? String(err),
		code: text(e.code),
		originalCode: text(e.originalCode),
		responseCode: typeof e.responseCode === "number" ? e.responseCode : undefined,
		command: text(e.command),
		cause: text(cause),
	};
}

async function send(id: number, mail: OutgoingMail): Promise<FromWorker> {
	const controller = new AbortController();
	sending.set(id, controller);
	try {
		const info = await pool.sendMail({ ...nodemailerMessage(mail), signal: controller.signal });
		return { type: "sent", id, response: String(info.response ?? "") };
	} catch (err) {
		return { type: "failed", id, error: failure(err) };
	} finally {
		sending.delete(id);
	}
}

/** Closing: the thread ends once the sends under way have answered. */
let closing = false;

port.on("message", (message: ToWorker) => {
	if (message.type === "send")
		void send(message.id, message.mail).then((reply) => {
			port.postMessage(reply);
			if (closing && sending.size === 0) port.close();
		});
	else if (message.type === "abort") sending.get(message.id)?.abort(new Error(message.reason));
	else {
		// Idle connections close now, busy ones after their message.
		closing = true;
		pool.close();
		if (sending.size === 0) port.close();
	}
});
