/**
 * The sources file (SOURCES_FILE): every source the collector reads, with its URL, headers,
 * schedule and limits, validated once at start so that a typo stops the node with a clear
 * line instead of failing at 3 a.m. The format is documented in docs/sources.md.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Cron } from "croner";
import type { ServiceBroker } from "moleculer";
import { type Config, fail } from "../../config.ts";
import { type Category, categories } from "../../domain/product.ts";
import { Validator } from "../../domain/validate.ts";
import { fieldParsers, type ParserName, parserNames } from "./fields.ts";

export const sourceTypes = [
	"btg-funds",
	"xp-funds",
	"tesouro-direto",
	"opin-pension",
	"cvm-funds",
	"html",
	"file",
	"sample",
] as const;
export type SourceType = (typeof sourceTypes)[number];
/** What a `sample` source stands in for. */
export type ParsedType = Exclude<SourceType, "sample">;
/** Types that complete what other sources collected instead of collecting products. */
export const enricherTypes = ["cvm-funds"] as const satisfies readonly ParsedType[];
export type EnricherType = (typeof enricherTypes)[number];
export type ProductSourceType = Exclude<ParsedType, EnricherType>;
export const isEnricher = (format: ParsedType): format is EnricherType =>
	(enricherTypes as readonly string[]).includes(format);

export interface Limits {
	timeoutMs: number;
	retries: number;
	backoffMs: number;
	/** Responses larger than this are refused, not truncated. */
	maxBytes: number;
	perHostConcurrency: number;
}

export interface FieldRule {
	selector?: string;
	/** Read this attribute instead of the element's text (`href` for links). */
	attr?: string;
	parse?: ParserName;
}

/** One source after validation. `format` is the adapter that parses what `location` holds. */
export interface Source {
	name: string;
	/** How clients see the source beside a product it sells ("BTG Pactual"); the name otherwise. */
	label?: string;
	type: SourceType;
	format: ParsedType;
	enabled: boolean;
	location:
		| { kind: "http"; url: string }
		| { kind: "file"; path: string }
		| { kind: "snapshot"; path: string };
	schedule?: string;
	/** Values may reference the environment as `${VAR}`: secrets never live in the file. */
	headers: Record<string, string>;
	limits: Limits;
	/** Link of a product when the source gives none: `{id}` is replaced by its native id. */
	productUrl?: string;
	/** Base for relative links (the page's own URL, or the page a snapshot was taken of). */
	pageUrl?: string;
	/** xp-funds: only the funds XP itself features (`isSuggested`). */
	featuredOnly?: boolean;
	/** html and file: the category of the items (file rows may name their own). */
	category?: Category;
	items?: string;
	fields?: Record<string, FieldRule>;
	/** Fields whose values identify an item when the page has no id of its own. */
	key?: string[];
	defaults?: Record<string, unknown>;
	/** sample: vary a few products on every run, so the demo's feed moves. */
	vary?: boolean;
	/** Paged JSON sources (btg-funds, opin-pension): items asked per page. */
	pageSize?: number;
	/** tesouro-direto: the site's current-offers CSV (minimums, what is on sale now). */
	offersUrl?: string;
	/** tesouro-direto: a title whose latest base date is older than this is not offered. */
	maxAgeDays?: number;
	/** opin-pension: participants' API hosts; without them, the directory at `url` lists them. */
	hosts?: string[];
	/** opin-pension: pages read per host at most (hosts of 1,000+ pages exist). */
	maxPages?: number;
	/** Enrichers: their download is kept this long and reused by every run meanwhile. */
	refreshHours?: number;
}

export interface ChangeDetection {
	enabled: boolean;
	/** A product is republished when one of these differs from what was last published. */
	fields: string[];
	/** Metrics fields compared with a relative tolerance instead of exactly. */
	metricsFields: string[];
	/** 0.05 = a metric must move by more than 5% of its last value to count as changed. */
	metricsTolerance: number;
}

export interface SourcesConfig {
	file: string;
	/** Collect once as soon as the node has started (the demo's feed is not empty for a minute). */
	runAtStart: boolean;
	userAgent: string;
	timezone: string;
	limits: Limits;
	enrichment: { deadlineMs: number };
	changeDetection: ChangeDetection;
	sources: Source[];
}

export class SourcesFileError extends Error {
	override name = "SourcesFileError";
}

