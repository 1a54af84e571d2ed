/**
 * Market metrics for the run's stocks and FIIs: one metrics.computeMany call with a
 * deadline. Whatever is not back in time is published marked unavailable; a run never
 * waits on Yahoo.
 */
import type { Actions } from "../../domain/contracts.ts";
import type { Product } from "../../domain/product.ts";

export type ComputeMany = (
	tickers: string[],
	deadlineMs: number,
) => Promise<Actions["metrics.computeMany"]["result"]>;

export async function enrich(
	products: Product[],
	computeMany: ComputeMany,
	deadlineMs: number,
): Promise<{ enriched: number; unavailable: number; error?: string }> {
	const listed = products.filter((p) => p.category === "stock" || p.category === "reit");
	if (listed.length === 0) return { enriched: 0, unavailable: 0 };
	const tickers = [...new Set(listed.map((p) => p.ticker))];
	let results: Actions["metrics.computeMany"]["result"] = {};
	let error: string | undefined;
	try {
		results = await computeMany(tickers, deadlineMs);
	} catch (err) {
		const e = err as { code?: number; type?: string; message?: string };
		error =
			e.type === "REQUEST_TIMEOUT"
				? `no answer within ${deadlineMs} ms`
				: (e.message ?? "failed").slice(0, 150);
	}
	let enriched = 0;
	for (const product of listed) {
		const result = results[product.ticker];
		if (result && !("error" in result)) {
			product.metrics = result;
			delete product.metricsUnavailable;
			enriched++;
		} else {
			delete product.metrics;
			product.metricsUnavailable = `Market data unavailable: ${(result && "error" in result ? result.error : (error ?? "no result")).slice(0, 160)}`;
		}
	}
	return { enriched, unavailable: listed.length - enriched, error };
}
