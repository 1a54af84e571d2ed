/** B3 tickers travel without a suffix; Yahoo wants `.SA`. Indices (^BVSP) and symbols that already carry a suffix pass through. */
export function toYahooSymbol(ticker: string): string {
	const upper = ticker.trim().toUpperCase();
	if (upper.startsWith("^") || upper.includes(".")) return upper;
	return `${upper}.SA`;
}
