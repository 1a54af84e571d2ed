/**
 * What time it is, for everything that stamps or compares a time: one clock per node
 * (Config.clock), so a test can start a whole node at a chosen instant and every service
 * agrees on "now" — notifications, digests, tokens, analytics' today and the queues alike.
 * Elapsed-time measurements (durations, timeouts) keep using performance.now().
 */
export interface Clock {
	/** Milliseconds since the epoch. */
	now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface TestClock extends Clock {
	/** Jumps the clock forward (or back, with a negative amount). */
	advance(ms: number): void;
	/** Puts the clock at an instant; it runs on from there. */
	set(instant: number): void;
}

/**
 * A clock that starts at `start` and runs at real speed from there, so timers, retries and
 * leases behave as in production while the calendar is the test's.
 */
export function runningClock(start: number): TestClock {
	let offset = start - Date.now();
	return {
		now: () => Date.now() + offset,
		advance(ms) {
			offset += ms;
		},
		set(instant) {
			offset = instant - Date.now();
		},
	};
}

/** The clock's instant as an ISO timestamp. */
export const isoNow = (clock: Clock): string => new Date(clock.now()).toISOString();
