/**
 * The xp-funds adapter against a loopback API that behaves as XP's yield portal does: it
 * wants the subscription key, refuses (403) a request without XP's own origin and
 * referer, and answers `{ data: [...] }` with numbers that may be Brazilian strings. Read
 * through the collector's reader and HTTP client; the headers through a whole run.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Product } from "../../domain/product.ts";
import { adapters, defaultHeaders } from "../../services/collector/adapters/index.ts";
import { createHttp, FetchError } from "../../services/collector/http.ts";
import { createReader, SourceFormatError } from "../../services/collector/reader.ts";
import { collect as collectRun } from "../../services/collector/run.ts";
import { parseSources, type Source } from "../../services/collector/sources.ts";
import { type ApiFixture, type ApiRequest, startApiFixture, xpFund } from "../fixtures/brokers.ts";

const collectedAt = "2026-03-02T12:00:00.000Z";
const fundsPath = "/investment-funds/yield-portal/v2/investment-funds";
const query = "?onlyrpps=false&family=null";
const key = "chave-de-teste";
const keyHeader = { "ocp-apim-subscription-key": key };

/** XP's gate: the key first (401), then the browser headers of its own site (403). */
function xpApi(data: () => unknown) {
	return ({ url, headers }: ApiRequest) => {
		if (url.pathname !== fundsPath)
			return { status: 404, body: { statusCode: 404, message: "Resource not found" } };
		if (headers["ocp-apim-subscription-key"] !== key)
			return {
				status: 401,
				body: { statusCode: 401, message: "Access denied due to missing subscription key." },
			};
		if (
			headers.origin !== "https://www.xpi.com.br" ||
			!headers.referer?.startsWith("https://www.xpi.com.br/")
		)
			return { status: 403, body: { statusCode: 403, message: "Forbidden" } };
		return { body: data() };
	};
}

function sourcesOf(...entries: Record<string, unknown>[]) {
	return parseSources(
		JSON.stringify({ limits: { retries: 0, timeoutMs: 2_000 }, sources: entries }),
		"/tmp/x.json",
	);
}

function sourceOf(entry: Record<string, unknown>): Source {
	const [source] = sourcesOf({ name: "xp", ...entry }).sources;
	assert.ok(source);
	return source;
}

/** The adapter alone, with these headers as the run would have resolved them. */
function collect(source: Source, headers: Record<string, string>) {
	return adapters["xp-funds"](
		source,
		createReader(source, createHttp("InsightsTest/1.0"), headers),
		collectedAt,
	);
}

const browserHeaders = { ...defaultHeaders["xp-funds"], ...keyHeader };

