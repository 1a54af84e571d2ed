import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ConfigError, defaultSourcesFile, loadConfig } from "../../config.ts";
import {
	defaultChangeDetection,
	isEnricher,
	loadSources,
	parseSources,
	resolveHeaders,
	SourcesFileError,
	sourcesForNode,
} from "../../services/collector/sources.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const demoFile = join(root, "config/sources.demo.json");
const samplesDir = join(root, "services/collector/samples");
const schedule = "0 0 9 * * 1-5";
/** `${NAME}`, the way header values reference the environment. */
const ref = (name: string) => `\${${name}}`;

/** A minimal valid source of each kind; tests spread over them to break one thing at a time. */
const btg = { name: "btg", type: "btg-funds", url: "https://funds.example/api", schedule };
const coe = {
	name: "coes",
	type: "html",
	url: "https://broker.example/coe",
	schedule,
	category: "coe",
	items: "article.coe",
	fields: { name: { selector: "h3.name" }, issuer: { selector: "p.issuer" } },
};

function text(sources: unknown[], top: Record<string, unknown> = {}): string {
	return JSON.stringify({ ...top, sources });
}

function parse(sources: unknown[], top: Record<string, unknown> = {}, file = "/etc/insights/sources.json") {
	return parseSources(text(sources, top), file);
}

/** Asserts a SourcesFileError whose message contains every given part. */
function rejects(run: () => unknown, ...parts: string[]) {
	assert.throws(run, (err: Error) => {
		assert.ok(
			err instanceof SourcesFileError,
			`expected a SourcesFileError, got ${err.name}: ${err.message}`,
		);
		for (const part of parts) assert.ok(err.message.includes(part), `"${err.message}" lacks "${part}"`);
		return true;
	});
}

