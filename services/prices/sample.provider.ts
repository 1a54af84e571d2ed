/**
 * Bundled sample series for offline demos (PRICES_PROVIDER=sample): deterministic per
 * ticker, generated, and labelled as sample data in their name. Never market data.
 */
import type { PriceHistory } from "../../domain/contracts.ts";
import { addDays } from "../../domain/dates.ts";
import type { PriceProvider } from "./provider.ts";

/** A small seeded PRNG (mulberry32): the same ticker always gives the same series. */
function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function hash(text: string): number {
	let h = 2166136261;
	for (const char of text) h = Math.imul(h ^ char.charCodeAt(0), 16777619);
	return h >>> 0;
}

/** FIIs (tickers ending in 11) pay monthly; stocks quarterly. */
export function sampleHistory(ticker: string, symbol: string, from: string, to: string): PriceHistory {
	const next = random(hash(ticker));
	const isReit = /11$/.test(ticker);
	let close = 10 + next() * 90;
	const points: PriceHistory["points"] = [];
	const dividends: PriceHistory["dividends"] = [];
	// Generate from a fixed origin so any [from, to] window of a ticker shows the same prices.
	for (let date = "2015-01-01"; date <= to; date = addDays(date, 1)) {
		const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
		if (weekday === 0 || weekday === 6) continue;
		close = Math.max(1, close * (1 + (next() - 0.495) * 0.04));
		const volume = Math.round(50_000 + next() * 950_000);
		const day = Number(date.slice(8));
		const month = Number(date.slice(5, 7));
		const paysNow =
			day <= 3 && dividends.at(-1)?.date.slice(0, 7) !== date.slice(0, 7) && (isReit || month % 3 === 0);
		if (date < from) continue;
		const rounded = Math.round(close * 100) / 100;
		points.push({ date, close: rounded, adjClose: rounded, volume });
		if (paysNow) dividends.push({ date, amount: Math.round(close * (isReit ? 0.008 : 0.015) * 100) / 100 });
	}
	return {
		ticker,
		symbol,
		name: `Sample data (not market data): ${ticker}`,
		currency: "BRL",
		points,
		dividends,
		splits: [],
	};
}

export const sampleProvider: PriceProvider = {
	name: "sample",
	history: async (ticker, symbol, from, to) => sampleHistory(ticker, symbol, from, to),
};
