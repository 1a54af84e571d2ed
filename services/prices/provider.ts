import type { PriceHistory } from "../../domain/contracts.ts";

/** Where daily histories come from: Yahoo Finance, or bundled sample series for offline demos. */
export interface PriceProvider {
	name: string;
	/** `to` inclusive. Throws UnknownTickerError for symbols the source does not know. */
	history(ticker: string, symbol: string, from: string, to: string): Promise<PriceHistory>;
}