describe("parseSources: a valid file", () => {
	it("fills the documented defaults", () => {
		const config = parse([btg], {}, "/etc/insights/sources.json");
		assert.equal(config.file, "/etc/insights/sources.json");
		assert.equal(config.timezone, "America/Sao_Paulo");
		assert.match(config.userAgent, /^InsightsCollector\//);
		assert.deepEqual(config.enrichment, { deadlineMs: 20_000 });
		assert.deepEqual(config.changeDetection, defaultChangeDetection);
		assert.deepEqual(config.limits, {
			timeoutMs: 15_000,
			retries: 2,
			backoffMs: 500,
			maxBytes: 5 * 1024 * 1024,
			perHostConcurrency: 2,
		});
		assert.equal(config.sources.length, 1);
	});

	it("reads an http source", () => {
		const [source] = parse([{ ...btg, productUrl: "https://funds.example/p/{id}" }]).sources;
		assert.ok(source);
		assert.equal(source.name, "btg");
		assert.equal(source.type, "btg-funds");
		assert.equal(source.format, "btg-funds");
		assert.deepEqual(source.location, { kind: "http", url: "https://funds.example/api" });
		assert.equal(source.schedule, schedule);
		assert.deepEqual(source.headers, {});
		assert.equal(source.productUrl, "https://funds.example/p/{id}");
	});

	it("enables a source unless it says enabled: false", () => {
		const [on, off, explicit] = parse([
			btg,
			{ ...btg, name: "off", enabled: false },
			{ ...btg, name: "on", enabled: true },
		]).sources;
		assert.equal(on?.enabled, true);
		assert.equal(off?.enabled, false);
		assert.equal(explicit?.enabled, true);
	});

	it("keeps the top-level settings it is given", () => {
		const config = parse([btg], {
			userAgent: "TestBot/1.0",
			timezone: "Europe/Lisbon",
			enrichment: { deadlineMs: 1_000 },
			changeDetection: { metricsTolerance: 0.1, fields: ["adminFee"] },
		});
		assert.equal(config.userAgent, "TestBot/1.0");
		assert.equal(config.timezone, "Europe/Lisbon");
		assert.deepEqual(config.enrichment, { deadlineMs: 1_000 });
		assert.deepEqual(config.changeDetection, {
			...defaultChangeDetection,
			metricsTolerance: 0.1,
			fields: ["adminFee"],
		});
	});

	it("layers limits: source over top level over defaults", () => {
		const config = parse(
			[
				{ ...btg, name: "own", limits: { retries: 5, timeoutMs: 2_000 } },
				{ ...btg, name: "inherits" },
			],
			{ limits: { timeoutMs: 30_000, maxBytes: 2048 } },
		);
		assert.deepEqual(config.limits, {
			timeoutMs: 30_000,
			retries: 2,
			backoffMs: 500,
			maxBytes: 2048,
			perHostConcurrency: 2,
		});
		const [own, inherits] = config.sources;
		assert.deepEqual(own?.limits, {
			timeoutMs: 2_000,
			retries: 5,
			backoffMs: 500,
			maxBytes: 2048,
			perHostConcurrency: 2,
		});
		assert.deepEqual(inherits?.limits, config.limits);
	});

	it("resolves a file source's path against the sources file's folder", () => {
		const config = parse(
			[
				{ name: "picks", type: "file", path: "picks.csv", schedule },
				{ name: "nested", type: "file", path: "../data/more.csv", schedule, category: "fund" },
				{ name: "absolute", type: "file", path: "/srv/picks.csv", schedule },
			],
			{},
			"/etc/insights/sources.json",
		);
		const [picks, nested, absolute] = config.sources;
		assert.deepEqual(picks?.location, { kind: "file", path: "/etc/insights/picks.csv" });
		assert.equal(picks?.format, "file");
		assert.deepEqual(nested?.location, { kind: "file", path: "/etc/data/more.csv" });
		assert.equal(nested?.category, "fund");
		assert.deepEqual(absolute?.location, { kind: "file", path: "/srv/picks.csv" });
	});

	it("points a sample source at the bundled snapshot and parses it as its `of`", () => {
		const [source] = parse([
			{
				name: "demo-funds",
				type: "sample",
				of: "btg-funds",
				snapshot: "btg-funds.json",
				vary: true,
				schedule,
			},
		]).sources;
		assert.ok(source);
		assert.equal(source.type, "sample");
		assert.equal(source.format, "btg-funds");
		assert.deepEqual(source.location, { kind: "snapshot", path: join(samplesDir, "btg-funds.json") });
		assert.equal(source.vary, true);
	});

	it("keeps an html sample's page URL as the base for relative links", () => {
		const { url, ...rest } = coe;
		const [source] = parse([{ ...rest, type: "sample", of: "html", snapshot: "coe.html", url }]).sources;
		assert.equal(source?.format, "html");
		assert.equal(source?.pageUrl, url);
		assert.equal(source?.category, "coe");
		assert.equal(source?.items, "article.coe");
		assert.deepEqual(source?.location, { kind: "snapshot", path: join(samplesDir, "coe.html") });
	});

	it("reads an html source's fields and key", () => {
		const [source] = parse([
			{ ...coe, key: ["name", "issuer"], defaults: { protectedCapital: true } },
		]).sources;
		assert.equal(source?.format, "html");
		assert.deepEqual(source?.fields, coe.fields);
		assert.deepEqual(source?.key, ["name", "issuer"]);
		assert.deepEqual(source?.defaults, { protectedCapital: true });
		assert.equal(source?.pageUrl, coe.url);
	});

	it("accepts header values that reference env vars", () => {
		const [source] = parse([
			{ ...btg, headers: { authorization: `Bearer ${ref("API_TOKEN")}`, accept: "json" } },
		]).sources;
		assert.deepEqual(source?.headers, { authorization: `Bearer ${ref("API_TOKEN")}`, accept: "json" });
	});
});

describe("parseSources: clear errors", () => {
	it("rejects text that is not JSON", () => {
		rejects(() => parseSources("{ sources: [", "/x/sources.json"), "not valid JSON");
	});

	it("rejects an empty sources array", () => {
		rejects(() => parse([]), "sources");
	});

	it("rejects a file without sources, or with an unknown top-level key", () => {
		rejects(() => parseSources(JSON.stringify({ sourcez: [btg] }), "/x/s.json"), "sources", "sourcez");
	});

	it("rejects an unknown type, naming the source", () => {
		rejects(
			() => parse([btg, { ...btg, name: "ftp-thing", type: "ftp" }]),
			'sources[1] ("ftp-thing")',
			"type",
		);
	});

	it("rejects a misspelt key", () => {
		const { url, ...rest } = btg;
		rejects(() => parse([{ ...rest, ur1: url }]), 'sources[0] ("btg")', "ur1");
	});

	it("rejects a misspelt key in a source's limits", () => {
		rejects(() => parse([{ ...btg, limits: { timeout: 100 } }]), 'sources[0] ("btg")', "timeout");
	});

	it("rejects a bad cron expression, quoting it", () => {
		rejects(() => parse([{ ...btg, schedule: "every tuesday" }]), 'sources[0] ("btg")', "every tuesday");
		rejects(() => parse([{ ...btg, schedule: "61 * * * *" }]), 'sources[0] ("btg")', "61 * * * *");
	});

	it("accepts five- and six-field cron expressions", () => {
		const [five, six] = parse([
			{ ...btg, name: "five", schedule: "*/15 8-20 * * 1-5" },
			{ ...btg, name: "six", schedule: "0 */30 8-20 * * 1-5" },
		]).sources;
		assert.equal(five?.schedule, "*/15 8-20 * * 1-5");
		assert.equal(six?.schedule, "0 */30 8-20 * * 1-5");
	});

	it("rejects an html field the category lacks", () => {
		rejects(
			() => parse([{ ...coe, fields: { ...coe.fields, rate: { selector: "td.rate", parse: "rate" } } }]),
			'sources[0] ("coes")',
			"fields.rate",
			"coe",
		);
	});

	it("rejects an html source without fields.name", () => {
		rejects(
			() => parse([{ ...coe, fields: { issuer: { selector: "p.issuer" } } }]),
			'sources[0] ("coes")',
			"fields.name",
		);
	});

	it("rejects a key naming a field that is not in fields", () => {
		rejects(() => parse([{ ...coe, key: ["name", "maturityDate"] }]), 'sources[0] ("coes")', "maturityDate");
	});

	it("rejects an html field with neither selector nor attr", () => {
		rejects(
			() => parse([{ ...coe, fields: { ...coe.fields, underlying: { parse: "text" } } }]),
			'sources[0] ("coes")',
			"fields.underlying",
		);
	});

	it("rejects an unknown parser", () => {
		rejects(
			() => parse([{ ...coe, fields: { ...coe.fields, termDays: { selector: "dd", parse: "weeks" } } }]),
			'sources[0] ("coes")',
		);
	});

	it("rejects a header reference that is not an env var name", () => {
		rejects(
			() => parse([{ ...btg, headers: { "x-api-key": ref("lower-case") } }]),
			'sources[0] ("btg")',
			"x-api-key",
			ref("lower-case"),
		);
	});

	it("rejects two sources with the same name, naming it", () => {
		rejects(() => parse([btg, { ...btg, url: "https://other.example/" }]), '"btg"');
	});

	it("rejects a bad timezone", () => {
		rejects(() => parse([btg], { timezone: "Mars/Olympus_Mons" }), "Mars/Olympus_Mons");
	});

	it("rejects a sample source without `of`", () => {
		rejects(
			() => parse([{ name: "demo", type: "sample", snapshot: "btg-funds.json", schedule }]),
			'sources[0] ("demo")',
			'"of"',
		);
	});

	it("rejects a sample of a sample", () => {
		rejects(
			() => parse([{ name: "demo", type: "sample", of: "sample", snapshot: "x.json", schedule }]),
			'sources[0] ("demo")',
			'"of"',
		);
	});

	it("rejects a sample source without `snapshot`", () => {
		rejects(
			() => parse([{ name: "demo", type: "sample", of: "btg-funds", schedule }]),
			'sources[0] ("demo")',
			"snapshot",
		);
	});

	it("rejects an invalid source name", () => {
		rejects(() => parse([{ ...btg, name: "Has Spaces" }]), 'sources[0] ("Has Spaces")');
	});

	it("names a source without a name by its index", () => {
		const { name: _name, ...rest } = btg;
		rejects(() => parse([btg, rest]), "sources[1]", "name");
	});

	it("rejects an http source whose url is not a URL", () => {
		rejects(() => parse([{ ...btg, url: "not a url" }]), 'sources[0] ("btg")', "url");
	});

	it("rejects out-of-range limits", () => {
		rejects(() => parse([btg], { limits: { retries: 99 } }), "retries");
		rejects(() => parse([{ ...btg, limits: { perHostConcurrency: 0 } }]), 'sources[0] ("btg")');
	});
});

describe("loadSources", () => {
	let dir: string;
	before(() => {
		dir = mkdtempSync(join(tmpdir(), "insights-sources-"));
	});
	after(() => {
		rmSync(dir, { recursive: true, force: true });
	});

	it("reads a file and resolves file paths relative to its folder", () => {
		const folder = join(dir, "conf");
		mkdirSync(folder);
		const file = join(folder, "sources.json");
		writeFileSync(file, text([{ name: "picks", type: "file", path: "picks.csv", schedule }]));
		const config = loadSources(file);
		assert.equal(config.file, file);
		assert.deepEqual(config.sources[0]?.location, { kind: "file", path: join(folder, "picks.csv") });
	});

	it("says when the file cannot be read", () => {
		rejects(() => loadSources(join(dir, "missing.json")), "cannot read", "ENOENT");
	});

	it("loads the shipped default file", () => {
		const config = loadSources(defaultSourcesFile);
		assert.ok(config.sources.length > 0);
		const picks = config.sources.find((s) => s.type === "file");
		assert.deepEqual(picks?.location, { kind: "file", path: join(root, "config/house-picks.csv") });
	});

	it("never puts a literal secret in the default file: xp-funds reads its key from XP_API_KEY", () => {
		const config = loadSources(defaultSourcesFile);
		const xp = config.sources.find((s) => s.name === "xp-funds");
		assert.ok(xp, "the default file has an xp-funds source");
		const values = Object.values(xp.headers);
		assert.ok(
			values.some((value) => value.includes(ref("XP_API_KEY"))),
			"a header references the XP_API_KEY env var",
		);
		for (const source of config.sources)
			for (const [header, value] of Object.entries(source.headers))
				assert.equal(
					value.replace(/\$\{[A-Z_][A-Z0-9_]*\}/g, "").trim(),
					"",
					`${source.name} header ${header} holds only env references`,
				);
	});

	it("loads the shipped demo file: only sample sources, each with a schedule (enrichers run with every collection) and a bundled snapshot", () => {
		const config = loadSources(demoFile);
		assert.ok(config.sources.length > 0);
		for (const source of config.sources) {
			assert.equal(source.type, "sample", source.name);
			if (isEnricher(source.format))
				assert.equal(source.schedule, undefined, `${source.name} runs with every run`);
			else assert.ok(source.schedule, `${source.name} has a schedule`);
			assert.equal(source.location.kind, "snapshot");
			assert.ok(
				readFileSync((source.location as { path: string }).path).length > 0,
				`${source.name}'s snapshot exists`,
			);
		}
	});

	it("the demo file stands in for every source of the default file", () => {
		const names = (file: string) =>
			loadSources(file)
				.sources.map((s) => s.name)
				.sort();
		assert.deepEqual(names(demoFile), names(defaultSourcesFile));
	});
});

describe("SOURCES_FILE: the sources of a node that runs the collector", () => {
	let dir: string;
	let bad: string;
	before(() => {
		dir = mkdtempSync(join(tmpdir(), "insights-config-"));
		bad = join(dir, "bad.json");
		writeFileSync(bad, text([{ ...btg, schedule: "nope" }]));
	});
	after(() => {
		rmSync(dir, { recursive: true, force: true });
	});

	it("loads config/sources.json by default", () => {
		const config = loadConfig({});
		assert.equal(config.sourcesFile, defaultSourcesFile);
		assert.deepEqual(sourcesForNode(config), loadSources(defaultSourcesFile));
	});

	it("loads the file SOURCES_FILE names", () => {
		const config = loadConfig({ SOURCES_FILE: demoFile });
		assert.equal(config.sourcesFile, resolve(demoFile));
		assert.ok(sourcesForNode(config)?.sources.every((s) => s.type === "sample"));
	});

	it("rejects a bad file with a message naming the variable and the problem", () => {
		for (const env of [{ SOURCES_FILE: bad }, { SOURCES_FILE: bad, SERVICES: "collector,api" }]) {
			assert.throws(
				() => sourcesForNode(loadConfig(env)),
				(err: Error) =>
					err instanceof ConfigError &&
					err.message.startsWith("Invalid SOURCES_FILE=") &&
					err.message.includes('sources[0] ("btg")') &&
					err.message.includes("nope"),
			);
		}
	});

	it("rejects a missing file", () => {
		assert.throws(
			() => sourcesForNode(loadConfig({ SOURCES_FILE: join(dir, "missing.json") })),
			(err: Error) => err instanceof ConfigError && err.message.startsWith("Invalid SOURCES_FILE="),
		);
	});

	it("does not read the file on a node without the collector", () => {
		const config = loadConfig({ SOURCES_FILE: bad, SERVICES: "api,products" });
		assert.equal(sourcesForNode(config), undefined);
		assert.equal(config.sourcesFile, bad);
	});
});

describe("resolveHeaders", () => {
	const headers = { "ocp-apim-subscription-key": ref("XP_API_KEY") };

	it("lists the env vars that are not set", () => {
		const result = resolveHeaders(headers, {});
		assert.deepEqual(result.missing, ["XP_API_KEY"]);
		assert.equal(result.headers["ocp-apim-subscription-key"]?.includes("${"), false);
	});

	it("counts an empty value as missing", () => {
		assert.deepEqual(resolveHeaders(headers, { XP_API_KEY: "" }).missing, ["XP_API_KEY"]);
	});

	it("substitutes set vars", () => {
		assert.deepEqual(resolveHeaders(headers, { XP_API_KEY: "s3cret" }), {
			headers: { "ocp-apim-subscription-key": "s3cret" },
			missing: [],
		});
	});

	it("substitutes inside a value and leaves plain headers alone", () => {
		const result = resolveHeaders(
			{ authorization: `Bearer ${ref("TOKEN")}`, accept: "application/json" },
			{ TOKEN: "abc" },
		);
		assert.deepEqual(result, {
			headers: { authorization: "Bearer abc", accept: "application/json" },
			missing: [],
		});
	});

	it("does not mutate the headers it is given", () => {
		const input = { ...headers };
		resolveHeaders(input, { XP_API_KEY: "s3cret" });
		assert.deepEqual(input, headers);
	});
});
