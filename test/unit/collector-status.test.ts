/**
 * The collection status the SPA shows: each enabled source's latest outcome from the stored
 * runs, and the kind of its failure read from the collector's own error texts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CollectorRunSummary, SourceRunSummary } from "../../domain/contracts.ts";
import { collectionStatus, problemOf } from "../../services/collector/status.ts";

const outcome = (status: SourceRunSummary["status"], errors: string[] = []): SourceRunSummary => ({
	status,
	fetched: 0,
	normalized: 0,
	skipped: 0,
	skippedReasons: [],
	unparsed: 0,
	unparsedExamples: [],
	new: 0,
	changed: 0,
	unchanged: 0,
	errors,
	durationMs: 1,
});
const run = (finishedAt: string, sources: Record<string, SourceRunSummary>): CollectorRunSummary => ({
	id: finishedAt,
	trigger: "schedule",
	startedAt: finishedAt,
	finishedAt,
	published: 0,
	enrichment: { enriched: 0, unavailable: 0 },
	sources,
});

describe("collection status", () => {
	it("reads the kind of each failure the collector reports", () => {
		for (const [error, kind, httpStatus] of [
			["HTTP 403 after 3 attempts", "http", 403],
			["HTTP 503", "http", 503],
			["network error (ECONNREFUSED)", "unreachable", undefined],
			["network error (ENOTFOUND)", "unreachable", undefined],
			["timed out after 15000 ms after 3 attempts", "timeout", undefined],
			["skipped: XP_API_KEY is not set", "missing-key", undefined],
			["response is over the 5242880-byte limit", "too-large", undefined],
			["response is not valid JSON (Unexpected token <)", "format", undefined],
			["response does not have the expected shape", "format", undefined],
			["ENOENT: no such file or directory", "other", undefined],
		] as const) {
			const problem = problemOf(error);
			assert.equal(problem.kind, kind, error);
			assert.equal(problem.httpStatus, httpStatus, error);
			assert.equal(problem.detail, error);
		}
		assert.equal(problemOf("x".repeat(1_000)).detail.length, 300, "details are bounded");
	});

	it("takes each enabled source's latest outcome, newest run first, and lists the failing ones", () => {
		const runs = [
			run("2026-12-01T12:00:00Z", { btg: outcome("failed", ["HTTP 503"]) }),
			run("2026-12-01T11:00:00Z", {
				btg: outcome("ok"),
				xp: outcome("skipped", ["skipped: XP_API_KEY is not set"]),
			}),
			run("2026-12-01T10:00:00Z", { xp: outcome("ok"), house: outcome("ok") }),
		];
		const status = collectionStatus(runs, [
			{ name: "btg", type: "btg-funds", enabled: true },
			{ name: "xp", type: "xp-funds", enabled: true },
			{ name: "house", type: "file", enabled: true },
			{ name: "new", type: "file", enabled: true },
			{ name: "off", type: "html", enabled: false },
		]);
		assert.equal(status.lastRunAt, "2026-12-01T12:00:00Z");
		assert.deepEqual(status.failing, ["btg", "xp"]);
		assert.deepEqual(
			status.sources.map((s) => [s.name, s.status, s.at, s.problem?.kind]),
			[
				["btg", "failed", "2026-12-01T12:00:00Z", "http"],
				["xp", "skipped", "2026-12-01T11:00:00Z", "missing-key"],
				["house", "ok", "2026-12-01T10:00:00Z", undefined],
				["new", "never", undefined, undefined],
			],
		);
	});

	it("has no last run before the first", () => {
		assert.deepEqual(collectionStatus([], [{ name: "a", type: "file", enabled: true }]), {
			sources: [{ name: "a", type: "file", status: "never" }],
			failing: [],
		});
	});
});
