import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PriceHistory } from "../../domain/contracts.ts";
import { addMonths, isIsoDate, secondsUntilEndOfDay } from "../../domain/dates.ts";
import { computeMetrics } from "../../services/metrics/formulas.ts";
import { toPriceHistory } from "../../services/prices/history.ts";
import { toYahooSymbol } from "../../services/prices/symbols.ts";

const close = (value: number) => value;
const near = (actual: number, expected: number, digits = 9) =>
	assert.ok(Math.abs(actual - expected) < 10 ** -digits, `${actual} ≉ ${expected}`);

function history(
	points: [string, number, number?, number?][],
	dividends: PriceHistory["dividends"] = [],
): PriceHistory {
	return {
		ticker: "TEST4",
		symbol: "TEST4.SA",
		points: points.map(([date, c, adj, volume]) => ({
			date,
			close: c,
			adjClose: adj ?? c,
			volume: volume ?? 100,
		})),
		dividends,
		splits: [],
	};
}

describe("metrics formulas (hand-computed)", () => {
	// closes 10, 11, 9.9, 9.9, 11.88; volumes 100…500; a 0.50 dividend inside the window.
	const week = history(
		[
			["2025-01-06", 10, 10, 100],
			["2025-01-07", 11, 11, 200],
			["2025-01-08", 9.9, 9.9, 300],
			["2025-01-09", 9.9, 9.9, 400],
			["2025-01-10", 11.88, 11.88, 500],
		],
		[{ date: "2025-01-08", amount: 0.5 }],
	);

	it("computes every metric of a short window and flags it partial", () => {
		const m = computeMetrics(week, "2025-01-12");
		assert.equal(m.baseDate, "2025-01-10", "D is the last trading day on or before the date asked");
		assert.equal(m.windowStart, "2024-01-10");
		assert.equal(m.points, 5);
		assert.equal(m.partial, true);
		near(m.dividendYield, 0.5 / 11.88); // 0.0420875…
		near(m.meanDailyReturn, 0.05); // (0.1 − 0.1 + 0 + 0.2) / 4
		near(m.meanDailyVolume, 300);
		near(m.meanDailyTradedValue, 3214); // (1000 + 2200 + 2970 + 3960 + 5940) / 5
		near(m.totalReturn12m, 0.188);
		near(m.priceReturn12m, 0.188);
		near(m.volatility, 1.965848602114493); // stdev of 4 log returns × √252
		near(m.maxDrawdown, 0.1); // 11 → 9.9
	});

	it("uses adjusted closes for returns and a dividend-adjusted series differs from the price return", () => {
		// adjClose folds a dividend in: total return beats price return.
		const h = history([
			["2025-01-06", 10, 9.5],
			["2025-01-07", 10, 10],
		]);
		const m = computeMetrics(h, "2025-01-07");
		near(m.priceReturn12m, 0);
		near(m.totalReturn12m, 10 / 9.5 - 1);
	});

	it("does not see a 2:1 split as a 50% crash (Yahoo's close is split-adjusted)", () => {
		const h = history([
			["2025-01-06", 10],
			["2025-01-07", 10],
			["2025-01-08", 10.5],
		]);
		h.splits = [{ date: "2025-01-08", ratio: "2:1" }];
		const m = computeMetrics(h, "2025-01-08");
		near(m.totalReturn12m, 0.05);
		near(m.maxDrawdown, 0);
	});

	it("gives a flat, complete year zero volatility, zero drawdown and zero return", () => {
		const points: [string, number][] = [];
		for (let i = 0; i < 260; i++)
			points.push([
				new Date(Date.UTC(2024, 0, 2) + i * 86_400_000 * 1.4).toISOString().slice(0, 10),
				close(25),
			]);
		const m = computeMetrics(history(points), "2024-12-31");
		assert.equal(m.partial, false);
		assert.equal(m.volatility, 0);
		assert.equal(m.maxDrawdown, 0);
		assert.equal(m.totalReturn12m, 0);
		assert.equal(m.meanDailyReturn, 0);
	});

	it("counts dividends with ex-date in (D − 12 months, D] only", () => {
		const h = history(
			[
				["2024-01-10", 10],
				["2024-06-10", 10],
				["2025-01-10", 10],
			],
			[
				{ date: "2024-01-10", amount: 1 }, // exactly D − 12 months: previous window
				{ date: "2024-01-11", amount: 0.25 },
				{ date: "2025-01-10", amount: 0.5 },
				{ date: "2025-01-11", amount: 9 }, // after D
			],
		);
		const m = computeMetrics(h, "2025-01-10");
		near(m.dividendYield, 0.075);
		assert.equal(m.points, 2, "the point at D − 12 months is outside the window");
	});

	it("refuses a date before any price", () => {
		assert.throws(() => computeMetrics(week, "2024-12-31"), /No prices for TEST4 on or before 2024-12-31/);
	});
});

describe("prices helpers", () => {
	it("maps B3 tickers to Yahoo symbols", () => {
		assert.equal(toYahooSymbol("petr4"), "PETR4.SA");
		assert.equal(toYahooSymbol("HGLG11"), "HGLG11.SA");
		assert.equal(toYahooSymbol("^BVSP"), "^BVSP");
		assert.equal(toYahooSymbol("AAPL.SA"), "AAPL.SA");
	});

	it("validates dates and moves by months, clamping month ends", () => {
		assert.equal(isIsoDate("2025-02-29"), false);
		assert.equal(isIsoDate("2024-02-29"), true);
		assert.equal(isIsoDate("20240101"), false);
		assert.equal(addMonths("2025-03-31", -1), "2025-02-28");
		assert.equal(addMonths("2025-01-10", -13), "2023-12-10");
	});

	it("keeps a day's history until São Paulo's midnight", () => {
		assert.equal(secondsUntilEndOfDay(new Date("2026-11-26T20:00:00Z")), 7 * 3600); // 17:00 BRT → 7 h
		assert.equal(secondsUntilEndOfDay(new Date("2026-11-27T02:30:00Z")), 1800);
	});

	it("drops days with missing values instead of turning them into zeros, and dates them in the exchange's zone", () => {
		const at = (date: string) => new Date(`${date}T13:00:00Z`);
		const h = toPriceHistory("PETR4", {
			meta: {
				symbol: "PETR4.SA",
				currency: "BRL",
				longName: "Petrobras",
				exchangeTimezoneName: "America/Sao_Paulo",
			},
			quotes: [
				{ date: at("2025-01-07"), close: 31, adjclose: 30, volume: 10 },
				{ date: at("2025-01-06"), close: 30, adjclose: 29, volume: 10 },
				{ date: at("2025-01-08"), close: null, adjclose: null, volume: null },
				{ date: new Date("2025-01-09T02:00:00Z"), close: 32, adjclose: 31, volume: 0 },
			],
			events: {
				dividends: [{ date: at("2025-01-07"), amount: 0.3 }],
				splits: [{ date: at("2025-01-06"), numerator: 2, denominator: 1 }],
			},
		});
		assert.deepEqual(
			h.points.map((p) => [p.date, p.close, p.adjClose]),
			[
				["2025-01-06", 30, 29],
				["2025-01-07", 31, 30],
				["2025-01-08", 32, 31], // 02:00 UTC on the 9th is still the 8th in São Paulo
			],
		);
		assert.deepEqual(h.dividends, [{ date: "2025-01-07", amount: 0.3 }]);
		assert.deepEqual(h.splits, [{ date: "2025-01-06", ratio: "2:1" }]);
		assert.equal(h.name, "Petrobras");
	});
});
