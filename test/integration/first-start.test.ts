/**
 * A newcomer's first start of the embedded default: the bundled sources file
 * (config/sources.json: BTG, XP, Tesouro Direto, Open Insurance pension, the CVM registry
 * and the house list) with its hosts moved to loopback, each answering in its real format,
 * a fresh DATA_DIR, nobody pressing "run now". Products of all six classes arrive within the
 * minute when the sources answer; when every source refuses, the API the SPA reads names
 * each failed source and why.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { defaultSourcesFile } from "../../config.ts";
import {
	type ApiFixture,
	btgFundV2,
	btgPageV2,
	startApiFixture,
	startBrokerFixture,
	xpFund,
} from "../fixtures/brokers.ts";
import { registry } from "../fixtures/cvm-registry.ts";
import { fund, lifePensionPath, organisation, plan, startPensionHost } from "../fixtures/opin-insurance.ts";
import { startYahooFixture, type YahooFixtureServer } from "../fixtures/yahoo.ts";
import {
	freePort,
	getJson,
	type RunningSystem,
	sharedClock,
	startSystem,
	tempDir,
	waitFor,
} from "../harness.ts";

interface SourceEntry {
	name: string;
	url?: string;
	offersUrl?: string;
	path?: string;
	enabled?: boolean;
}

const moved = (address: string, origin: string) => {
	const url = new URL(address);
	return `${origin}${url.pathname}${url.search}`;
};

/** The bundled sources file, every host replaced by `origin`, every file made absolute. */
function bundledSourcesAt(origin: string, dir: string, missingFiles = false): string {
	const raw = JSON.parse(readFileSync(defaultSourcesFile, "utf8")) as { sources: SourceEntry[] };
	for (const source of raw.sources) {
		if (source.url) source.url = moved(source.url, origin);
		if (source.offersUrl) source.offersUrl = moved(source.offersUrl, origin);
		if (source.path)
			source.path = missingFiles
				? join(dir, "missing.csv")
				: join(join(defaultSourcesFile, ".."), source.path);
	}
	const file = join(dir, "sources.json");
	writeFileSync(file, JSON.stringify(raw));
	return file;
}