describe("xp-funds: XP's headers", () => {
	let api: ApiFixture;
	before(async () => {
		api = await startApiFixture(xpApi(() => ({ data: [xpFund()] })));
	});
	after(() => api.stop());

	it("without XP's origin and referer the API refuses, as the real one does", async () => {
		const source = sourceOf({ type: "xp-funds", url: `${api.url}${fundsPath}${query}` });
		await assert.rejects(collect(source, keyHeader), (err: FetchError) => {
			assert.ok(err instanceof FetchError);
			assert.equal(err.httpStatus, 403);
			assert.match(err.message, /HTTP 403 \(refused/);
			return true;
		});
	});

	it("a run sends them by default, with the key from the environment and the query as configured", async () => {
		api.requests.length = 0;
		const config = sourcesOf({
			name: "xp",
			type: "xp-funds",
			url: `${api.url}${fundsPath}${query}`,
			// biome-ignore lint/suspicious/noTemplateCurlyInString: the sources file's own ${VAR} syntax.
			headers: { "ocp-apim-subscription-key": "${XP_API_KEY}" },
		});
		const summary = await run(config, { XP_API_KEY: key });
		assert.equal(summary.sources.xp?.status, "ok", JSON.stringify(summary.sources.xp));
		assert.equal(summary.sources.xp?.normalized, 1);
		const [request] = api.requests;
		assert.equal(request?.headers.origin, "https://www.xpi.com.br");
		assert.equal(request?.headers.referer, "https://www.xpi.com.br/");
		assert.equal(request?.headers["ocp-apim-subscription-key"], key);
		assert.equal(request?.url.search, query);
	});

	it("the sources file's headers override them", async () => {
		api.requests.length = 0;
		const referer = "https://www.xpi.com.br/investimentos/fundos-de-investimento/lista/";
		const config = sourcesOf(
			{
				name: "xp",
				type: "xp-funds",
				url: `${api.url}${fundsPath}${query}`,
				headers: { ...keyHeader, referer },
			},
			{
				name: "xp-elsewhere",
				type: "xp-funds",
				url: `${api.url}${fundsPath}${query}`,
				headers: { ...keyHeader, origin: "https://insights.example" },
			},
		);
		const summary = await run(config, {});
		assert.equal(summary.sources.xp?.status, "ok");
		assert.equal(
			api.requests.find((r) => r.headers.referer === referer)?.headers.origin,
			"https://www.xpi.com.br",
		);
		const refused = summary.sources["xp-elsewhere"];
		assert.equal(refused?.status, "failed");
		assert.equal(refused?.problem?.httpStatus, 403);
	});
});

/** A whole collector run (run.ts) over `config`, nothing published anywhere. */
function run(config: ReturnType<typeof sourcesOf>, env: Record<string, string>) {
	const http = createHttp("InsightsTest/1.0");
	return collectRun({ id: "run-1", trigger: "manual", sources: config.sources }, config, {
		reader: (source, headers) => createReader(source, http, headers),
		previous: async () => [],
		computeMany: async () => ({}),
		publish: async (id) => id,
		env,
		log: () => {},
		now: () => Date.parse(collectedAt),
	});
}

describe("xp-funds: the quirks of SOURCES.md, one by one", () => {
	let api: ApiFixture;
	let data: unknown;
	before(async () => {
		api = await startApiFixture(xpApi(() => data));
	});
	after(() => api.stop());
	const read = (items: unknown, entry: Record<string, unknown> = {}) => {
		data = Array.isArray(items) ? { data: items } : items;
		return collect(
			sourceOf({ type: "xp-funds", url: `${api.url}${fundsPath}${query}`, ...entry }),
			browserHeaders,
		);
	};

	it("reads numbers sent as Brazilian-formatted strings; percents become fractions", async () => {
		const parsed = await read([
			xpFund({
				minimalInitialInvestment: "1.000,00",
				administrationRate: "0,80",
				maxPerformanceRate: "20,00",
				profitability12: "13,4",
				xpRisk: "3",
				redemptionQuotationDays: "30",
				redemptionSettlementDays: "1",
			}),
		]);
		assert.deepEqual(parsed.unparsed, []);
		assert.deepEqual(parsed.products, [
			{
				id: "xp:fund:6f1c2a7e-0000-4000-8000-000000000001",
				source: "xp",
				category: "fund",
				nativeId: "6f1c2a7e-0000-4000-8000-000000000001",
				name: "XP Crédito Estruturado 360 FIC FIM CP",
				description: "Superar o CDI no longo prazo.",
				riskLevel: 3,
				minimumInvestment: 1000,
				fundType: "Crédito Privado",
				adminFee: 0.008,
				performanceFee: 0.2,
				return12m: 0.134,
				cnpj: "26673556000132",
				benchmark: "CDI",
				redemptionDays: 31,
				audience: "general",
				openToInvestment: true,
				collectedAt,
			} satisfies Product,
		]);
	});

	it("reads fundingBlocked as closed to new money", async () => {
		const parsed = await read([
			xpFund({ id: 1, fundingBlocked: true }),
			xpFund({ id: 2, fundingBlocked: false }),
			xpFund({ id: 3, fundingBlocked: "true" }),
			xpFund({ id: 4, fundingBlocked: undefined }),
		]);
		assert.deepEqual(
			parsed.products.map((p) => [p.nativeId, p.openToInvestment]),
			[
				["1", false],
				["2", true],
				["3", false],
				["4", true],
			],
		);
	});

	it("reads onlyQualified and onlyProfessional as the audience; professional wins", async () => {
		const parsed = await read([
			xpFund({ id: 1, onlyQualified: false, onlyProfessional: false }),
			xpFund({ id: 2, onlyQualified: true, onlyProfessional: false }),
			xpFund({ id: 3, onlyQualified: false, onlyProfessional: true }),
			xpFund({ id: 4, onlyQualified: true, onlyProfessional: true }),
			xpFund({ id: 5, onlyQualified: "S", onlyProfessional: "N" }),
			xpFund({ id: 6, onlyQualified: "talvez", onlyProfessional: false }),
		]);
		assert.deepEqual(
			parsed.products.map((p) => [p.nativeId, p.audience]),
			[
				["1", "general"],
				["2", "qualified"],
				["3", "professional"],
				["4", "professional"],
				["5", "qualified"],
				["6", "general"],
			],
		);
		assert.deepEqual(parsed.unparsed, ['#6: onlyQualified "talvez"']);
	});

	it("keeps only the funds XP features when featuredOnly", async () => {
		const parsed = await read(
			[
				xpFund({ id: 1, isSuggested: true }),
				xpFund({ id: 2, isSuggested: false }),
				xpFund({ id: 3, isSuggested: "true" }),
			],
			{ featuredOnly: true },
		);
		assert.deepEqual(
			parsed.products.map((p) => p.nativeId),
			["1", "3"],
		);
		assert.deepEqual(parsed.skipped, ["#2: not featured by XP (featuredOnly)"]);
	});

	it("fails a changed shape by name, never as an empty run", async () => {
		await assert.rejects(read({ items: [xpFund()] }), {
			name: "SourceFormatError",
			message: "expected {data:[…]}, got {items}",
		});
		data = [xpFund()];
		await assert.rejects(
			collect(sourceOf({ type: "xp-funds", url: `${api.url}${fundsPath}${query}` }), browserHeaders),
			(err: Error) => err instanceof SourceFormatError && err.message === "expected {data:[…]}, got an array",
		);
	});
});

describe("xp-funds: the bundled snapshot", () => {
	it("reads every fund, the qualified ones among them", async () => {
		const source = sourceOf({ type: "sample", of: "xp-funds", snapshot: "xp-funds.json" });
		const parsed = await collect(source, {});
		// The 13th is a fund BTG's snapshot lists too: the demo shows one product at two venues.
		assert.equal(parsed.products.length, 13);
		assert.deepEqual(parsed.unparsed, []);
		assert.deepEqual(
			parsed.products.filter((p) => p.audience === "qualified").map((p) => p.name),
			["Legacy Capital Advisory FIC FIM", "SPX Nimitz Feeder FIC FIM"],
		);
	});
});
