/**
 * Fetching broker pages politely and defensively: a concurrency limit per host, a timeout,
 * retries with exponential backoff on what may pass (5xx, 429, network errors, timeouts),
 * our own User-Agent, and a byte limit enforced while reading, not after. Bodies are
 * decoded by their declared charset, falling back to windows-1252 (latin-1) when the bytes
 * are not UTF-8.
 */
import pLimit, { type LimitFunction } from "p-limit";
import type { Limits } from "./sources.ts";

export class FetchError extends Error {
	override name = "FetchError";
	/** Worth another attempt (5xx, 429, timeouts, network errors), unlike a 404 or an oversize body. */
	readonly retryable: boolean;
	constructor(message: string, retryable: boolean) {
		super(message);
		this.retryable = retryable;
	}
}

export interface FetchedText {
	text: string;
	contentType: string;
	attempts: number;
}

export interface Http {
	getText(url: string, headers: Record<string, string>, limits: Limits): Promise<FetchedText>;
}

/** Reads at most `maxBytes`; more than that aborts the download. */
async function readLimited(
	res: Response,
	maxBytes: number,
	controller: AbortController,
): Promise<Uint8Array> {
	const declared = Number(res.headers.get("content-length"));
	if (declared > maxBytes) {
		controller.abort();
		throw new FetchError(`response of ${declared} bytes is over the ${maxBytes}-byte limit`, false);
	}
	const chunks: Uint8Array[] = [];
	let size = 0;
	for await (const chunk of res.body ?? []) {
		size += chunk.byteLength;
		if (size > maxBytes) {
			controller.abort();
			throw new FetchError(`response is over the ${maxBytes}-byte limit`, false);
		}
		chunks.push(chunk);
	}
	return Buffer.concat(chunks);
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

	async function attempt(url: string, headers: Record<string, string>, limits: Limits): Promise<FetchedText> {
		const controller = new AbortController();
		const timer = setTimeout(
			() => controller.abort(new FetchError(`timed out after ${limits.timeoutMs} ms`, true)),
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
				const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
				throw new FetchError(`HTTP ${res.status}`, retryable);
			}
			const contentType = res.headers.get("content-type") ?? "";
			const bytes = await readLimited(res, limits.maxBytes, controller);
			return { text: decode(bytes, contentType), contentType, attempts: 1 };
		} catch (err) {
			if (err instanceof FetchError) throw err;
			const reason = controller.signal.reason;
			if (reason instanceof FetchError) throw reason;
			const cause = (err as { cause?: { code?: string } }).cause?.code;
			throw new FetchError(cause ? `network error (${cause})` : (err as Error).message.slice(0, 120), true);
		} finally {
			clearTimeout(timer);
		}
	}

	return {
		getText(url, headers, limits) {
			return limiterFor(
				new URL(url),
				limits.perHostConcurrency,
			)(async () => {
				for (let tries = 1; ; tries++) {
					try {
						return { ...(await attempt(url, headers, limits)), attempts: tries };
					} catch (err) {
						const error = err as FetchError;
						if (!error.retryable || tries > limits.retries) {
							throw new FetchError(`${error.message}${tries > 1 ? ` after ${tries} attempts` : ""}`, false);
						}
						await sleep(limits.backoffMs * 2 ** (tries - 1));
					}
				}
			});
		},
	};
}
