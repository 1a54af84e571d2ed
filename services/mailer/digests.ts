/**
 * Which e-mail a subscriber is due now. Every e-mail has a window key that is also its
 * delivery's idempotency key, so a sweep repeated after a crash, or run by two mailer
 * nodes, sends it once:
 *   immediate  one per publication:            `immediate:<subscriber>:<publication>`
 *   daily      once per local day, after the subscriber's hour: `daily:<subscriber>:<YYYY-MM-DD>`
 *   weekly     once per ISO week, from Monday at that hour:     `weekly:<subscriber>:<YYYY-Www>`
 * A digest holds everything not e-mailed yet; with nothing pending, nothing is sent.
 */
import type { Preferences } from "../../domain/subscriber.ts";

/** One formatter per time zone: building one costs more than a whole digest check. */
const zoneFormats = new Map<string, Intl.DateTimeFormat>();
function zoneFormat(timeZone: string): Intl.DateTimeFormat {
	let format = zoneFormats.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat("en-CA", {
			timeZone,
			year: "numeric",
			month: "2-digit",
			day: "2-digit",
			hour: "2-digit",
			hourCycle: "h23",
			weekday: "short",
		});
		zoneFormats.set(timeZone, format);
	}
	return format;
}

export interface LocalTime {
	date: string;
	weekday: number;
	hour: number;
}

/** A sweep asks for the same instant in the same zone for each client: each zone's last answer is kept. */
const lastLocal = new Map<string, { time: number; local: Readonly<LocalTime> }>();

/** Local calendar date, weekday (1 = Monday) and hour of `now` in a time zone. */
export function localTime(now: Date, timeZone: string): Readonly<LocalTime> {
	const time = now.getTime();
	const last = lastLocal.get(timeZone);
	if (last?.time === time) return last.local;
	const local = zonedTime(now, timeZone);
	lastLocal.set(timeZone, { time, local });
	return local;
}

function zonedTime(now: Date, timeZone: string): LocalTime {
	const parts = Object.fromEntries(
		zoneFormat(timeZone)
			.formatToParts(now)
			.map((part) => [part.type, part.value]),
	);
	const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday as string) + 1;
	return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday, hour: Number(parts.hour) };
}

/** ISO week of a calendar date: `2026-W48`. */
export function isoWeek(date: string): string {
	const day = new Date(`${date}T00:00:00Z`);
	const weekday = day.getUTCDay() || 7;
	day.setUTCDate(day.getUTCDate() + 4 - weekday);
	const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
	const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
	return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

/** The digest window a daily or weekly subscriber is in now, if its hour has come. */
export function digestWindow(subscriberId: string, preferences: Preferences, now: Date): string | undefined {
	const local = localTime(now, preferences.timeZone || "America/Sao_Paulo");
	if (preferences.digest === "daily")
		return local.hour >= preferences.digestHour ? `daily:${subscriberId}:${local.date}` : undefined;
	if (preferences.digest === "weekly") {
		const started = local.weekday > 1 || local.hour >= preferences.digestHour;
		return started ? `weekly:${subscriberId}:${isoWeek(local.date)}` : undefined;
	}
	return undefined;
}

/** A digest window opens on a whole hour, within a week and a day of any moment. */
const hourMs = 3_600_000;
const maxHoursAhead = 8 * 24;

/**
 * When the next digest window after the one `now` is in opens: the first whole hour from
 * which `digestWindow` names another window. Bounded: a week and a day of hours at most.
 */
export function nextWindowAt(subscriberId: string, preferences: Preferences, now: Date): Date {
	const current = digestWindow(subscriberId, preferences, now);
	const firstHour = Math.floor(now.getTime() / hourMs) * hourMs + hourMs;
	for (let h = 0; h < maxHoursAhead; h++) {
		const at = new Date(firstHour + h * hourMs);
		const window = digestWindow(subscriberId, preferences, at);
		if (window !== undefined && window !== current) return at;
	}
	return new Date(firstHour + maxHoursAhead * hourMs);
}
