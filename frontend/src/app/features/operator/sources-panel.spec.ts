import type { CollectorRunSummary, CollectorSourceInfo } from "../../core/models";
import { overview } from "./sources-panel";

const source = (name: string): CollectorSourceInfo => ({
	name,
	type: "broker",
	format: "csv",
	enabled: true,
	location: `file:${name}.csv`,
});

function run(id: string, results: Record<string, "ok" | "failed">): CollectorRunSummary {
	const sources = Object.fromEntries(
		Object.entries(results).map(([name, status]) => [
			name,
			{
				status,
				fetched: 1,
				normalized: 1,
				skipped: 0,
				skippedReasons: [],
				unparsed: 0,
				unparsedExamples: [],
				new: 0,
				changed: 0,
				unchanged: 1,
				errors: [],
				durationMs: 10,
			},
		]),
	);
	const enrichment = { enriched: 0, unavailable: 0 };
	return { id, trigger: "schedule", startedAt: "", finishedAt: "", published: 0, enrichment, sources };
}

describe("overview", () => {
	it("takes each source's newest result from the newest run that read it", () => {
		// Newest first, as the runs route answers; run-3 read only "a" (a manual run of one source).
		const runs = [
			run("run-3", { a: "ok" }),
			run("run-2", { a: "failed", b: "failed" }),
			run("run-1", { b: "ok" }),
		];
		const [a, b, c] = overview([source("a"), source("b"), source("c")], runs);

		expect(a.latest?.run.id).toBe("run-3");
		expect(a.history).toEqual([
			{ runId: "run-3", status: "ok" },
			{ runId: "run-2", status: "failed" },
		]);
		expect(b.latest?.run.id).toBe("run-2");
		expect(b.latest?.result.status).toBe("failed");
		expect(b.history.map((entry) => entry.status)).toEqual(["failed", "ok"]);
		expect(c.latest).toBeUndefined();
		expect(c.history).toEqual([]);
	});
});
