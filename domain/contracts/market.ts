/** Market data: a ticker's price history (prices) and the measures computed from it (metrics). */

import type { Metrics } from "../product.ts";

interface PricePoint {
	date: string;
	close: number;
	adjClose: number;
	volume: number;
}

export interface PriceHistory {
	ticker: string;
	symbol: string;
	name?: string;
	currency?: string;
	points: PricePoint[];
	dividends: { date: string; amount: number }[];
	splits: { date: string; ratio: string }[];
}

export interface MarketActions {
	"prices.history": { params: { ticker: string; from?: string; to?: string }; result: PriceHistory };
	"metrics.compute": { params: { ticker: string; baseDate?: string }; result: Metrics };
	"metrics.computeMany": {
		params: { tickers: string[]; baseDate?: string };
		result: Record<string, Metrics | { error: string; type: string; code: number }>;
	};
}
