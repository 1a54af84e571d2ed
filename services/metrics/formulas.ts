/**
 * Market metrics of a ticker at a base date, exactly as docs/metrics.md defines them.
 * Pure functions over a PriceHistory; ratios are fractions (0.0746, not 7.46).
 */
import { mean, std } from "mathjs";
import type { PriceHistory } from "../../domain/contracts.ts";
import { addMonths } from "../../domain/dates.ts";
import type { Metrics } from "../../domain/product.ts";

/** Trading days in a year, for annualizing and for judging a window complete. */
export const TRADING_DAYS = 252;
/** A window with fewer than 90% of the expected trading days is flagged partial. */
export const PARTIAL_BELOW = 0.9 * TRADING_DAYS;

export class NoPricesError extends Error {
	override name = "NoPricesError";
}

export function computeMetrics(history: PriceHistory, requestedDate: string): Metrics {
	const upToDate = history.points.filter((p) => p.date <= requestedDate);
	const last = upToDate.at(-1);
	if (!last) throw new NoPricesError(`No prices for ${history.ticker} on or before ${requestedDate}.`);
	const baseDate = last.date;
	const windowStart = addMonths(baseDate, -12);
	// The window is (D − 12 months, D]: the day exactly a year before belongs to the previous window.
	const window = upToDate.filter((p) => p.date > windowStart);
	const first = window[0] ?? last;

	const dividends = history.dividends
		.filter((d) => d.date > windowStart && d.date <= baseDate)
		.reduce((sum, d) => sum + d.amount, 0);

	const simpleReturns: number[] = [];
	const logReturns: number[] = [];
	for (let i = 1; i < window.length; i++) {
		const ratio = (window[i]?.adjClose ?? 0) / (window[i - 1]?.adjClose ?? 1);
		simpleReturns.push(ratio - 1);
		logReturns.push(Math.log(ratio));
	}

	let peak = 0;
	let maxDrawdown = 0;
	for (const point of window) {
		peak = Math.max(peak, point.adjClose);
		maxDrawdown = Math.max(maxDrawdown, (peak - point.adjClose) / peak);
	}

	return {
		ticker: history.ticker,
		baseDate,
		windowStart,
		points: window.length,
		partial: window.length < PARTIAL_BELOW,
		dividendYield: dividends / last.close,
		meanDailyReturn: simpleReturns.length > 0 ? Number(mean(simpleReturns)) : 0,
		meanDailyVolume: Number(mean(window.map((p) => p.volume))),
		meanDailyTradedValue: Number(mean(window.map((p) => p.volume * p.close))),
		totalReturn12m: last.adjClose / first.adjClose - 1,
		priceReturn12m: last.close / first.close - 1,
		volatility: logReturns.length > 1 ? Number(std(logReturns, "unbiased")) * Math.sqrt(TRADING_DAYS) : 0,
		maxDrawdown,
	};
}
