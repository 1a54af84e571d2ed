/**
 * The mail dispatcher's wake-ups when the clock jumps (services/mailer/dispatcher.ts): due
 * times are the clock's, timers count monotonic time. A wake set far ahead before the clock
 * jumped forward must not hold back a sooner one asked for after the jump: a retry waited
 * for it (digests.test.ts, "after the SMTP server was down", on a fast machine).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Logger } from "moleculer";
import { Dispatcher, type MailerSettings } from "../../services/mailer/dispatcher.ts";
import { testClock, waitFor } from "../harness.ts";

describe("the mail dispatcher's wake-ups", () => {
	it("sweeps at a time asked for after the clock jumped, despite a wake set far ahead before", async () => {
		const clock = testClock();
		const sweeps: number[] = [];
		const settings = { maxInFlight: 10, sweepIntervalMs: 3_600_000 } as MailerSettings;
		const dispatcher = new Dispatcher({
			owner: "test",
			// The log the sweep reads: empty; each read is a sweep.
			store: {
				get: async () => undefined,
				soonest: async (_query, bound) => {
					if ("$lte" in bound) sweeps.push(performance.now());
					return [];
				},
				update: async () => 0,
			},
			transport: { kind: "smtp", send: () => Promise.reject(new Error("not used")), close() {} },
			settings: () => settings,
			logger: { warn() {}, info() {}, error() {} } as unknown as Logger,
			clock,
			onErasedWhileSending: async () => {},
		});
		try {
			// A wake an hour ahead (as for a retry backed off that long), then the clock jumps a day.
			dispatcher.wakeAt(clock.now() + 3_600_000);
			clock.advance(24 * 3_600_000);
			const asked = performance.now();
			dispatcher.wakeAt(clock.now() + 50);
			await waitFor(() => sweeps.length > 0, { what: "the sweep asked for", timeoutMs: 5_000 });
			assert.ok((sweeps[0] as number) - asked < 2_000, "at its time, not the old wake's");

			// And the other way: a wake asked for later than the pending one changes nothing.
			sweeps.length = 0;
			dispatcher.wakeAt(clock.now() + 50);
			dispatcher.wakeAt(clock.now() + 3_600_000);
			await waitFor(() => sweeps.length > 0, { what: "the sooner sweep", timeoutMs: 5_000 });
		} finally {
			await dispatcher.stop();
		}
	});
});
