/** The collector: its runs over the sources, and how collection stands. */

import { type Page, pageRule } from "./page.ts";

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

/* What the collector's routes answer, as rules (the OpenAPI document's schemas of them). */
const count = "number|integer|min:0";
const problemRule = {
	type: "object",
	optional: true,
	props: {
		kind: {
			type: "enum",
			values: ["unreachable", "timeout", "http", "tls", "missing-key", "too-large", "format", "other"],
		},
		httpStatus: "number|integer|optional",
		detail: "string",
	},
} as const;
const sourceRunRule = {
	type: "object",
	props: {
		status: { type: "enum", values: ["ok", "failed", "skipped"] },
		fetched: count,
		normalized: count,
		skipped: count,
		skippedReasons: { type: "array", items: "string" },
		unparsed: count,
		unparsedExamples: { type: "array", items: "string" },
		new: count,
		changed: count,
		unchanged: count,
		withdrawn: `${count}|optional`,
		errors: { type: "array", items: "string" },
		problem: problemRule,
		durationMs: "number|min:0",
	},
} as const;
const runRule = {
	type: "object",
	props: {
		id: "string",
		trigger: { type: "enum", values: ["manual", "schedule"] },
		startedAt: "string",
		finishedAt: "string",
		publicationId: "string|optional",
		published: count,
		enrichment: {
			type: "object",
			props: { enriched: count, unavailable: count, error: "string|optional" },
		},
		sources: { type: "record", key: "string", value: sourceRunRule },
	},
} as const;

export const collectorRules = {
	run: runRule,
	runs: pageRule(runRule),
	sources: {
		type: "array",
		items: {
			type: "object",
			props: {
				name: "string",
				type: "string",
				format: "string",
				enabled: "boolean",
				schedule: "string|optional",
				location: "string",
			},
		},
	},
	status: {
		type: "object",
		props: {
			lastRunAt: "string|optional",
			sources: {
				type: "array",
				items: {
					type: "object",
					props: {
						name: "string",
						type: "string",
						status: { type: "enum", values: ["ok", "failed", "skipped", "never"] },
						at: "string|optional",
						problem: problemRule,
					},
				},
			},
			failing: { type: "array", items: "string" },
		},
	},
} as const;
