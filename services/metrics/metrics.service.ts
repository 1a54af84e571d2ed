/**
 * Market metrics of stocks and FIIs at a base date, from the prices service's history.
 */
import { type Context, Errors } from "moleculer";
import { clockOf } from "../../config.ts";
import { type Actions, answers, call } from "../../domain/contracts.ts";
import { addMonths, dateRangeText, isIsoDate, localDate } from "../../domain/dates.ts";
import { type Metrics, metricsSchema } from "../../domain/product.ts";
import { defineService } from "../../lib/service.ts";
import { computeMetrics, NoPricesError } from "./formulas.ts";

type ComputeParams = Actions["metrics.compute"]["params"];

const tickerRule = { type: "string", trim: true, min: 1, max: 20, pattern: /^\^?[A-Za-z0-9.-]+$/ } as const;
const baseDateRule = {
	type: "string",
	optional: true,
	custom: (value: string | undefined, errors: unknown[]) => {
		if (value !== undefined && !isIsoDate(value)) errors.push({ type: "baseDate", actual: value });
		return value;
	},
	messages: { baseDate: `The 'baseDate' field must be ${dateRangeText}.` },
} as const;

/** How many tickers of a batch are computed at once (each may need a Yahoo request). */
const BATCH_CONCURRENCY = 8;

export interface MetricsSettings {
	rest: string;
}

export default defineService<MetricsSettings>()({
	name: "metrics",

	settings: { rest: "/metrics" },

	methods: {
		async compute(ctx: Context, ticker: string, baseDate?: string): Promise<Metrics> {
			// Without a base date, ask for the default range so every caller shares one cached history.
			const history = await call(
				ctx,
				"prices.history",
				baseDate ? { ticker, from: addMonths(baseDate, -13), to: baseDate } : { ticker },
			);
			try {
				return computeMetrics(history, baseDate ?? localDate(new Date(clockOf(this.broker).now())));
			} catch (err) {
				if (err instanceof NoPricesError)
					throw new Errors.MoleculerClientError(err.message, 404, "NO_PRICES", { ticker });
				throw err;
			}
		},
	},

	actions: {
		compute: {
			rest: "GET /:ticker",
			openapi: { response: answers("metrics.compute", metricsSchema) },
			params: { ticker: tickerRule, baseDate: baseDateRule },
			handler(ctx: Context<ComputeParams>): Promise<Metrics> {
				return this.compute(ctx, ctx.params.ticker.toUpperCase(), ctx.params.baseDate);
			},
		},

		/** One result or one error per ticker: a bad ticker never fails the batch. */
		computeMany: {
			params: { tickers: { type: "array", items: tickerRule, min: 1, max: 1000 }, baseDate: baseDateRule },
			async handler(ctx: Context<Actions["metrics.computeMany"]["params"]>) {
				const tickers = [...new Set(ctx.params.tickers.map((t) => t.toUpperCase()))];
				const results: Actions["metrics.computeMany"]["result"] = {};
				let next = 0;
				const worker = async () => {
					while (next < tickers.length) {
						const ticker = tickers[next++] as string;
						try {
							results[ticker] = await this.compute(ctx, ticker, ctx.params.baseDate);
						} catch (err) {
							const e = err as Errors.MoleculerError;
							results[ticker] = { error: e.message, type: e.type ?? "ERROR", code: e.code ?? 500 };
						}
					}
				};
				await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, tickers.length) }, worker));
				return results;
			},
		},
	},
});
