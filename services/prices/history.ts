/**
 * Yahoo's chart result → PriceHistory: local trading dates, oldest first, days with
 * missing values dropped (a null close is "no trade", never a zero price).
 */
import type { PriceHistory } from "../../domain/contracts.ts";
import { localDate } from "../../domain/dates.ts";

export interface ChartResult {
	meta: {
		symbol: string;
		currency?: string;
		longName?: string;
		shortName?: string;
		exchangeTimezoneName?: string;
	};
	quotes: { date: Date; close: number | null; adjclose?: number | null; volume: number | null }[];
	events?: {
		dividends?: { date: Date; amount: number }[];
		splits?: { date: Date; numerator: number; denominator: number; splitRatio?: string }[];
	};
}

export function toPriceHistory(ticker: string, chart: ChartResult): PriceHistory {
	const zone = chart.meta.exchangeTimezoneName ?? "America/Sao_Paulo";
	const points = chart.quotes
		.filter((q) => isPrice(q.close) && isPrice(q.adjclose ?? q.close) && q.volume !== null && q.volume >= 0)
		.map((q) => ({
			date: localDate(q.date, zone),
			close: q.close as number,
			adjClose: (q.adjclose ?? q.close) as number,
			volume: q.volume as number,
		}))
		.sort((a, b) => a.date.localeCompare(b.date));
	const dividends = (chart.events?.dividends ?? [])
		.filter((d) => Number.isFinite(d.amount) && d.amount > 0)
		.map((d) => ({ date: localDate(d.date, zone), amount: d.amount }))
		.sort((a, b) => a.date.localeCompare(b.date));
	const splits = (chart.events?.splits ?? [])
		.map((s) => ({ date: localDate(s.date, zone), ratio: s.splitRatio ?? `${s.numerator}:${s.denominator}` }))
		.sort((a, b) => a.date.localeCompare(b.date));
	return {
		ticker,
		symbol: chart.meta.symbol,
		name: chart.meta.longName ?? chart.meta.shortName,
		currency: chart.meta.currency,
		points,
		dividends,
		splits,
	};
}

function isPrice(value: number | null | undefined): value is number {
	return typeof value === "number" && Number.isFinite(value) && value > 0;
}
