/**
 * The collector's metrics: runs by trigger and status, their duration, each source's
 * outcome, and each source's failing streak (what the "source failing 3 runs in a row" alert
 * reads). The streak starts from the stored run history, so a restart does not hide it.
 */
import type { ServiceBroker } from "moleculer";
import type { CollectorRunSummary, SourceRunSummary } from "../../domain/contracts.ts";
import { domainMetrics, metric } from "../../lib/domain-metrics.ts";

export type RunStatus = "ok" | "partial" | "failed";
type Trigger = CollectorRunSummary["trigger"];

const triggers: Trigger[] = ["manual", "schedule"];
const runStatuses: RunStatus[] = ["ok", "partial", "failed"];
const sourceStatuses: SourceRunSummary["status"][] = ["ok", "failed", "skipped"];

/** ok: every source ok or skipped; failed: every source attempted (not skipped) failed; else partial. */
export function runStatus(summary: Pick<CollectorRunSummary, "sources">): RunStatus {
	const attempted = Object.values(summary.sources).filter((s) => s.status !== "skipped");
	const failed = attempted.filter((s) => s.status === "failed").length;
	if (failed === 0) return "ok";
	return failed === attempted.length ? "failed" : "partial";
}

/**
 * Per source, the failed runs since its last ok one, from runs newest first; runs that
 * skipped the source or did not read it leave its streak as it was.
 */
export function failureStreaks(
	runsNewestFirst: Pick<CollectorRunSummary, "sources">[],
	sources: string[],
): Map<string, number> {
	const streaks = new Map<string, number>();
	for (const source of sources) {
		let streak = 0;
		for (const run of runsNewestFirst) {
			const status = run.sources?.[source]?.status;
			if (status === "ok") break;
			if (status === "failed") streak++;
		}
		streaks.set(source, streak);
	}
	return streaks;
}

export interface CollectorMetrics {
	/** Sets every source's streak (from the stored history). */
	setStreaks(streaks: Map<string, number>): void;
	/** A run that finished with a summary. */
	recordRun(trigger: Trigger, summary: CollectorRunSummary, seconds: number): void;
	/** A run that ended in an error (no summary): counted as failed. */
	recordError(trigger: Trigger, seconds: number): void;
}

export function collectorMetrics(broker: ServiceBroker, sources: string[]): CollectorMetrics {
	const runs = metric(broker, domainMetrics.collectorRuns);
	const duration = metric(broker, domainMetrics.collectorRunDuration);
	const sourceRuns = metric(broker, domainMetrics.collectorSourceRuns);
	const failures = metric(broker, domainMetrics.collectorSourceFailures);
	for (const trigger of triggers) for (const status of runStatuses) runs.zero({ trigger, status });
	for (const source of sources) {
		for (const status of sourceStatuses) sourceRuns.zero({ source, status });
		failures.zero({ source });
	}
	const streak = new Map<string, number>();
	return {
		setStreaks(streaks) {
			for (const [source, value] of streaks) {
				streak.set(source, value);
				failures.set(value, { source });
			}
		},
		recordRun(trigger, summary, seconds) {
			runs.increment({ trigger, status: runStatus(summary) });
			duration.observe(seconds, { trigger });
			for (const [source, { status }] of Object.entries(summary.sources)) {
				sourceRuns.increment({ source, status });
				if (status === "skipped") continue;
				const value = status === "ok" ? 0 : (streak.get(source) ?? 0) + 1;
				streak.set(source, value);
				failures.set(value, { source });
			}
		},
		recordError(trigger, seconds) {
			runs.increment({ trigger, status: "failed" });
			duration.observe(seconds, { trigger });
		},
	};
}
