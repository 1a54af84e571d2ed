/**
 * What a failed attempt means: try again later (transient) or give up (permanent), and when
 * to try again. Only a server's permanent verdict on this message is final; anything about
 * the connection or our own setup may go through later.
 */

export interface RetryPolicy {
	/** Delay after the first failed attempt; doubles after each further one. */
	baseMs: number;
	/** Longest delay between two attempts. */
	maxMs: number;
	/** Attempts in all, the first included; the last failure makes the delivery `failed`. */
	maxAttempts: number;
}

/** 30 s, 1, 2, 4, 8, 16 min, then every 30 min: ten attempts over about 2 h 30 min. */
export const defaultRetryPolicy: RetryPolicy = { baseMs: 30_000, maxMs: 30 * 60_000, maxAttempts: 10 };

/** Delay before the next attempt after `failedAttempts` failures (1 = the first failed). */
export function backoffMs(failedAttempts: number, policy: RetryPolicy): number {
	const exponent = Math.max(0, failedAttempts - 1);
	return Math.min(policy.baseMs * 2 ** Math.min(exponent, 30), policy.maxMs);
}

interface MailError {
	code?: unknown;
	originalCode?: unknown;
	responseCode?: unknown;
	name?: unknown;
	message?: unknown;
	cause?: unknown;
}

/** Failures of our side's setup (credentials, TLS): fixing the configuration lets the message through. */
const setupCodes = new Set(["EAUTH", "ENOAUTH", "EOAUTH2", "ETLS"]);

/** Problems with the message itself that no server will accept later either. */
const messageCodes = new Set(["EENVELOPE", "EMAXRECIPIENTS", "EOTP", "EFILEACCESS", "EURLACCESS"]);

export type FailureKind = "transient" | "permanent";

/**
 * SMTP 4xx → transient; 5xx (but 503, a session out of step) → permanent. Without a reply
 * code: known message problems are permanent; everything else (ECONNECTION, ECONNREFUSED,
 * ETIMEDOUT, ESOCKET, a dropped connection, an aborted or timed-out attempt, a full disk in
 * outbox mode, an error nobody foresaw) is transient, because losing a message is worse
 * than trying it again a few times.
 */
export function classifyFailure(err: unknown): FailureKind {
	const e = (err ?? {}) as MailError;
	if (typeof e.code === "string" && setupCodes.has(e.code)) return "transient";
	if (typeof e.responseCode === "number") {
		const reply = e.responseCode;
		return reply >= 500 && reply < 600 && reply !== 503 ? "permanent" : "transient";
	}
	if (typeof e.code === "string" && messageCodes.has(e.code)) return "permanent";
	return "transient";
}

/** One line for the delivery log: the server's reply when there is one, else the error. */
export function failureText(err: unknown): string {
	const e = (err ?? {}) as MailError;
	let text = typeof e.message === "string" && e.message ? e.message : String(err);
	const cause = (e.cause as { message?: unknown } | undefined)?.message;
	if (typeof cause === "string" && cause && !text.includes(cause)) text = `${text}: ${cause}`;
	const code = typeof e.code === "string" ? e.code : undefined;
	if (code && !text.includes(code)) text = `${code}: ${text}`;
	return text.replace(/\s+/g, " ").trim().slice(0, 500);
}
