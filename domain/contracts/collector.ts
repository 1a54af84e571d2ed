/** The collector: its runs over the sources, and how collection stands. */

import type { Page } from "./page.ts";

/** What one source gave in one run. Reasons are examples (the first 20); counts are exact. */
export interface SourceRunSummary {
	status: "ok" | "failed" | "skipped";
	fetched: number;
	normalized: number;
	skipped: number;
	skippedReasons: string[];
	/** Values left empty because they could not be read. */
	unparsed: number;
	unparsedExamples: string[];
	new: number;
	changed: number;
	unchanged: number;
	/** Products the source stopped listing, published closed (absent: none, or not checked). */
	withdrawn?: number;
	errors: string[];
	/** Why the source gave nothing (failed or skipped), by kind. */
	problem?: SourceProblem;
	durationMs: number;
}

export interface CollectorRunSummary {
	id: string;
	trigger: "manual" | "schedule";
	startedAt: string;
	finishedAt: string;
	/** Absent when nothing was new or changed: then nobody is told anything. */
	publicationId?: string;
	published: number;
	enrichment: { enriched: number; unavailable: number; error?: string };
	sources: Record<string, SourceRunSummary>;
}

/** Why a source gave nothing in its latest run; the SPA words `kind` per language. */
export interface SourceProblem {
	kind: "unreachable" | "timeout" | "http" | "tls" | "missing-key" | "too-large" | "format" | "other";
	httpStatus?: number;
	/** The collector's own words (English), for operators. */
	detail: string;
}

export interface SourceStatus {
	name: string;
	type: string;
	/** The latest run's outcome for this source; "never" before its first. */
	status: SourceRunSummary["status"] | "never";
	/** When that run finished. */
	at?: string;
	problem?: SourceProblem;
}

/** How collection stands: what clients and operators see when products are missing. */
export interface CollectionStatus {
	/** When the newest run finished; absent until the first one has. */
	lastRunAt?: string;
	/** Every enabled source. */
	sources: SourceStatus[];
	/** Enabled sources whose latest run failed or was skipped. */
	failing: string[];
}

export interface CollectorSourceInfo {
	name: string;
	type: string;
	format: string;
	enabled: boolean;
	schedule?: string;
	/** Where it reads from; never its headers, which may hold keys. */
	location: string;
}

export interface CollectorActions {
	"collector.run": { params: { sources?: string[] }; result: CollectorRunSummary };
	"collector.sources": { params: Record<string, never>; result: CollectorSourceInfo[] };
	"collector.status": { params: Record<string, never>; result: CollectionStatus };
	"collector.runs": { params: { page?: number; pageSize?: number }; result: Page<CollectorRunSummary> };
}