const validator = new Validator({ useNewCustomCheckerFunction: true });

const defaultLimits: Limits = {
	timeoutMs: 15_000,
	retries: 2,
	backoffMs: 500,
	maxBytes: 5 * 1024 * 1024,
	perHostConcurrency: 2,
};

export const defaultChangeDetection: ChangeDetection = {
	enabled: true,
	fields: [
		"minimumInvestment",
		"adminFee",
		"performanceFee",
		"riskLevel",
		"rate",
		"maturityDate",
		"termDays",
		"redemptionDays",
		"protectedCapital",
		"taxExempt",
	],
	metricsFields: ["dividendYield", "totalReturn12m", "volatility"],
	metricsTolerance: 0.05,
};

const limitsProps = () => ({
	timeoutMs: "number|integer|min:100|max:300000|optional",
	retries: "number|integer|min:0|max:10|optional",
	backoffMs: "number|integer|min:0|max:60000|optional",
	maxBytes: "number|integer|min:1024|max:104857600|optional",
	perHostConcurrency: "number|integer|min:1|max:32|optional",
});

const cron = () => ({
	type: "string",
	optional: true,
	custom(value: string | undefined, errors: { type: string; actual: unknown }[]) {
		// fastest-validator calls custom checks on absent optional values too.
		if (value === undefined) return value;
		try {
			new Cron(value, { paused: true }).stop();
		} catch {
			errors.push({ type: "cronExpression", actual: value });
		}
		return value;
	},
	messages: { cronExpression: "'{actual}' is not a cron expression" },
});

const fileSchema = validator.compile({
	$$root: true,
	type: "object",
	strict: true,
	props: {
		$schema: "string|optional",
		userAgent: "string|min:3|max:200|optional",
		timezone: "string|optional",
		runAtStart: "boolean|optional",
		limits: { type: "object", optional: true, strict: true, props: limitsProps() },
		enrichment: {
			type: "object",
			optional: true,
			strict: true,
			props: { deadlineMs: "number|integer|min:100|max:300000" },
		},
		changeDetection: {
			type: "object",
			optional: true,
			strict: true,
			props: {
				enabled: "boolean|optional",
				fields: { type: "array", items: "string", optional: true },
				metricsFields: { type: "array", items: "string", optional: true },
				metricsTolerance: "number|min:0|max:10|optional",
			},
		},
		sources: { type: "array", items: "object", min: 1 },
	},
});

const field = {
	type: "object",
	strict: true,
	props: {
		selector: "string|min:1|optional",
		attr: "string|min:1|optional",
		parse: { type: "enum", values: [...parserNames], optional: true },
	},
};

/** The keys each type accepts; `strict` turns a misspelt key into an error. */
const common = {
	name: { type: "string", pattern: /^[a-z0-9][a-z0-9-]{0,49}$/, patternFlags: "" },
	type: { type: "enum", values: [...sourceTypes] },
	label: "string|min:1|max:60|trim|optional",
	enabled: "boolean|optional",
	note: "string|optional",
	schedule: cron(),
	headers: { type: "record", key: "string|min:1", value: "string", optional: true },
	limits: { type: "object", optional: true, strict: true, props: limitsProps() },
	productUrl: "string|optional",
};
const htmlProps = {
	category: { type: "enum", values: [...categories] },
	items: "string|min:1",
	fields: { type: "record", key: "string|min:1", value: field },
	key: { type: "array", items: "string", optional: true, min: 1 },
	defaults: { type: "object", optional: true },
};
const location = { url: "url" };
const pageSize = "number|integer|min:1|max:1000|optional";
const sourceSchemas: Record<ParsedType, object> = {
	"btg-funds": { ...common, ...location, pageSize },
	"xp-funds": { ...common, ...location, featuredOnly: "boolean|optional" },
	"tesouro-direto": {
		...common,
		...location,
		offersUrl: "url|optional",
		maxAgeDays: "number|integer|min:1|max:366|optional",
	},
	"opin-pension": {
		...common,
		...location,
		hosts: { type: "array", items: "url", optional: true, min: 1, max: 200 },
		pageSize,
		maxPages: "number|integer|min:1|max:5000|optional",
	},
	"cvm-funds": { ...common, ...location, refreshHours: "number|min:0.1|max:168|optional" },
	html: { ...common, ...location, ...htmlProps },
	file: {
		...common,
		path: "string|min:1",
		category: { type: "enum", values: [...categories], optional: true },
	},
};
const sampleSchemas = Object.fromEntries(
	Object.entries(sourceSchemas).map(([type, props]) => {
		const { url: _url, path: _path, ...rest } = props as Record<string, unknown>;
		const sampleProps = {
			...rest,
			of: { type: "enum", values: [type] },
			snapshot: "string|min:1",
			url: "url|optional",
			vary: "boolean|optional",
		};
		return [type, validator.compile({ $$root: true, type: "object", strict: true, props: sampleProps })];
	}),
) as Record<ParsedType, ReturnType<typeof validator.compile>>;
const compiledSources = Object.fromEntries(
	Object.entries(sourceSchemas).map(([type, props]) => [
		type,
		validator.compile({ $$root: true, type: "object", strict: true, props }),
	]),
) as Record<ParsedType, ReturnType<typeof validator.compile>>;

