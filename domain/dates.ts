/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD), in UTC so that a date never shifts.
 */

/** The market's calendar: "today" and "end of day" are São Paulo's. */
export const MARKET_TIME_ZONE = "America/Sao_Paulo";

const dayFormat = (timeZone: string) =>
	new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
const formats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string = MARKET_TIME_ZONE): string {
	let format = formats.get(timeZone);
	if (!format) {
		format = dayFormat(timeZone);
		formats.set(timeZone, format);
	}
	return format.format(instant);
}

/**
 * The dates anything here may be asked about. Beyond them, day arithmetic leaves the
 * four-digit years ISO strings compare by ("9999-12-31" + 1 day = "+010000-01-01", which
 * sorts before it), and a loop over days would never end.
 */
export const earliestDate = "1900-01-01";
export const latestDate = "2199-12-31";
export const dateRangeText = `a date as YYYY-MM-DD from ${earliestDate} to ${latestDate}`;

/** A real calendar date as YYYY-MM-DD, within earliestDate…latestDate. */
export function isIsoDate(value: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || value < earliestDate || value > latestDate) return false;
	const date = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The same day `months` earlier (or later), clamped to the month's last day (31 Mar − 1 month = 28/29 Feb). */
export function addMonths(date: string, months: number): string {
	const [y, m, d] = date.split("-").map(Number) as [number, number, number];
	const target = new Date(Date.UTC(y, m - 1 + months, 1));
	const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
	target.setUTCDate(Math.min(d, lastDay));
	return target.toISOString().slice(0, 10);
}

/** Throws past year 9999 (or before year 0) rather than return a date that compares wrong. */
export function addDays(date: string, days: number): string {
	const iso = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString();
	if (!/^\d{4}-/.test(iso)) throw new RangeError(`${date} + ${days} days is outside years 0000–9999`);
	return iso.slice(0, 10);
}

/** Seconds from `now` until the next midnight in São Paulo: a day's history is kept for that day. */
export function secondsUntilEndOfDay(now: Date): number {
	const tomorrow = addDays(localDate(now), 1);
	// São Paulo has no DST since 2019: midnight there is 03:00 UTC.
	const midnight = Date.parse(`${tomorrow}T03:00:00Z`);
	return Math.max(60, Math.ceil((midnight - now.getTime()) / 1000));
}
