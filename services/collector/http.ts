/**
 * Fetching sources politely and defensively: a concurrency limit per host, a timeout,
 * retries with exponential backoff on what may pass (5xx, 429, network errors, timeouts),
 * our own User-Agent, and a byte limit enforced while reading, not after. Bodies are
 * decoded by their declared charset, falling back to windows-1252 (latin-1) when the bytes
 * are not UTF-8. Every failure carries its kind (SourceProblem), so the run summary and
 * the Operador page can say "refused (403)", "gone (410)" or "TLS" instead of "failed".
 */
import pLimit, { type LimitFunction } from "p-limit";
import type { SourceProblem } from "../../domain/contracts.ts";
import type { Limits } from "./sources.ts";

type Kind = SourceProblem["kind"];

export class FetchError extends Error {
	override name = "FetchError";
	/** Worth another attempt (5xx, 429, timeouts, network errors), unlike a 404 or an oversize body. */
	readonly retryable: boolean;
	readonly kind: Kind;
	readonly httpStatus?: number;
	constructor(message: string, retryable: boolean, kind: Kind, httpStatus?: number) {
		super(message);
		this.retryable = retryable;
		this.kind = kind;
		if (httpStatus !== undefined) this.httpStatus = httpStatus;
	}
}

export interface FetchedBody {
	bytes: Uint8Array;
	contentType: string;
	attempts: number;
}

export interface Http {
	/** The whole body, at most `limits.maxBytes`. */
	getBody(url: string, headers: Record<string, string>, limits: Limits): Promise<FetchedBody>;
	/** The body as it arrives (large CSVs): retried until its first byte, limited throughout. */
	getStream(url: string, headers: Record<string, string>, limits: Limits): AsyncIterable<Uint8Array>;
}

/** Certificate problems have codes of their own; ICP-Brasil chains are the usual cause here. */
const tlsCodes =
	/^(CERT_|ERR_TLS_|UNABLE_TO_(VERIFY|GET)_|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|ERR_SSL_|EPROTO$)/;

/** A failure of `fetch` itself, as a FetchError of the right kind. */
function networkError(err: unknown): FetchError {
	const cause = (err as { cause?: { code?: string; message?: string } }).cause;
	const code = cause?.code;
	if (code && tlsCodes.test(code))
		return new FetchError(
			`TLS failure (${code}): the server's certificate is not trusted here; if it chains to ICP-Brasil, add its roots with NODE_EXTRA_CA_CERTS`,
			false,
			"tls",
		);
	if (code) return new FetchError(`network error (${code})`, true, "unreachable");
	return new FetchError((err as Error).message.slice(0, 120), true, "unreachable");
}

function statusError(status: number): FetchError {
	const retryable = status >= 500 || status === 429 || status === 408;
	const meaning =
		status === 403
			? " (refused: the source wants other headers or blocks this client)"
			: status === 410
				? " (gone: the source no longer publishes this)"
				: "";
	return new FetchError(`HTTP ${status}${meaning}`, retryable, "http", status);
}

/** Counts bytes as they pass and stops the download past `maxBytes`. */
async function* limited(
	res: Response,
	maxBytes: number,
	controller: AbortController,
): AsyncGenerator<Uint8Array> {
	const declared = Number(res.headers.get("content-length"));
	if (declared > maxBytes) {
		controller.abort();
		throw new FetchError(
			`response of ${declared} bytes is over the ${maxBytes}-byte limit`,
			false,
			"too-large",
		);
	}
	let size = 0;
	for await (const chunk of res.body ?? []) {
		size += chunk.byteLength;
		if (size > maxBytes) {
			controller.abort();
			throw new FetchError(`response is over the ${maxBytes}-byte limit`, false, "too-large");
		}
		yield chunk;
	}
}

