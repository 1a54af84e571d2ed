/**
 * The collector against a broker website on loopback that answers in the real formats:
 * field-by-field normalization per adapter, bad and hostile input, politeness, change
 * detection, enrichment and the REST surface, all through a running system.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import type { ServiceBroker } from "moleculer";
import type { CollectorRunSummary } from "../../domain/contracts.ts";
import type { Product } from "../../domain/product.ts";
import {
	type BrokerFixture,
	btgFund,
	offerRow,
	offersDefinition,
	offersPage,
	startBrokerFixture,
	xpFund,
} from "../fixtures/brokers.ts";
import { startYahooFixture, tradingDays, type YahooFixtureServer } from "../fixtures/yahoo.ts";
import { getJson, type RunningSystem, sharedClock, startSystem, tempDir } from "../harness.ts";

const token = "test-operator-token-0123456789";
const samples = new URL("../../services/collector/samples/", import.meta.url).pathname;
const fixedIncome = offersDefinition;
const coe = JSON.parse(
	readFileSync(new URL("../../config/examples/broker-pages.json", import.meta.url), "utf8"),
).sources.find((s: { name: string }) => s.name === "coe-offers");

function sourcesFile(dir: string, sources: object[], extra: object = {}): string {
	const file = join(dir, `sources-${Math.random().toString(36).slice(2)}.json`);
	writeFileSync(
		file,
		JSON.stringify({
			limits: { timeoutMs: 2_000, retries: 2, backoffMs: 20, maxBytes: 1_000_000, perHostConcurrency: 2 },
			enrichment: { deadlineMs: 3_000 },
			...extra,
			sources,
		}),
	);
	return file;
}

async function run(system: RunningSystem, body: object = {}, auth = `Bearer ${token}`) {
	return getJson(`${system.url}/api/collector/run`, {
		method: "POST",
		headers: { authorization: auth, "content-type": "application/json" },
		body: JSON.stringify(body),
	});
}

async function product(broker: ServiceBroker, id: string): Promise<Product> {
	return broker.call("products.get", { id });
}

describe("collector adapters against a local broker site", () => {
	let site: BrokerFixture;
	let system: RunningSystem;
	const dir = tempDir();
	const published: string[] = [];

	before(async () => {
		site = await startBrokerFixture({
			"/funds/": {
				body: JSON.stringify([
					btgFund(),
					btgFund(
						{
							id: 30999,
							product: "BTG Pactual Absoluto <script>alert('x')</script>Institucional FIC FIA",
							riskLevel: 4,
							minimumInitialInvestment: "R$ 5.000,00",
							cnpj: "11977794000164",
						},
						{
							administrationFee: 2,
							performanceFee: 20,
							rescueQuota: "D+30",
							rescuefinancialSettlement: "D+2",
							categoryDescription: "Ações",
						},
					),
					btgFund({ id: 31000, product: "Sem taxa legível", riskLevel: 9 }, { administrationFee: "abc" }),
					btgFund({
						id: 31001,
						product: `<img src=x onerror=alert(1)>${"Nome enorme ".repeat(20_000)}`,
						description: `<style>body{}</style>${"<b>texto</b> ".repeat(25_000)}`,
					}),
					btgFund({ id: undefined, product: "Sem id" }),
					"not an object",
				]),
			},
			"/xp": {
				requireHeader: ["ocp-apim-subscription-key", "xp-secret-key"],
				body: JSON.stringify({
					data: [
						xpFund(),
						xpFund({ id: 77, name: "XP Não Destacado FIM", isSuggested: false }),
						xpFund({ id: 78, name: "XP Sem Retorno", profitability12: null, administrationRate: "1.5" }),
					],
				}),
			},
			"/renda-fixa": {
				contentType: "text/html; charset=utf-8",
				body: offersPage([
					offerRow(),
					offerRow({
						type: "LCI",
						product: "LCI Banco Aurora",
						issuer: "Banco Aurora",
						rate: "IPCA + 6,15%",
						maturity: "02/08/2030",
						minimum: "R$ 50.000,00",
						liquidity: "D+30",
						tax: "Isento",
						risk: "2",
						href: "javascript:alert(1)",
					}),
					offerRow({
						product: "CDB Juros Estranhos",
						rate: "muito% do CDI",
						minimum: "R$ abc",
						maturity: "01/02/2029",
					}),
					offerRow({ product: "CDB Data Impossível", maturity: "31/02/2029" }),
					offerRow({ product: "" }),
					offerRow({ type: "CDB", product: "CDB Pré", rate: "Pré 12,4%", maturity: "10/10/2029" }),
				]),
			},
			"/coe": { contentType: "text/html", body: readFileSync(join(samples, "coe.html")) },
			"/latin1": {
				contentType: "text/html; charset=ISO-8859-1",
				body: Buffer.from(
					offersPage([offerRow({ product: "CDB Ação Pré-fixado", issuer: "Banco São João" })], ""),
					"latin1",
				),
			},
			"/broken.json": { body: '[{"id": 1, "product": "x"' },
			"/down": { status: 500, body: "oops" },
			"/slow": { delayMs: 5_000, body: "[]" },
			"/huge": { body: JSON.stringify([btgFund({ description: "x".repeat(2_000_000) })]) },
		});
		writeFileSync(
			join(dir.path, "picks.csv"),
			Buffer.from(
				"ticker;category;name;sector;segment;note\nPETR4;stock;Petrobras;Petróleo e Gás;;Ação favorita\nHGLG11;reit;CSHG Logística;;Logística;\nXYZ;stock;Inválido;;;\nITUB4;banana;Itaú;;;\n",
				"latin1",
			),
		);
		writeFileSync(
			join(dir.path, "picks.json"),
			JSON.stringify(["VALE3", { ticker: "MXRF11", category: "reit" }]),
		);
		const file = sourcesFile(dir.path, [
			{
				name: "btg",
				type: "btg-funds",
				url: `${site.url}/funds/`,
				productUrl: "https://btg.example/fundos/{id}",
			},
			{
				name: "xp",
				type: "xp-funds",
				url: `${site.url}/xp`,
				// biome-ignore lint/suspicious/noTemplateCurlyInString: the sources file's own ${VAR} syntax.
				headers: { "ocp-apim-subscription-key": "${XP_API_KEY}" },
				featuredOnly: true,
			},
			{
				name: "xp-nokey",
				type: "xp-funds",
				url: `${site.url}/xp`,
				// biome-ignore lint/suspicious/noTemplateCurlyInString: the sources file's own ${VAR} syntax.
				headers: { "ocp-apim-subscription-key": "${XP_NOT_SET}" },
			},
			{ name: "offers", type: "html", url: `${site.url}/renda-fixa`, ...fixedIncome },
			{ ...coe, name: "coe", url: `${site.url}/coe`, enabled: true },
			{ name: "latin1", type: "html", url: `${site.url}/latin1`, ...fixedIncome },
			{ name: "picks", type: "file", path: "picks.csv" },
			{ name: "picks-json", type: "file", path: "picks.json" },
			{ name: "broken", type: "btg-funds", url: `${site.url}/broken.json` },
			{ name: "down", type: "btg-funds", url: `${site.url}/down` },
			{ name: "slow", type: "btg-funds", url: `${site.url}/slow`, limits: { timeoutMs: 300, retries: 0 } },
			{ name: "huge", type: "btg-funds", url: `${site.url}/huge` },
		]);
		system = await startSystem({
			SOURCES_FILE: file,
			OPERATOR_TOKEN: token,
			XP_API_KEY: "xp-secret-key",
			PRICES_PROVIDER: "sample",
		});
		system.broker.createService({
			name: "listener",
			events: {
				"products.published"(ctx) {
					published.push((ctx.params as { publicationId: string }).publicationId);
				},
			},
		});
	});
	after(async () => {
		await system.stop();
		await site.stop();
		dir.remove();
	});

	let summary: CollectorRunSummary;
	it("runs every source; failing sources are recorded and the others still publish", async () => {
		const res = await run(system);
		assert.equal(res.status, 200, JSON.stringify(res.body));
		summary = res.body;
		const { sources } = summary;
		assert.equal(sources.broken?.status, "failed");
		assert.match(sources.broken?.errors[0] ?? "", /not valid JSON/);
		assert.equal(sources.down?.status, "failed");
		assert.match(sources.down?.errors[0] ?? "", /HTTP 500 after 3 attempts/);
		assert.equal(sources.slow?.status, "failed");
		assert.match(sources.slow?.errors[0] ?? "", /timed out after 300 ms/);
		assert.equal(sources.huge?.status, "failed");
		assert.match(sources.huge?.errors[0] ?? "", /over the 1000000-byte limit/);
		assert.equal(sources["xp-nokey"]?.status, "skipped");
		assert.match(sources["xp-nokey"]?.errors[0] ?? "", /XP_NOT_SET is not set/);
		for (const name of ["btg", "xp", "offers", "coe", "latin1", "picks", "picks-json"])
			assert.equal(sources[name]?.status, "ok", name);
		assert.ok(summary.publicationId);
		const publication = await system.broker.call<{ productIds: string[] }, object>("publications.get", {
			id: summary.publicationId,
		});
		assert.equal(publication.productIds.length, summary.published);
		assert.deepEqual(published, [summary.publicationId]);
	});

	it("btg-funds: every field normalized; bad items skipped or left empty with a reason", async () => {
		const fund = await product(system.broker, "btg:fund:30999");
		assert.equal(fund.name, "BTG Pactual Absoluto Institucional FIC FIA");
		assert.equal(fund.category, "fund");
		assert.equal(fund.riskLevel, 4);
		assert.equal(fund.minimumInvestment, 5000);
		assert.equal(fund.category === "fund" && fund.adminFee, 0.02);
		assert.equal(fund.category === "fund" && fund.performanceFee, 0.2);
		assert.equal(fund.category === "fund" && fund.redemptionDays, 32);
		assert.equal(fund.category === "fund" && fund.fundType, "Ações");
		assert.equal(fund.category === "fund" && fund.cnpj, "11977794000164");
		assert.equal(fund.issuer, "BTG Pactual Asset Management S.A. DTVM");
		assert.equal(fund.url, "https://btg.example/fundos/30999");
		const plain = await product(system.broker, "btg:fund:30123");
		assert.equal(plain.category === "fund" && plain.cnpj, "09215250000113");
		assert.equal(plain.category === "fund" && plain.redemptionDays, 0);

		const unreadable = await product(system.broker, "btg:fund:31000");
		assert.equal(unreadable.riskLevel, undefined);
		assert.equal(unreadable.category === "fund" && unreadable.adminFee, undefined);
		const huge = await product(system.broker, "btg:fund:31001");
		assert.ok(huge.name.length <= 200 && huge.name.startsWith("Nome enorme"), "markup stripped, length cut");
		assert.ok((huge.description?.length ?? 0) <= 2000);
		assert.ok(!/[<>]/.test(`${huge.name}${huge.description}`));
		const btg = summary.sources.btg;
		assert.equal(btg?.fetched, 6);
		assert.equal(btg?.normalized, 4);
		assert.equal(btg?.skipped, 2);
		assert.ok(btg?.skippedReasons.some((r) => /no id/.test(r)));
		assert.ok(btg?.skippedReasons.some((r) => /not an object/.test(r)));
		assert.ok(btg?.unparsedExamples.includes('#31000: riskLevel "9"'), JSON.stringify(btg?.unparsedExamples));
		assert.ok(btg?.unparsedExamples.includes('#31000: adminFee "abc"'));
	});

	it("xp-funds: sends the key header, reads string numbers, keeps only featured funds when asked", async () => {
		const xpRequests = site.requests.filter((r) => r.path === "/xp");
		assert.ok(xpRequests.every((r) => r.headers["ocp-apim-subscription-key"] === "xp-secret-key"));
		const fund = await product(system.broker, "xp:fund:6f1c2a7e-0000-4000-8000-000000000001");
		assert.equal(fund.minimumInvestment, 1000);
		assert.equal(fund.return12m, 0.134);
		assert.equal(fund.riskLevel, 3);
		assert.equal(fund.category === "fund" && fund.adminFee, 0.008);
		assert.equal(fund.category === "fund" && fund.redemptionDays, 31);
		assert.equal(fund.category === "fund" && fund.benchmark, "CDI");
		assert.equal(fund.category === "fund" && fund.fundType, "Crédito Privado");
		assert.equal(fund.description, "Superar o CDI no longo prazo.");
		const noReturn = await product(system.broker, "xp:fund:78");
		assert.equal(noReturn.return12m, undefined);
		assert.equal(noReturn.category === "fund" && noReturn.adminFee, 0.015);
		assert.equal(summary.sources.xp?.skipped, 1);
		assert.match(summary.sources.xp?.skippedReasons[0] ?? "", /#77: not featured/);
	});

	it("html: a declarative page definition reads every field; unreadable values stay empty", async () => {
		const { rows } = (await getJson(`${system.url}/api/products?category=fixed_income&pageSize=100`))
			.body as {
			rows: Product[];
		};
		const byName = new Map(rows.filter((p) => p.source === "offers").map((p) => [p.name, p]));
		assert.deepEqual([...byName.keys()].sort(), [
			"CDB Banco Teste",
			"CDB Juros Estranhos",
			"CDB Pré",
			"LCI Banco Aurora",
		]);
		const lci = byName.get("LCI Banco Aurora");
		assert.ok(lci?.category === "fixed_income");
		assert.deepEqual(lci.rate, { index: "IPCA", spread: 0.0615 });
		assert.equal(lci.maturityDate, "2030-08-02");
		assert.equal(lci.minimumInvestment, 50_000);
		assert.equal(lci.redemptionDays, 30);
		assert.equal(lci.taxExempt, true);
		assert.equal(lci.instrument, "LCI");
		assert.equal(lci.riskLevel, 2);
		assert.equal(lci.url, undefined, "javascript: links are dropped");
		const cdb = byName.get("CDB Banco Teste");
		assert.ok(cdb?.category === "fixed_income");
		assert.deepEqual(cdb.rate, { index: "CDI", percentOfIndex: 1.1 });
		assert.equal(cdb.redemptionDays, undefined, "No vencimento: no early redemption");
		assert.equal(cdb.url, `${site.url}/renda-fixa/cdb-banco-teste`);
		assert.deepEqual((byName.get("CDB Pré") as { rate?: object }).rate, { index: "PRE", spread: 0.124 });
		const odd = byName.get("CDB Juros Estranhos") as {
			rate?: object;
			minimumInvestment?: number;
			maturityDate?: string;
		};
		assert.equal(odd.rate, undefined);
		assert.equal(odd.minimumInvestment, undefined);
		assert.equal(odd.maturityDate, "2029-02-01");
		const offers = summary.sources.offers;
		assert.equal(offers?.fetched, 6, "the <tr> inside a <script> is not an item");
		assert.equal(offers?.skipped, 2);
		// Without its maturity the offer cannot be told apart from others on the next run.
		assert.match(
			offers?.skippedReasons[0] ?? "",
			/item 4 \("CDB Data Impossível"\): key field maturityDate missing \(unreadable "31\/02\/2029"\)/,
		);
		assert.match(offers?.skippedReasons[1] ?? "", /item 5: key field name missing/);
		assert.ok(offers?.unparsedExamples.some((e) => /rate "muito% do CDI"/.test(e)));
	});

	it("html: the shipped COE definition reads the COE page", async () => {
		const { rows } = (await getJson(`${system.url}/api/products?category=coe&pageSize=100`)).body as {
			rows: Product[];
		};
		assert.equal(rows.length, 5);
		const sp = rows.find((p) => p.category === "coe" && p.underlying === "S&P 500");
		assert.ok(sp?.category === "coe", "entities decoded");
		assert.equal(typeof sp.protectedCapital, "boolean");
		assert.ok((sp.termDays ?? 0) > 0);
		assert.match(sp.maturityDate ?? "", /^\d{4}-\d{2}-\d{2}$/);
		assert.ok((sp.minimumInvestment ?? 0) > 0);
		assert.ok(sp.url?.startsWith(`${site.url}/coe/`));
	});

	it("decodes a latin-1 page by its declared charset", async () => {
		const { rows } = (await getJson(`${system.url}/api/products?q=Ação&pageSize=100`)).body as {
			rows: Product[];
		};
		const cdb = rows.find((p) => p.source === "latin1");
		assert.equal(cdb?.name, "CDB Ação Pré-fixado");
		assert.equal(cdb?.issuer, "Banco São João");
	});

	it("file: CSV (latin-1, ';') and JSON lists of tickers become stocks and FIIs", async () => {
		const petr = await product(system.broker, "picks:stock:PETR4");
		assert.equal(petr.category === "stock" && petr.sector, "Petróleo e Gás");
		assert.equal(petr.description, "Ação favorita");
		assert.equal(petr.name, "Petrobras");
		const hglg = await product(system.broker, "picks:reit:HGLG11");
		assert.equal(hglg.category === "reit" && hglg.segment, "Logística");
		const picks = summary.sources.picks;
		assert.equal(picks?.skipped, 2);
		assert.ok(picks?.skippedReasons.some((r) => /row 3: "XYZ" is not a B3 ticker/.test(r)));
		assert.ok(picks?.skippedReasons.some((r) => /row 4: category "banana" is unknown/.test(r)));
		const mxrf = await product(system.broker, "picks-json:reit:MXRF11");
		assert.equal(mxrf.name, "MXRF11");
		assert.equal(summary.sources["picks-json"]?.skipped, 1, "a ticker without a category is not guessed");
	});

	it("enriches stocks and FIIs with metrics in one call", async () => {
		const petr = await product(system.broker, "picks:stock:PETR4");
		assert.ok(petr.category === "stock" && petr.metrics);
		assert.equal(petr.metrics.ticker, "PETR4");
		assert.equal(summary.enrichment.enriched, 3);
	});

	it("sends its User-Agent on every request", () => {
		assert.ok(site.requests.length > 0);
		assert.ok(site.requests.every((r) => r.headers["user-agent"]?.startsWith("InsightsCollector/")));
	});

	it("publishes nothing when nothing changed, and exactly the changed product when a fee changes", async () => {
		const again = (await run(system, { sources: ["btg", "offers"] })).body as CollectorRunSummary;
		assert.equal(again.publicationId, undefined);
		assert.equal(again.published, 0);
		assert.equal(again.sources.btg?.unchanged, 4);
		assert.equal(again.sources.offers?.unchanged, 4);
		assert.equal(published.length, 1, "no event without a publication");

		const route = site.routes.get("/funds/");
		assert.ok(route);
		route.body = String(route.body).replace('"administrationFee":2,', '"administrationFee":1.5,');
		const changed = (await run(system, { sources: ["btg", "offers"] })).body as CollectorRunSummary;
		assert.equal(changed.sources.btg?.changed, 1);
		assert.equal(changed.sources.btg?.unchanged, 3);
		const publication = await system.broker.call<{ productIds: string[] }, object>("publications.get", {
			id: changed.publicationId,
		});
		assert.deepEqual(publication.productIds, ["btg:fund:30999"]);
		const fund = await product(system.broker, "btg:fund:30999");
		assert.equal(fund.category === "fund" && fund.adminFee, 0.015);
		assert.equal(published.at(-1), changed.publicationId);
	});

	it("keeps every run's summary: GET /api/collector/runs, newest first", async () => {
		const { status, body } = await getJson(`${system.url}/api/collector/runs?pageSize=2`);
		assert.equal(status, 200);
		assert.equal(body.total, 3);
		assert.equal(body.rows.length, 2);
		assert.equal(body.rows[1].published, 0);
		assert.equal(body.rows[0].sources.btg.changed, 1);
	});

	it("lists sources without their headers: GET /api/collector/sources", async () => {
		const { status, body } = await getJson(`${system.url}/api/collector/sources`);
		assert.equal(status, 200);
		const xp = body.find((s: { name: string }) => s.name === "xp");
		assert.deepEqual(xp, {
			name: "xp",
			type: "xp-funds",
			format: "xp-funds",
			enabled: true,
			location: `${site.url}/xp`,
		});
		assert.ok(!JSON.stringify(body).includes("xp-secret-key"));
	});

	it("refuses runs without the operator token, and unknown sources, changing nothing", async () => {
		const runs = (await getJson(`${system.url}/api/collector/runs`)).body.total;
		const missing = await run(system, {}, "");
		assert.equal(missing.status, 401);
		assert.match(missing.body.error.message, /Authorization: Bearer/);
		const wrong = await run(system, {}, "Bearer not-the-operator-token");
		assert.equal(wrong.status, 403);
		const unknown = await run(system, { sources: ["nope"] });
		assert.equal(unknown.status, 422);
		assert.match(unknown.body.error.message, /Unknown source "nope"/);
		assert.equal((await getJson(`${system.url}/api/collector/runs`)).body.total, runs);
	});
});

describe("collector runs: overlap, politeness, retries and enrichment deadline", () => {
	let site: BrokerFixture;
	let yahoo: YahooFixtureServer;
	const dir = tempDir();
	let system: RunningSystem;

	before(async () => {
		const today = new Date(sharedClock.now()).toISOString().slice(0, 10);
		const days = tradingDays(`${Number(today.slice(0, 4)) - 2}${today.slice(4)}`, today, (i) => 10 + i / 100);
		yahoo = await startYahooFixture([{ symbol: "PETR4.SA", days }]);
		site = await startBrokerFixture({
			"/a": { delayMs: 150, body: JSON.stringify([btgFund({ id: 1 })]) },
			"/b": { delayMs: 150, body: JSON.stringify([btgFund({ id: 2 })]) },
			"/c": { delayMs: 150, body: JSON.stringify([btgFund({ id: 3 })]) },
			"/flaky": { body: JSON.stringify([btgFund({ id: 4 })]), failFirst: { count: 0, status: 503 } },
			"/slow": { delayMs: 1_500, body: "[]" },
		});
		writeFileSync(join(dir.path, "picks.json"), JSON.stringify([{ ticker: "PETR4", category: "stock" }]));
		const file = sourcesFile(
			dir.path,
			[
				{ name: "a", type: "btg-funds", url: `${site.url}/a` },
				{ name: "b", type: "btg-funds", url: `${site.url}/b` },
				{ name: "c", type: "btg-funds", url: `${site.url}/c` },
				{ name: "flaky", type: "btg-funds", url: `${site.url}/flaky` },
				{ name: "slow", type: "btg-funds", url: `${site.url}/slow`, enabled: false },
				{ name: "picks", type: "file", path: "picks.json" },
			],
			{
				limits: { timeoutMs: 2_000, retries: 3, backoffMs: 100, maxBytes: 100_000, perHostConcurrency: 1 },
				enrichment: { deadlineMs: 800 },
			},
		);
		system = await startSystem({
			SOURCES_FILE: file,
			OPERATOR_TOKEN: token,
			YAHOO_BASE_URL: yahoo.url,
			YAHOO_TIMEOUT_MS: "5000",
		});
	});
	after(async () => {
		await system.stop();
		await site.stop();
		await yahoo.close();
		dir.remove();
	});
	beforeEach(() => {
		site.requests.length = 0;
		site.maxConcurrent = 0;
	});

	it("asks one host at most perHostConcurrency requests at a time", async () => {
		const res = await run(system, { sources: ["a", "b", "c"] });
		assert.equal(res.status, 200);
		assert.equal(site.requests.length, 3);
		assert.equal(site.maxConcurrent, 1);
	});

	it("retries a source answering 503 with growing backoff, then reads it", async () => {
		const route = site.routes.get("/flaky");
		assert.ok(route?.failFirst);
		route.failFirst.count = 2;
		const res = await run(system, { sources: ["flaky"] });
		assert.equal(res.body.sources.flaky.status, "ok");
		assert.equal(res.body.sources.flaky.new, 1);
		const times = site.requests.map((r) => r.at);
		assert.equal(times.length, 3);
		const [t0 = 0, t1 = 0, t2 = 0] = times;
		assert.ok(t1 - t0 >= 90, `first backoff ${t1 - t0} ms`);
		assert.ok(t2 - t1 >= 190, `second backoff ${t2 - t1} ms`);
	});

	it("never runs twice at once: a second request while one runs gets 409", async () => {
		const first = run(system, { sources: ["slow"] });
		await new Promise((resolve) => setTimeout(resolve, 300));
		const second = await run(system, { sources: ["a"] });
		assert.equal(second.status, 409);
		assert.equal(second.body.error.type, "RUN_IN_PROGRESS");
		assert.equal((await first).status, 200);
		assert.equal((await run(system, { sources: ["a"] })).status, 200, "free again afterwards");
	});

	it("publishes stocks with metrics unavailable when market data misses the deadline", async () => {
		yahoo.delay(1_500);
		const started = Date.now();
		const res = await run(system, { sources: ["picks"] });
		const took = Date.now() - started;
		yahoo.delay(0);
		assert.equal(res.status, 200);
		assert.ok(took < 2_500, `the run waited ${took} ms for Yahoo`);
		assert.equal(res.body.published, 1);
		assert.equal(res.body.enrichment.unavailable, 1);
		const petr = await product(system.broker, "picks:stock:PETR4");
		assert.ok(petr.category === "stock");
		assert.equal(petr.metrics, undefined);
		assert.match(petr.metricsUnavailable ?? "", /Market data unavailable: no answer within 800 ms/);
	});

	it("adds the metrics on a later run once market data answers", async () => {
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		const res = await run(system, { sources: ["picks"] });
		assert.equal(res.body.enrichment.enriched, 1);
		assert.equal(res.body.sources.picks.changed, 1, "metrics appearing is a change");
		const petr = await product(system.broker, "picks:stock:PETR4");
		assert.ok(petr.category === "stock" && petr.metrics);
		assert.equal(petr.metricsUnavailable, undefined);
	});
});

describe("demo variation on sample sources", () => {
	const dir = tempDir();
	const sources = [
		{ name: "btg-funds", type: "sample", of: "btg-funds", snapshot: "btg-funds.json", vary: true },
		{ name: "offers", type: "sample", of: "html", snapshot: "fixed-income.html", vary: true, ...fixedIncome },
	];
	const file = sourcesFile(dir.path, sources);
	after(() => dir.remove());

	for (const variation of ["1", "0"]) {
		it(`DEMO_VARIATION=${variation}: ${variation === "1" ? "every run publishes a few moved products" : "a second run publishes nothing"}`, async () => {
			const system = await startSystem({ SOURCES_FILE: file, DEMO_VARIATION: variation });
			try {
				const runs: CollectorRunSummary[] = [];
				for (let i = 0; i < 4; i++) runs.push(await system.broker.call("collector.run", {}));
				assert.ok((runs[0]?.published ?? 0) >= 26, "the first run publishes the whole sample");
				const later = runs.slice(1).map((r) => r.published);
				if (variation === "1")
					assert.ok(
						later.every((n) => n >= 1 && n <= 8),
						`published ${later}`,
					);
				else assert.deepEqual(later, [0, 0, 0]);
			} finally {
				await system.stop();
			}
		});
	}
});
