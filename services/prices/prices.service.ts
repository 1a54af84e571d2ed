/**
 * Daily price, volume, dividend and split history of a ticker, from Yahoo Finance (or the
 * bundled sample series), cached for the day, one upstream request per ticker and range
 * however many callers ask at once.
 */
import { type Context, Errors } from "moleculer";
import { clockOf, configOf } from "../../config.ts";
import { answers, type PriceHistory, priceHistoryRule } from "../../domain/contracts.ts";
import { addMonths, dateRangeText, isIsoDate, localDate, secondsUntilEndOfDay } from "../../domain/dates.ts";
import { defineService } from "../../lib/service.ts";
import { UnknownTickerError } from "./errors.ts";
import type { PriceProvider } from "./provider.ts";
import { sampleProvider } from "./sample.provider.ts";
import { toYahooSymbol } from "./symbols.ts";
import { defaultUpstreamOptions, guardedUpstream, type Upstream } from "./upstream.ts";
import { yahooProvider } from "./yahoo.provider.ts";

interface HistoryParams {
	ticker: string;
	from?: string;
	to?: string;
}

function invalid(field: string, message: string): Errors.ValidationError {
	return new Errors.ValidationError(message, "VALIDATION_ERROR", [{ type: "invalid", field, message }]);
}

/** The range asked for, defaulting to the 13 months ending today (São Paulo). */
/** The longest history one request may ask for: every day of it is generated or fetched. */
export const maxHistoryYears = 20;

export function resolveRange(params: HistoryParams, today: string): { from: string; to: string } {
	for (const field of ["from", "to"] as const) {
		const value = params[field];
		if (value !== undefined && !isIsoDate(value)) {
			throw invalid(field, `The '${field}' field must be ${dateRangeText} (got "${value.slice(0, 20)}").`);
		}
	}
	const to = params.to ?? today;
	const from = params.from ?? addMonths(to, -13);
	if (from > to) throw invalid("from", `'from' (${from}) is after 'to' (${to}).`);
	if (from < addMonths(to, -12 * maxHistoryYears))
		throw invalid("from", `At most ${maxHistoryYears} years of history at a time.`);
	return { from, to };
}

const UNKNOWN_TTL_SECONDS = 3_600;

export interface PricesSettings {
	rest: string;
}

interface PricesLocals {
	provider: PriceProvider;
	upstream: Upstream;
	/** Histories being fetched, by cache key: callers asking meanwhile share the one request. */
	inflight: Map<string, Promise<PriceHistory>>;
	/** Upstream requests this node made (the `upstream` action). */
	upstreamRequests: number;
}

export default defineService<PricesSettings, PricesLocals>()({
	name: "prices",

	settings: { rest: "/prices" },

	actions: {
		history: {
			rest: "GET /:ticker",
			openapi: { response: answers("prices.history", priceHistoryRule) },
			params: {
				ticker: { type: "string", trim: true, min: 1, max: 20, pattern: /^\^?[A-Za-z0-9.-]+$/ },
				from: "string|optional",
				to: "string|optional",
			},
			// Up to three upstream attempts with backoff fit in here (types/moleculer.d.ts).
			timeout: 30_000,
			// The upstream breaker in upstream.ts answers for Yahoo; Moleculer's would mark this
			// healthy node unavailable instead (callers would see 404 SERVICE_NOT_AVAILABLE).
			circuitBreaker: { enabled: false },
			async handler(ctx: Context<HistoryParams>): Promise<PriceHistory> {
				const ticker = ctx.params.ticker.toUpperCase();
				const { from, to } = resolveRange(ctx.params, localDate(new Date(clockOf(this.broker).now())));
				const symbol = toYahooSymbol(ticker);
				const key = `prices.history:${this.provider.name}:${symbol}:${from}:${to}`;

				const cached = (await this.broker.cacher?.get(key)) as
					| PriceHistory
					| { unknown: true }
					| null
					| undefined;
				if (cached && "unknown" in cached) throw new UnknownTickerError(ticker);
				if (cached) return cached;

				let pending = this.inflight.get(key);
				if (!pending) {
					pending = this.upstream.history(ticker, symbol, from, to).then(
						async (history: PriceHistory) => {
							await this.broker.cacher?.set(
								key,
								history,
								secondsUntilEndOfDay(new Date(clockOf(this.broker).now())),
							);
							return history;
						},
						async (err: unknown) => {
							// Remember unknown tickers for an hour: a bad ticker must not hammer Yahoo.
							if (err instanceof UnknownTickerError)
								await this.broker.cacher?.set(key, { unknown: true }, UNKNOWN_TTL_SECONDS);
							throw err;
						},
					);
					this.inflight.set(key, pending);
					pending.finally(() => this.inflight.delete(key)).catch(() => {});
					this.upstreamRequests++;
				}
				return pending;
			},
		},

		/** Internal: how the upstream is doing (breaker state, requests made). */
		upstream: {
			visibility: "public",
			handler() {
				return {
					provider: this.provider.name,
					state: this.upstream.state(),
					requests: this.upstreamRequests,
				};
			},
		},
	},

	created() {
		const config = configOf(this.broker);
		const provider: PriceProvider =
			config.pricesProvider === "sample"
				? sampleProvider
				: yahooProvider({ baseUrl: config.yahooBaseUrl, timeoutMs: config.yahooTimeoutMs, log: this.logger });
		this.provider = provider;
		this.upstream = guardedUpstream(provider, {
			...defaultUpstreamOptions,
			timeoutMs: config.yahooTimeoutMs,
		});
		this.inflight = new Map<string, Promise<PriceHistory>>();
		this.upstreamRequests = 0;
	},

	stopped() {
		this.upstream.shutdown();
	},
});
