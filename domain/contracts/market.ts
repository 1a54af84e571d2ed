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

/** What `GET /api/prices/{ticker}` answers, as a rule (the OpenAPI document's schema of it). */
export const priceHistoryRule = {
	type: "object",
	props: {
		ticker: "string",
		symbol: "string",
		name: "string|optional",
		currency: "string|optional",
		points: {
			type: "array",
			items: {
				type: "object",
				props: {
					date: "string",
					close: "number",
					adjClose: "number",
					volume: "number|min:0",
				},
			},
		},
		dividends: { type: "array", items: { type: "object", props: { date: "string", amount: "number" } } },
		splits: { type: "array", items: { type: "object", props: { date: "string", ratio: "string" } } },
	},
} as const;