function charsetOf(contentType: string, bytes: Uint8Array): string | undefined {
	const declared = /charset=["']?([\w-]+)/i.exec(contentType)?.[1];
	if (declared) return declared.toLowerCase();
	// An HTML page may declare its charset in a <meta> near the top instead.
	const head = Buffer.from(bytes.subarray(0, 2048)).toString("latin1");
	return /<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
}

export function decode(bytes: Uint8Array, contentType: string): string {
	const charset = charsetOf(contentType, bytes);
	if (charset && charset !== "utf-8" && charset !== "utf8") {
		try {
			return new TextDecoder(charset).decode(bytes);
		} catch {
			// An unknown label: fall through to sniffing.
		}
	}
	try {
		return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
	} catch {
		return new TextDecoder("windows-1252").decode(bytes);
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Opened {
	res: Response;
	controller: AbortController;
	/** Clears the timeout: once the whole body is read, or the reading stopped. */
	done(): void;
}

export function createHttp(userAgent: string): Http {
	const perHost = new Map<string, LimitFunction>();
	const limiterFor = (url: URL, concurrency: number) => {
		let limiter = perHost.get(url.host);
		if (!limiter) {
			limiter = pLimit(concurrency);
			perHost.set(url.host, limiter);
		}
		return limiter;
	};

	/** One request up to its headers; the timeout keeps running while the body is read. */
	async function open(url: string, headers: Record<string, string>, limits: Limits): Promise<Opened> {
		const controller = new AbortController();
		const timer = setTimeout(
			() => controller.abort(new FetchError(`timed out after ${limits.timeoutMs} ms`, true, "timeout")),
			limits.timeoutMs,
		);
		try {
			const res = await fetch(url, {
				headers: {
					"user-agent": userAgent,
					accept: "application/json, text/html;q=0.9, */*;q=0.5",
					...headers,
				},
				signal: controller.signal,
				redirect: "follow",
			});
			if (!res.ok) {
				await res.body?.cancel();
				throw statusError(res.status);
			}
			return { res, controller, done: () => clearTimeout(timer) };
		} catch (err) {
			clearTimeout(timer);
			throw asFetchError(err, controller);
		}
	}

	function asFetchError(err: unknown, controller: AbortController): FetchError {
		if (err instanceof FetchError) return err;
		const reason = controller.signal.reason;
		if (reason instanceof FetchError) return reason;
		return networkError(err);
	}

	/** Runs `attempt` within the host's limit, again on what may pass, with growing waits. */
	function withRetries<T>(url: string, limits: Limits, attempt: (tries: number) => Promise<T>): Promise<T> {
		return limiterFor(
			new URL(url),
			limits.perHostConcurrency,
		)(async () => {
			for (let tries = 1; ; tries++) {
				try {
					return await attempt(tries);
				} catch (err) {
					const error = err as FetchError;
					if (!error.retryable || tries > limits.retries)
						throw new FetchError(
							`${error.message}${tries > 1 ? ` after ${tries} attempts` : ""}`,
							false,
							error.kind,
							error.httpStatus,
						);
					await sleep(limits.backoffMs * 2 ** (tries - 1));
				}
			}
		});
	}

	return {
		getBody(url, headers, limits) {
			return withRetries(url, limits, async (tries) => {
				const { res, controller, done } = await open(url, headers, limits);
				try {
					const chunks: Uint8Array[] = [];
					for await (const chunk of limited(res, limits.maxBytes, controller)) chunks.push(chunk);
					return {
						bytes: Buffer.concat(chunks),
						contentType: res.headers.get("content-type") ?? "",
						attempts: tries,
					};
				} catch (err) {
					throw asFetchError(err, controller);
				} finally {
					done();
				}
			});
		},

		async *getStream(url, headers, limits) {
			const { res, controller, done } = await withRetries(url, limits, () => open(url, headers, limits));
			try {
				for await (const chunk of limited(res, limits.maxBytes, controller)) yield chunk;
			} catch (err) {
				throw asFetchError(err, controller);
			} finally {
				done();
				controller.abort();
			}
		},
	};
}
