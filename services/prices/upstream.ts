/**
 * Calls to the price source behind a circuit breaker (opossum) with retries and backoff.
 * The breaker guards Yahoo, not our nodes: when Yahoo fails, callers get a fast 503
 * PRICE_SOURCE_UNAVAILABLE instead of waiting on timeouts, and the prices nodes stay
 * healthy in the registry (Moleculer's own breaker is off for this action; docs/metrics.md).
 */
import CircuitBreaker from "opossum";
import type { PriceHistory } from "../../domain/contracts.ts";
import { PriceSourceUnavailableError, UnknownTickerError } from "./errors.ts";
import type { PriceProvider } from "./provider.ts";

export interface UpstreamOptions {
	timeoutMs: number;
	retries: number;
	backoffMs: number;
	/** Open after this share (%) of failed calls… */
	errorThresholdPercentage: number;
	/** …among at least this many calls in the rolling window. */
	volumeThreshold: number;
	/** Let one call through again after this long. */
	resetTimeoutMs: number;
}

export const defaultUpstreamOptions: UpstreamOptions = {
	timeoutMs: 5_000,
	retries: 2,
	backoffMs: 200,
	errorThresholdPercentage: 50,
	volumeThreshold: 5,
	resetTimeoutMs: 10_000,
};

type Fetch = (ticker: string, symbol: string, from: string, to: string) => Promise<PriceHistory>;

export interface Upstream {
	history: Fetch;
	/** closed, open or halfOpen: exported as a metric and shown in logs. */
	state(): "closed" | "open" | "halfOpen";
	shutdown(): void;
}

function reasonOf(err: unknown): string {
	const e = err as { code?: string | number; message?: string; name?: string };
	if (e?.code === "EOPENBREAKER") return "circuit open after repeated failures";
	if (e?.code === "ETIMEDOUT" || e?.name === "TimeoutError") return "timed out";
	if (typeof e?.code === "number") return `HTTP ${e.code}`;
	return e?.message ? e.message.slice(0, 120) : "unknown error";
}

export function guardedUpstream(
	provider: PriceProvider,
	options: UpstreamOptions = defaultUpstreamOptions,
): Upstream {
	const breaker = new CircuitBreaker(provider.history, {
		timeout: options.timeoutMs,
		errorThresholdPercentage: options.errorThresholdPercentage,
		volumeThreshold: options.volumeThreshold,
		resetTimeout: options.resetTimeoutMs,
		rollingCountTimeout: 30_000,
		// An unknown ticker is a correct answer from a healthy source.
		errorFilter: (err: unknown) => err instanceof UnknownTickerError,
	});
	return {
		async history(ticker, symbol, from, to) {
			for (let attempt = 0; ; attempt++) {
				try {
					return await breaker.fire(ticker, symbol, from, to);
				} catch (err) {
					if (err instanceof UnknownTickerError) throw err;
					if (breaker.opened || attempt >= options.retries) {
						const retryAfter = breaker.opened ? Math.ceil(options.resetTimeoutMs / 1000) : undefined;
						throw new PriceSourceUnavailableError(ticker, reasonOf(err), retryAfter);
					}
					await new Promise((resolve) => setTimeout(resolve, options.backoffMs * 2 ** attempt));
				}
			}
		},
		state: () => (breaker.opened ? "open" : breaker.halfOpen ? "halfOpen" : "closed"),
		shutdown: () => breaker.shutdown(),
	};
}
