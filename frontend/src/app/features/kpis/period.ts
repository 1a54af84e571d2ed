/**
 * The page's period and what it asks the API for: the days of the frequency chart
 * (São Paulo calendar days, as the API counts them) and the period of the top list.
 */
import { InjectionToken } from "@angular/core";

export const periods = ["7d", "30d", "all"] as const;
export type Period = (typeof periods)[number];

/** "all" draws the last 90 days: the chart stays readable, the top list covers everything. */
const days: Record<Period, number> = { "7d": 7, "30d": 30, all: 90 };

const saoPaulo = new Intl.DateTimeFormat("en-CA", {
	timeZone: "America/Sao_Paulo",
	year: "numeric",
	month: "2-digit",
	day: "2-digit",
});

/** Today in São Paulo (YYYY-MM-DD); a token so tests fix the date. */
export const TODAY = new InjectionToken<() => string>("TODAY", {
	providedIn: "root",
	factory: () => () => saoPaulo.format(new Date()),
});

/** The frequency range ending today, both ends included: 7d → today and the 6 days before. */
export function frequencyRange(period: Period, today: string): { from: string; to: string } {
	const from = new Date(`${today}T00:00:00Z`);
	from.setUTCDate(from.getUTCDate() - (days[period] - 1));
	return { from: from.toISOString().slice(0, 10), to: today };
}