const samplesDir = fileURLToPath(new URL("./samples/", import.meta.url));

function messages(result: true | unknown): string[] {
	if (result === true) return [];
	return (result as { message?: string }[]).map((e) => e.message ?? "invalid value");
}

function checkSource(raw: Record<string, unknown>, index: number, baseDir: string, defaults: Limits): Source {
	const where = `sources[${index}]${typeof raw.name === "string" ? ` ("${raw.name}")` : ""}`;
	const fail = (problems: string[]): never => {
		throw new SourcesFileError(`${where}: ${problems.join("; ")}`);
	};
	const type = raw.type as SourceType;
	if (!sourceTypes.includes(type)) fail([`type must be one of ${sourceTypes.join(", ")}`]);
	const format = (type === "sample" ? raw.of : type) as ParsedType;
	if (!(format in sourceSchemas))
		fail([`a sample source needs "of": one of ${Object.keys(sourceSchemas).join(", ")}`]);
	const input = structuredClone(raw);
	const problems = messages((type === "sample" ? sampleSchemas : compiledSources)[format](input));
	if (problems.length > 0) fail(problems);

	if (format === "html") problems.push(...checkFields(raw));
	if (isEnricher(format) && raw.schedule !== undefined)
		problems.push("an enricher runs with every collection: give it refreshHours instead of a schedule");
	for (const [header, value] of Object.entries((raw.headers ?? {}) as Record<string, string>)) {
		for (const [, name = ""] of value.matchAll(/\$\{([^}]*)\}/g))
			if (!/^[A-Z_][A-Z0-9_]*$/.test(name))
				problems.push(`header ${header}: \${${name}} is not an env var name`);
	}
	if (problems.length > 0) fail(problems);

	const location: Source["location"] =
		type === "sample"
			? { kind: "snapshot", path: resolve(samplesDir, raw.snapshot as string) }
			: format === "file"
				? { kind: "file", path: resolve(baseDir, raw.path as string) }
				: { kind: "http", url: raw.url as string };
	return {
		name: raw.name as string,
		label: raw.label as string | undefined,
		type,
		format,
		enabled: raw.enabled !== false,
		location,
		schedule: raw.schedule as string | undefined,
		headers: (raw.headers ?? {}) as Record<string, string>,
		limits: { ...defaults, ...(raw.limits as Partial<Limits>) },
		productUrl: raw.productUrl as string | undefined,
		pageUrl: raw.url as string | undefined,
		featuredOnly: raw.featuredOnly as boolean | undefined,
		category: raw.category as Category | undefined,
		items: raw.items as string | undefined,
		fields: raw.fields as Record<string, FieldRule> | undefined,
		key: raw.key as string[] | undefined,
		defaults: raw.defaults as Record<string, unknown> | undefined,
		vary: raw.vary as boolean | undefined,
		pageSize: raw.pageSize as number | undefined,
		offersUrl: raw.offersUrl as string | undefined,
		maxAgeDays: raw.maxAgeDays as number | undefined,
		hosts: raw.hosts as string[] | undefined,
		maxPages: raw.maxPages as number | undefined,
		refreshHours: raw.refreshHours as number | undefined,
	};
}

