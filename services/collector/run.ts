/**
 * One collector run: fetch every chosen product source in parallel → normalize → complete
 * them from the registries (enricher sources, such as cvm-funds) → market metrics for
 * stocks and FIIs → keep what is new or changed → publish it as one publication. A failing
 * source or item is recorded in the summary, with its kind, and never stops the others.
 * Free of Moleculer so that tests and the benchmark drive it directly.
 */
import type { CollectorRunSummary, SourceProblem, SourceRunSummary } from "../../domain/contracts.ts";
import type { Product } from "../../domain/product.ts";
import { adapters, defaultHeaders, enrichers, requiredHeaders } from "./adapters/index.ts";
import { detectChange } from "./diff.ts";
import { type ComputeMany, enrich } from "./enrich.ts";
import type { Parsed } from "./normalize.ts";
import type { SourceReader } from "./reader.ts";
import { isEnricher, resolveHeaders, type Source, type SourcesConfig } from "./sources.ts";
import { withdrawn } from "./withdrawn.ts";

/** Reports keep this many example reasons per source; the counts stay exact. */
const maxExamples = 20;

export interface RunDeps {
	/** How to read a source, its headers already resolved. */
	reader(source: Source, headers: Record<string, string>): SourceReader;
	/** The products as last published, for change detection. */
	previous(ids: string[]): Promise<Product[]>;
	/**
	 * The products of a source the catalogue holds open, to find the ones it stopped listing
	 * (withdrawn.ts). Absent: nothing is ever withdrawn.
	 */
	listed?(source: string): Promise<Product[]>;
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

/** The kind of a failure: what http.ts and the adapters say it is, "other" for the rest. */
function problemOf(err: unknown): SourceProblem {
	const { kind, httpStatus, message } = err as {
		kind?: SourceProblem["kind"];
		httpStatus?: number;
		message?: string;
	};
	return {
		kind: kind ?? "other",
		...(httpStatus === undefined ? {} : { httpStatus }),
		detail: String(message ?? err).slice(0, 300),
	};
}

function failed(reason: string, problem: SourceProblem, started: number): SourceRunSummary {
	return {
		...blankSummary("failed"),
		errors: [reason],
		problem,
		durationMs: Math.round(performance.now() - started),
	};
}

/** The source's reader, or why it cannot be read (a key not configured): then it is skipped. */
function open(source: Source, deps: RunDeps): { reader: SourceReader } | { skipped: SourceRunSummary } {
	// Header names are case-insensitive: a configured "Origin" replaces the default "origin".
	const lower = (headers: Record<string, string> = {}) =>
		Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
	const configured = { ...lower(defaultHeaders[source.format]), ...lower(source.headers) };
	const { headers, missing } = resolveHeaders(configured, deps.env);
	// A snapshot is not fetched: it needs no keys.
	const needed = source.location.kind === "http" ? (requiredHeaders[source.format] ?? []) : [];
	const absent = needed.filter((name) => !headers[name]);
	if (missing.length === 0 && absent.length === 0) return { reader: deps.reader(source, headers) };
	const reason =
		missing.length > 0
			? `skipped: ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} not set`
			: `skipped: no ${absent.join(", ")} header configured`;
	deps.log("warn", `Source ${source.name} ${reason}`, { source: source.name });
	return {
		skipped: {
			...blankSummary("skipped"),
			errors: [reason],
			problem: { kind: "missing-key", detail: reason },
		},
	};
}

function reported(parsed: Parsed, normalized: number, started: number): SourceRunSummary {
	return {
		...blankSummary("ok"),
		fetched: parsed.fetched,
		normalized,
		skipped: parsed.skipped.length,
		skippedReasons: parsed.skipped.slice(0, maxExamples),
		unparsed: parsed.unparsed.length,
		unparsedExamples: parsed.unparsed.slice(0, maxExamples),
		durationMs: Math.round(performance.now() - started),
	};
}

async function collectSource(
	source: Source,
	deps: RunDeps,
	collectedAt: string,
): Promise<{ summary: SourceRunSummary; products: Product[] }> {
	const started = performance.now();
	const opened = open(source, deps);
	if ("skipped" in opened) return { summary: opened.skipped, products: [] };
	let parsed: Parsed;
	try {
		parsed = await adapters[source.format as keyof typeof adapters](source, opened.reader, collectedAt);
	} catch (err) {
		const reason = (err as Error).message;
		deps.log("warn", `Source ${source.name} failed: ${reason}`, { source: source.name });
		return { summary: failed(reason, problemOf(err), started), products: [] };
	}
	const seen = new Set<string>();
	let products: Product[] = [];
	for (const product of parsed.products) {
		if (seen.has(product.id)) parsed.skipped.push(`${product.nativeId}: listed twice; the first one is kept`);
		else products.push(product);
		seen.add(product.id);
	}
	if (deps.vary && source.vary) products = deps.vary(products, source);
	if (source.label) products = products.map((product) => ({ ...product, sourceLabel: source.label }));
	return { summary: reported(parsed, products.length, started), products };
}

/** Each enricher source in turn over every product collected; a failing one leaves them as they were. */
async function completeFromRegistries(
	products: Product[],
	sources: Source[],
	deps: RunDeps,
): Promise<{ products: Product[]; summaries: [string, SourceRunSummary][] }> {
	const summaries: [string, SourceRunSummary][] = [];
	for (const source of sources) {
		const started = performance.now();
		const opened = open(source, deps);
		if ("skipped" in opened) {
			summaries.push([source.name, opened.skipped]);
			continue;
		}
		try {
			const enriched = await enrichers[source.format as keyof typeof enrichers](
				products,
				source,
				opened.reader,
			);
			products = enriched.products;
			summaries.push([source.name, reported(enriched.report, enriched.enriched, started)]);
		} catch (err) {
			const reason = (err as Error).message;
			deps.log("warn", `Source ${source.name} failed: ${reason}`, { source: source.name });
			summaries.push([source.name, failed(reason, problemOf(err), started)]);
		}
	}
	return { products, summaries };
}

export async function collect(
	request: RunRequest,
	config: SourcesConfig,
	deps: RunDeps,
): Promise<CollectorRunSummary> {
	const startedAt = new Date(deps.now()).toISOString();
	const productSources = request.sources.filter((source) => !isEnricher(source.format));
	const collected = await Promise.all(productSources.map((source) => collectSource(source, deps, startedAt)));
	const registries = await completeFromRegistries(
		collected.flatMap((c) => c.products),
		request.sources.filter((source) => isEnricher(source.format)),
		deps,
	);
	const completed = new Map(registries.products.map((product) => [product.id, product]));
	for (const entry of collected)
		entry.products = entry.products.map((product) => completed.get(product.id) ?? product);
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

	for (const [i, { summary, products: ofSource }] of collected.entries()) {
		const source = productSources[i];
		if (!deps.listed || !source || summary.status !== "ok" || ofSource.length === 0) continue;
		const check = withdrawn({
			known: await deps.listed(source.name),
			seen: new Set(ofSource.map((product) => product.id)),
			at: startedAt,
		});
		if ("partial" in check) {
			summary.errors.push(check.partial);
			deps.log("warn", `Source ${source.name}: ${check.partial}`, { source: source.name });
			continue;
		}
		summary.withdrawn = check.products.length;
		toPublish.push(...check.products);
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
		sources: Object.fromEntries([
			...collected.map(({ summary }, i) => [productSources[i]?.name, summary]),
			...registries.summaries,
		]),
	};
	deps.log("info", "Collector run finished", {
		runId: request.id,
		published: toPublish.length,
		publicationId,
	});
	return summary;
}
