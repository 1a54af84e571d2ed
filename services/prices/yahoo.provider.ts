/**
 * Yahoo Finance through yahoo-finance2's chart() (no cookie/crumb needed). Every request
 * goes through our fetch, which sends it to YAHOO_BASE_URL when set (fixtures, mirrors,
 * proxies) and aborts it after the per-call timeout.
 */
import YahooFinance from "yahoo-finance2";
import { addDays } from "../../domain/dates.ts";
import { UnknownTickerError } from "./errors.ts";
import { toPriceHistory } from "./history.ts";
import type { PriceProvider } from "./provider.ts";

export interface YahooOptions {
	baseUrl?: string;
	timeoutMs: number;
	log: { debug(...args: unknown[]): void; warn(...args: unknown[]): void };
}

export function redirectingFetch(baseUrl: string | undefined, timeoutMs: number): typeof fetch {
	const base = baseUrl ? new URL(baseUrl) : undefined;
	return (input, init) => {
		const url = new URL(input instanceof Request ? input.url : String(input));
		if (base) {
			url.protocol = base.protocol;
			url.host = base.host;
			url.pathname = `${base.pathname.replace(/\/$/, "")}${url.pathname}`;
		}
		return fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
	};
}

function isNotFound(err: unknown): boolean {
	const e = err as { message?: string; code?: number };
	return e?.code === 404 || /no data found|symbol may be delisted|not found/i.test(e?.message ?? "");
}

export function yahooProvider(options: YahooOptions): PriceProvider {
	const yahoo = new YahooFinance({
		versionCheck: false, // otherwise an error triggers a request to npm
		suppressNotices: ["yahooSurvey"],
		fetch: redirectingFetch(options.baseUrl, options.timeoutMs),
		logger: {
			info: (...args: unknown[]) => options.log.debug(...args),
			warn: (...args: unknown[]) => options.log.warn(...args),
			error: (...args: unknown[]) => options.log.debug(...args),
			debug: (...args: unknown[]) => options.log.debug(...args),
			dir: (...args: unknown[]) => options.log.debug(...args),
		},
	});
	return {
		name: "yahoo",
		async history(ticker, symbol, from, to) {
			try {
				const chart = await yahoo.chart(symbol, {
					period1: from,
					period2: addDays(to, 1),
					interval: "1d",
					events: "div|split",
				});
				return toPriceHistory(ticker, chart);
			} catch (err) {
				if (isNotFound(err)) throw new UnknownTickerError(ticker);
				throw err;
			}
		},
	};
}
