import { Errors } from "moleculer";

/** Yahoo (or the configured price source) cannot answer now; not retryable by callers: we already retried. */
export class PriceSourceUnavailableError extends Errors.MoleculerError {
	constructor(ticker: string, reason: string, retryAfterSeconds?: number) {
		super(`The price source is unavailable (${reason}); try again later.`, 503, "PRICE_SOURCE_UNAVAILABLE", {
			ticker,
			reason,
			retryAfterSeconds,
		});
	}
}

export class UnknownTickerError extends Errors.MoleculerClientError {
	constructor(ticker: string) {
		super(`Unknown ticker "${ticker}": the price source has no data for it.`, 404, "UNKNOWN_TICKER", {
			ticker,
		});
	}
}
