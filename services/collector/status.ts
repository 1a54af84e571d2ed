/**
 * How collection stands, per enabled source, from the stored runs: what the SPA shows on
 * the feed, the KPIs and the Operador page when there are no products, or fewer than
 * there should be — which sources failed in their latest run, and why, as a kind the SPA
 * words in the client's language plus the collector's own detail.
 */
import type {
	CollectionStatus,
	CollectorRunSummary,
	SourceProblem,
	SourceStatus,
} from "../../domain/contracts.ts";

/**
 * The kind of a source's failure, read from the collector's error text: for runs stored
 * before summaries carried their `problem` (run.ts sets it now).
 */
export function problemOf(error: string): SourceProblem {
	const detail = error.slice(0, 300);
	const http = /\bHTTP (\d{3})\b/.exec(error);
	if (http) return { kind: "http", httpStatus: Number(http[1]), detail };
	if (/^skipped: /.test(error)) return { kind: "missing-key", detail };
	if (/timed out/.test(error)) return { kind: "timeout", detail };
	if (/network error|ECONN|ENOTFOUND|EAI_AGAIN|fetch failed/.test(error))
		return { kind: "unreachable", detail };
	if (/byte limit/.test(error)) return { kind: "too-large", detail };
	if (/not valid (JSON|CSV)|expected shape|expected \{|must be an array/.test(error))
		return { kind: "format", detail };
	return { kind: "other", detail };
}

/**
 * Each enabled source's latest outcome among `runs` (newest first). A source none of them
 * read is "never" collected: the first run has not finished, or it only runs on request.
 */
export function collectionStatus(
	runs: CollectorRunSummary[],
	sources: { name: string; type: string; enabled: boolean }[],
): CollectionStatus {
	const statuses: SourceStatus[] = sources
		.filter((source) => source.enabled)
		.map(({ name, type }) => {
			const run = runs.find((r) => r.sources[name]);
			const outcome = run?.sources[name];
			if (!run || !outcome) return { name, type, status: "never" };
			const error = outcome.errors[0];
			return {
				name,
				type,
				status: outcome.status,
				at: run.finishedAt,
				...(outcome.status !== "ok" && error ? { problem: outcome.problem ?? problemOf(error) } : {}),
			};
		});
	return {
		...(runs[0] ? { lastRunAt: runs[0].finishedAt } : {}),
		sources: statuses,
		failing: statuses.filter((s) => s.status === "failed" || s.status === "skipped").map((s) => s.name),
	};
}