describe("the embedded default's first start", () => {
	const cleanups: (() => Promise<void> | void)[] = [];
	after(async () => {
		for (const cleanup of cleanups.reverse()) await cleanup();
	});

	it("collects at start: products of all six classes within a minute without anyone asking", {
		timeout: 90_000,
	}, async () => {
		const now = sharedClock.now();
		const day = (daysBefore: number) => {
			const iso = new Date(now - daysBefore * 86_400_000).toISOString();
			return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
		};
		const pension = await startPensionHost({
			companies: [
				{
					name: "Horizonte Vida e Previdência S.A.",
					cnpjNumber: "30214576000148",
					products: [
						plan({
							name: "Horizonte PGBL",
							code: "HZ-1",
							type: "PGBL",
							susep: "15414.900001/2020-11",
							funds: [fund({ cnpj: "52347698000202", name: "Horizonte Prev RF FIC FI", adminFee: "1.2" })],
							minimums: [["100.00", "Contribuição mensal"]],
						}),
					],
				},
			],
		});
		const pensionEndpoint = `${pension.url}${lifePensionPath}`;
		const site: ApiFixture = await startApiFixture(({ url, headers }) => {
			switch (url.pathname) {
				case "/services/api/funds-public/public/funds/list/v2":
					return {
						body: btgPageV2([btgFundV2(), btgFundV2({ CNPJ: "12345678000195", Name: "BTG Dois FIM" })], 1),
					};
				case "/investment-funds/yield-portal/v2/investment-funds":
					return headers["ocp-apim-subscription-key"] === "xp-key-for-tests" && headers.origin
						? { body: { data: [xpFund()] } }
						: { status: 403, body: { message: "Forbidden" } };
				case "/ckan/dataset/df56aa42-484a-4a59-8184-7676580c81e3/resource/796d2059-14e9-44e3-80c9-2d9e30b405c1/download/PrecoTaxaTesouroDireto.csv":
					return {
						contentType: "text/csv",
						body: [
							"Tipo Titulo;Data Vencimento;Data Base;Taxa Compra Manha;Taxa Venda Manha;PU Compra Manha;PU Venda Manha;PU Base Manha",
							`Tesouro Selic;01/03/2029;${day(1)};0,0521;0,0621;17274,80;17260,10;17255,02`,
							`Tesouro IPCA+;15/05/2035;${day(1)};7,12;7,24;1834,56;1820,12;1819,88`,
						].join("\r\n"),
					};
				case "/documents/d/guest/rendimento-investir-csv":
					return {
						contentType: "text/csv; charset=utf-8",
						body: [
							"\uFEFFTítulo;Rendimento anual do título;Investimento mínimo;Preço unitário de investimento;Vencimento do Título",
							"Tesouro Selic 2029;SELIC + 0,0521%;R$ 172,74;R$ 17.274,80;01/03/2029",
							"Tesouro IPCA+ 2035;IPCA + 7,12%;R$ 18,34;R$ 1.834,56;15/05/2035",
						].join("\n"),
					};
				case "/participants":
					return {
						body: [
							organisation({
								id: "org-horizonte",
								name: "HORIZONTE VIDA E PREVIDENCIA S.A.",
								cnpj: "30214576000148",
								servers: [[["products-services_life-pension", "2.0.0", [pensionEndpoint]]]],
							}),
						],
					};
				case "/dados/FI/CAD/DADOS/registro_fundo_classe.zip":
					return { contentType: "application/zip", body: registry({ funds: [], classes: [] }) };
				default:
					return { status: 404, body: { message: "not found" } };
			}
		});
		const yahoo: YahooFixtureServer = await startYahooFixture([]);
		const dir = tempDir();
		cleanups.push(
			() => site.stop(),
			() => pension.stop(),
			() => yahoo.close(),
			() => dir.remove(),
		);
		const started = performance.now();
		const system: RunningSystem = await startSystem({
			DATA_DIR: join(dir.path, "data"),
			SOURCES_FILE: bundledSourcesAt(site.url, dir.path),
			XP_API_KEY: "xp-key-for-tests",
			YAHOO_BASE_URL: yahoo.url,
		});
		cleanups.push(() => system.stop());

		const products = await waitFor(
			async () => {
				const { body } = await getJson(`${system.url}/api/products?pageSize=100`);
				const categories = new Set(body.rows.map((p: { category: string }) => p.category));
				return categories.size === 6 && body;
			},
			{ timeoutMs: 60_000, what: "products of all six classes from the bundled sources" },
		);
		assert.ok(performance.now() - started < 60_000);
		// A fund BTG and XP both sell is one product with both venues (docs/venues.md).
		const sources = new Set(
			products.rows.flatMap((p: { source: string; venues?: object }) =>
				Object.keys(p.venues ?? { [p.source]: 1 }),
			),
		);
		for (const name of ["btg-funds", "xp-funds", "tesouro-direto", "opin-pension", "house-picks"])
			assert.ok(sources.has(name), name);

		// The run's summary is stored once its publication is out: a moment after the products.
		const runs = await waitFor(
			async () => {
				const res = await getJson(`${system.url}/api/collector/runs`);
				return res.body.total > 0 && res;
			},
			{ what: "the run's summary" },
		);
		assert.equal(runs.body.total, 1, "one run, at start");
		assert.equal(runs.body.rows[0].trigger, "schedule");
		assert.equal(runs.body.rows[0].sources["cvm-funds"].status, "ok", "the registry read in that run");
		const status = await getJson(`${system.url}/api/collector/status`);
		assert.deepEqual(status.body.failing, []);
		assert.ok(status.body.sources.every((s: { status: string }) => s.status === "ok"));
	});

	it("names every source that refused, and why, where the SPA reads it", { timeout: 90_000 }, async () => {
		// BTG's host refuses connections; XP's answers 403 (no browser headers, SOURCES.md).
		const closedPort = await freePort();
		const site = await startBrokerFixture({
			"/investment-funds/yield-portal/v2/investment-funds": { status: 403, body: '{"message":"Forbidden"}' },
		});
		const dir = tempDir();
		cleanups.push(
			() => site.stop(),
			() => dir.remove(),
		);
		const sourcesFile = bundledSourcesAt(site.url, dir.path, true);
		const raw = JSON.parse(readFileSync(sourcesFile, "utf8")) as { sources: SourceEntry[] };
		const btg = raw.sources.find((s) => s.name === "btg-funds") as SourceEntry;
		btg.url = `http://127.0.0.1:${closedPort}${new URL(btg.url as string).pathname}`;
		writeFileSync(sourcesFile, JSON.stringify({ ...raw, limits: { retries: 0, backoffMs: 10 } }));

		const system = await startSystem({
			DATA_DIR: join(dir.path, "data"),
			SOURCES_FILE: sourcesFile,
			XP_API_KEY: "xp-key-for-tests",
			PRICES_PROVIDER: "sample",
		});
		cleanups.push(() => system.stop());

		const status = await waitFor(
			async () => {
				const { body } = await getJson(`${system.url}/api/collector/status`);
				return body.lastRunAt && body;
			},
			{ timeoutMs: 60_000, what: "the first run's outcome" },
		);
		assert.deepEqual([...status.failing].sort(), [
			"btg-funds",
			"house-picks",
			"opin-pension",
			"tesouro-direto",
			"xp-funds",
		]);
		const byName = Object.fromEntries(status.sources.map((s: { name: string }) => [s.name, s]));
		assert.equal(byName["btg-funds"].problem.kind, "unreachable");
		assert.match(byName["btg-funds"].problem.detail, /ECONNREFUSED/);
		assert.equal(byName["xp-funds"].problem.kind, "http");
		assert.equal(byName["xp-funds"].problem.httpStatus, 403);
		assert.equal(byName["house-picks"].status, "failed");
		assert.ok(byName["house-picks"].problem.detail.length > 0);
		const products = await getJson(`${system.url}/api/products`);
		assert.equal(products.body.total, 0);
	});
});
