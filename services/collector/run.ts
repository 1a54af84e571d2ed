/**
 * One collector run: fetch every chosen source in parallel → normalize → enrich stocks and
 * FIIs → keep what is new or changed → publish it as one publication. A failing source or
 * item is recorded in the summary and never stops the others. Free of Moleculer so that
 * tests and the benchmark drive it directly.
 */
import type { CollectorRunSummary, SourceRunSummary } from "../../domain/contracts.ts";
import type { Product } from "../../domain/product.ts";
import { parsersByFormat, requiredHeaders } from "./adapters/index.ts";
import { detectChange } from "./diff.ts";
import { type ComputeMany, enrich } from "./enrich.ts";
import type { Parsed } from "./normalize.ts";
import { resolveHeaders, type Source, type SourcesConfig } from "./sources.ts";

/** Reports keep this many example reasons per source; the counts stay exact. */
const maxExamples = 20;

export interface RunDeps {
	/** The body of a source, already resolved for headers. */
	load(source: Source, headers: Record<string, string>): Promise<string>;
	/** The products as last published, for change detection. */
	previous(ids: string[]): Promise<Product[]>;
	computeMany: ComputeMany;
	/** Persists the publication and tells everyone; returns its id. */
	publish(publicationId: string, sources: string[], products: Product[]): Promise<string>;
	env: Record<string, string | undefined>;
	/** Demo only: changes a few sample products so that every run publishes something. */
	vary?(products: Product[], source: Source): Product[];
	log(level: "info" | "warn", message: string, data?: object): void;
	/** The node's clock (ms since the epoch): when products were collected, when the run ended. */
	now(): number;
}

export interface RunRequest {
	id: string;
	trigger: "manual" | "schedule";
	sources: Source[];
}

function blankSummary(status: SourceRunSummary["status"]): SourceRunSummary {
	return {
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
		errors: [],
		durationMs: 0,
	};
}

async function collectSource(
	source: Source,
	deps: RunDeps,
	collectedAt: string,
): Promise<{ summary: SourceRunSummary; products: Product[] }> {
	const started = performance.now();
	const { headers, missing } = resolveHeaders(source.headers, deps.env);
	// A snapshot is not fetched: it needs no keys.
	const needed = source.location.kind === "http" ? (requiredHeaders[source.format] ?? []) : [];
	const absent = needed.filter((name) => !headers[name]);
	if (missing.length > 0 || absent.length > 0) {
		const reason =
			missing.length > 0
				? `skipped: ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} not set`
				: `skipped: no ${absent.join(", ")} header configured`;
		deps.log("warn", `Source ${source.name} ${reason}`, { source: source.name });
		return { summary: { ...blankSummary("skipped"), errors: [reason] }, products: [] };
	}
	let parsed: Parsed;
	try {
		const text = await deps.load(source, headers);
		parsed = parsersByFormat[source.format](text, source, collectedAt);
	} catch (err) {
		const reason = (err as Error).message;
		deps.log("warn", `Source ${source.name} failed: ${reason}`, { source: source.name });
		const summary = { ...blankSummary("failed"), errors: [reason] };
		summary.durationMs = Math.round(performance.now() - started);
		return { summary, products: [] };
	}
	const seen = new Set<string>();
	let products: Product[] = [];
	for (const product of parsed.products) {
		if (seen.has(product.id)) parsed.skipped.push(`${product.nativeId}: listed twice; the first one is kept`);
		else products.push(product);
		seen.add(product.id);
	}
	if (deps.vary && source.vary) products = deps.vary(products, source);
	return {
		summary: {
			...blankSummary("ok"),
			fetched: parsed.fetched,
			normalized: products.length,
			skipped: parsed.skipped.length,
			skippedReasons: parsed.skipped.slice(0, maxExamples),
			unparsed: parsed.unparsed.length,
			unparsedExamples: parsed.unparsed.slice(0, maxExamples),
			durationMs: Math.round(performance.now() - started),
		},
		products,
	};
}

export async function collect(
	request: RunRequest,
	config: SourcesConfig,
	deps: RunDeps,
): Promise<CollectorRunSummary> {
	const startedAt = new Date(deps.now()).toISOString();
	const collected = await Promise.all(
		request.sources.map((source) => collectSource(source, deps, startedAt)),
	);
	const products = collected.flatMap((c) => c.products);

	const enrichment = await enrich(products, deps.computeMany, config.enrichment.deadlineMs);

	const previous = new Map((await deps.previous(products.map((p) => p.id))).map((p) => [p.id, p]));
	const toPublish: Product[] = [];
	for (const { summary, products: ofSource } of collected) {
		for (const product of ofSource) {
			const change = detectChange(previous.get(product.id), product, config.changeDetection);
			if (change.kind === "unchanged") summary.unchanged++;
			else {
				summary[change.kind === "new" ? "new" : "changed"]++;
				toPublish.push(product);
			}
		}
	}

	let publicationId: string | undefined;
	if (toPublish.length > 0) {
		const sources = [...new Set(toPublish.map((p) => p.source))];
		publicationId = await deps.publish(request.id, sources, toPublish);
	}
	const summary: CollectorRunSummary = {
		id: request.id,
		trigger: request.trigger,
		startedAt,
		finishedAt: new Date(deps.now()).toISOString(),
		publicationId,
		published: toPublish.length,
		enrichment,
		sources: Object.fromEntries(collected.map(({ summary }, i) => [request.sources[i]?.name, summary])),
	};
	deps.log("info", "Collector run finished", {
		runId: request.id,
		published: toPublish.length,
		publicationId,
	});
	return summary;
}
