/**
 * No test depends on today's date: the suites that compare times (digest hours and weeks,
 * analytics' days, price windows, token expiry) run again with their one clock a year
 * later and a year earlier than the test epoch, and pass unchanged.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { testEpoch } from "../harness.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const suites = [
	"test/integration/digests.test.ts",
	"test/integration/analytics.test.ts",
	"test/integration/market.test.ts",
	"test/integration/subscribers.test.ts",
];
const year = 365 * 86_400_000;

function runSuites(epoch: number): Promise<{ code: number | null; output: string }> {
	return new Promise((resolve) => {
		// A runner of its own, not a subtest of ours: without the parent's test context.
		const { NODE_TEST_CONTEXT: _, ...env } = process.env;
		const child = spawn(
			process.execPath,
			["--test", "--test-concurrency=1", "--test-reporter=spec", ...suites],
			{
				cwd: root,
				env: { ...env, TEST_EPOCH: new Date(epoch).toISOString(), NO_COLOR: "1" },
				stdio: ["ignore", "pipe", "pipe"],
			},
		);
		let output = "";
		for (const stream of [child.stdout, child.stderr]) stream.on("data", (c: Buffer) => (output += c));
		child.on("close", (code) => resolve({ code, output }));
	});
}

describe("the suites that fix a clock, with that clock moved", () => {
	for (const [label, shift] of [
		["a year in the future", year],
		["a year in the past", -year],
	] as const) {
		it(`pass with the clock ${label}`, { timeout: 10 * 60_000 }, async () => {
			const { code, output } = await runSuites(testEpoch + shift);
			const failed = Number(/^ℹ fail (\d+)/m.exec(output)?.[1] ?? -1);
			const passed = Number(/^ℹ pass (\d+)/m.exec(output)?.[1] ?? 0);
			assert.equal(
				failed,
				0,
				`failures at ${new Date(testEpoch + shift).toISOString()}:\n${output.slice(-4_000)}`,
			);
			assert.equal(code, 0);
			assert.ok(passed >= 20, `the suites ran (${passed} passed)`);
		});
	}
});