/** An html definition may only fill fields the category has, with a parser we know. */
function checkFields(raw: Record<string, unknown>): string[] {
	const category = raw.category as Category;
	const fields = raw.fields as Record<string, FieldRule>;
	const problems: string[] = [];
	if (!fields.name) problems.push(`fields.name is required`);
	for (const [name, rule] of Object.entries(fields)) {
		const known = Object.hasOwn(fieldParsers, name) ? fieldParsers[name] : undefined;
		if (name !== "nativeId" && !known?.categories.includes(category))
			problems.push(`fields.${name} is not a field of ${category} products`);
		if (!rule.selector && !rule.attr) problems.push(`fields.${name} needs a selector or an attr`);
	}
	for (const name of (raw.key as string[] | undefined) ?? [])
		if (!Object.hasOwn(fields, name)) problems.push(`key names "${name}", which is not in fields`);
	return problems;
}

export function parseSources(text: string, file: string): SourcesConfig {
	let raw: Record<string, unknown>;
	try {
		raw = JSON.parse(text);
	} catch (err) {
		throw new SourcesFileError(`not valid JSON: ${(err as Error).message}`);
	}
	const problems = messages(fileSchema(structuredClone(raw)));
	if (problems.length > 0) throw new SourcesFileError(problems.join("; "));
	const timezone = (raw.timezone as string | undefined) ?? "America/Sao_Paulo";
	try {
		new Intl.DateTimeFormat("en", { timeZone: timezone });
	} catch {
		throw new SourcesFileError(`timezone "${timezone}" is not an IANA time zone`);
	}
	const limits = { ...defaultLimits, ...(raw.limits as Partial<Limits>) };
	const sources = (raw.sources as Record<string, unknown>[]).map((source, index) =>
		checkSource(source, index, dirname(file), limits),
	);
	const names = sources.map((s) => s.name);
	const duplicate = names.findIndex((name, i) => names.indexOf(name) !== i);
	if (duplicate >= 0)
		throw new SourcesFileError(
			`sources[${duplicate}] ("${names[duplicate]}"): sources[${names.indexOf(names[duplicate] as string)}] has the same name`,
		);
	return {
		file,
		runAtStart: raw.runAtStart === true,
		userAgent:
			(raw.userAgent as string | undefined) ?? "InsightsCollector/0.1 (+https://insights.example/bot)",
		timezone,
		limits,
		enrichment: { deadlineMs: 20_000, ...(raw.enrichment as object) },
		changeDetection: { ...defaultChangeDetection, ...(raw.changeDetection as Partial<ChangeDetection>) },
		sources,
	};
}

export function loadSources(file: string): SourcesConfig {
	let text: string;
	try {
		text = readFileSync(file, "utf8");
	} catch (err) {
		throw new SourcesFileError(`cannot read it: ${(err as NodeJS.ErrnoException).code ?? err}`);
	}
	return parseSources(text, file);
}

/**
 * The sources of a node that runs the collector, read when the node is built (system.ts): a
 * bad file stops it with one line naming SOURCES_FILE, before anything starts. Undefined for
 * a node without the collector.
 */
export function sourcesForNode(config: Pick<Config, "services" | "sourcesFile">): SourcesConfig | undefined {
	if (!config.services.includes("collector")) return undefined;
	try {
		return loadSources(config.sourcesFile);
	} catch (err) {
		fail(
			"SOURCES_FILE",
			config.sourcesFile,
			`a valid sources file (docs/sources.md): ${(err as Error).message}`,
		);
	}
}

/* The sources each broker's collector reads, bound by system.ts (several brokers share a process in tests). */
const bound = new WeakMap<ServiceBroker, SourcesConfig>();

export function bindSources(broker: ServiceBroker, sources: SourcesConfig): void {
	bound.set(broker, sources);
}

export function sourcesOf(broker: ServiceBroker): SourcesConfig {
	const sources = bound.get(broker);
	if (!sources) throw new Error("The collector needs a sources file (SOURCES_FILE).");
	return sources;
}

/** `${VAR}` in header values, from the environment; the names of unset ones are returned. */
export function resolveHeaders(
	headers: Record<string, string>,
	env: Record<string, string | undefined>,
): { headers: Record<string, string>; missing: string[] } {
	const missing: string[] = [];
	const resolved = Object.fromEntries(
		Object.entries(headers).map(([name, value]) => [
			name,
			value.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_, variable: string) => {
				const found = env[variable];
				if (!found && !missing.includes(variable)) missing.push(variable);
				return found ?? "";
			}),
		]),
	);
	return { headers: resolved, missing };
}
