/**
 * The btg-funds adapter against a loopback API that answers as BTG's public list does
 * (v2: `{ items, total_pages, total }` page by page, pages of at most 100), read through
 * the collector's own reader and HTTP client: one test per quirk of SOURCES.md.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Product } from "../../domain/product.ts";
import { adapters } from "../../services/collector/adapters/index.ts";
import { createHttp } from "../../services/collector/http.ts";
import { createReader, SourceFormatError } from "../../services/collector/reader.ts";
import { parseSources, type Source } from "../../services/collector/sources.ts";
import {
	type ApiFixture,
	type ApiRequest,
	btgFund,
	btgFundV2,
	btgPageV2,
	startApiFixture,
} from "../fixtures/brokers.ts";

const collectedAt = "2026-03-02T12:00:00.000Z";
const listPath = "/services/api/funds-public/public/funds/list/v2";
const fundPage = "https://investimentos.btgpactual.com/fundos-de-investimento/";

function sourceOf(entry: Record<string, unknown>): Source {
	const [source] = parseSources(
		JSON.stringify({ limits: { retries: 0, timeoutMs: 2_000 }, sources: [{ name: "btg", ...entry }] }),
		"/tmp/x.json",
	).sources;
	assert.ok(source);
	return source;
}

function collect(source: Source) {
	return adapters["btg-funds"](source, createReader(source, createHttp("InsightsTest/1.0"), {}), collectedAt);
}

/** What `collect` gives for a fund of the v2 list, before each test's own values. */
function product(cnpj: string, values: Partial<Record<string, unknown>>): Product {
	return {
		id: `btg:fund:${cnpj}`,
		source: "btg",
		category: "fund",
		nativeId: cnpj,
		cnpj,
		audience: "general",
		openToInvestment: true,
		collectedAt,
		...values,
	} as Product;
}

/** BTG's list over `funds`: pages of `size` (at most 100, as BTG), numbered from 1. */
function answerList(funds: unknown[]) {
	return ({ url }: ApiRequest) => {
		if (url.pathname !== listPath) return { status: 404, body: { message: "Not Found" } };
		const page = Number(url.searchParams.get("page"));
		const size = Number(url.searchParams.get("size"));
		if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > 100)
			return { status: 400, body: { message: "invalid page or size" } };
		const totalPages = Math.ceil(funds.length / size);
		return { body: btgPageV2(funds.slice((page - 1) * size, page * size), totalPages, funds.length) };
	};
}

const pagesAsked = (api: ApiFixture) =>
	api.requests.map((r) => [r.url.searchParams.get("page"), r.url.searchParams.get("size")]);

describe("btg-funds: the v2 list, page after page", () => {
	const funds = [
		btgFundV2({ CNPJ: "38.309.834/0001-56", Name: "Aurora Crédito Corporativo FIC FIRF CP" }),
		btgFundV2(
			{ CNPJ: "27928427000100", Name: "Bússola Macro FIC FIM" },
			{
				categoryBTG: "Multimercado",
				subcategoryBTG: "Macro",
				riskName: "ARROJADO",
				minimumInitialInvestment: 1000,
				numeroDiaFinanceiroResgate: 31,
			},
		),
		btgFundV2(
			{ CNPJ: "45.775.937/0001-77", Name: "Cais Tesouro Selic Simples FIRF" },
			{
				categoryBTG: "Renda Fixa",
				subcategoryBTG: null,
				riskName: "CONSERVADOR",
				minimumInitialInvestment: 100,
				numeroDiaFinanceiroResgate: 0,
			},
		),
		btgFundV2(
			{ CNPJ: "39151740000164", Name: "Farol Global Equities USD FIC FIA IE" },
			{
				categoryBTG: "Internacional",
				riskName: "SOFISTICADO",
				investmentType: "Investidores qualificados",
				minimumInitialInvestment: 5000,
				numeroDiaFinanceiroResgate: 8,
			},
		),
		btgFundV2(
			{ CNPJ: "20439986000108", Name: "Kappa Estratégia Cripto FIC FIM IE" },
			{
				categoryBTG: "Internacional",
				riskName: "SOFISTICADO",
				investmentType: "Investidores profissionais",
				minimumInitialInvestment: 100_000,
				numeroDiaFinanceiroResgate: 5,
			},
		),
	];
	let api: ApiFixture;
	before(async () => {
		api = await startApiFixture(answerList(funds));
	});
	after(() => api.stop());

	it("follows total_pages, asking each page with page and size, every other parameter kept", async () => {
		api.requests.length = 0;
		const parsed = await collect(
			sourceOf({
				type: "btg-funds",
				url: `${api.url}${listPath}?page=9&size=7&orderBy=NOME&sortingDirection=ASC`,
				pageSize: 2,
			}),
		);
		assert.deepEqual(pagesAsked(api), [
			["1", "2"],
			["2", "2"],
			["3", "2"],
		]);
		for (const { url } of api.requests) {
			assert.equal(url.searchParams.get("orderBy"), "NOME");
			assert.equal(url.searchParams.get("sortingDirection"), "ASC");
		}
		assert.deepEqual(parsed.skipped, []);
		assert.deepEqual(parsed.unparsed, []);
		assert.equal(parsed.fetched, 5);
		assert.deepEqual(parsed.products, [
			product("38309834000156", {
				name: "Aurora Crédito Corporativo FIC FIRF CP",
				fundType: "Renda Fixa",
				riskLevel: 2,
				minimumInvestment: 500,
				redemptionDays: 31,
				url: `${fundPage}aurora-credito-corporativo-fic-firf-cp`,
			}),
			product("27928427000100", {
				name: "Bússola Macro FIC FIM",
				fundType: "Multimercado",
				riskLevel: 4,
				minimumInvestment: 1000,
				redemptionDays: 31,
				url: `${fundPage}bussola-macro-fic-fim`,
			}),
			product("45775937000177", {
				name: "Cais Tesouro Selic Simples FIRF",
				fundType: "Renda Fixa",
				riskLevel: 1,
				minimumInvestment: 100,
				redemptionDays: 0,
				url: `${fundPage}cais-tesouro-selic-simples-firf`,
			}),
			product("39151740000164", {
				name: "Farol Global Equities USD FIC FIA IE",
				fundType: "Internacional",
				riskLevel: 5,
				minimumInvestment: 5000,
				redemptionDays: 8,
				audience: "qualified",
				url: `${fundPage}farol-global-equities-usd-fic-fia-ie`,
			}),
			product("20439986000108", {
				name: "Kappa Estratégia Cripto FIC FIM IE",
				fundType: "Internacional",
				riskLevel: 5,
				minimumInvestment: 100_000,
				redemptionDays: 5,
				audience: "professional",
				url: `${fundPage}kappa-estrategia-cripto-fic-fim-ie`,
			}),
		]);
	});

	it("asks pages of 100 unless the source sets pageSize", async () => {
		api.requests.length = 0;
		const parsed = await collect(sourceOf({ type: "btg-funds", url: `${api.url}${listPath}` }));
		assert.deepEqual(pagesAsked(api), [["1", "100"]]);
		assert.equal(parsed.products.length, 5);
	});
});

describe("btg-funds: paging is bounded", () => {
	it("stops at an empty page even when total_pages promises more", async () => {
		const api = await startApiFixture(({ url }) => {
			const page = Number(url.searchParams.get("page"));
			const items = page === 1 ? [btgFundV2()] : [];
			return { body: btgPageV2(items, 5, 5) };
		});
		try {
			const parsed = await collect(sourceOf({ type: "btg-funds", url: `${api.url}${listPath}` }));
			assert.deepEqual(pagesAsked(api), [
				["1", "100"],
				["2", "100"],
			]);
			assert.deepEqual(
				parsed.products.map((p) => p.nativeId),
				["38309834000156"],
			);
		} finally {
			await api.stop();
		}
	});

	it("reads 100 pages at most, and says what it left", async () => {
		const api = await startApiFixture(({ url }) => {
			const page = Number(url.searchParams.get("page"));
			const cnpj = String(10_000_000_000_000 + page);
			return { body: btgPageV2([btgFundV2({ CNPJ: cnpj, Name: `Fundo ${page}` })], 1_000, 1_000) };
		});
		try {
			const parsed = await collect(
				sourceOf({ type: "btg-funds", url: `${api.url}${listPath}`, pageSize: 1 }),
			);
			assert.equal(api.requests.length, 100);
			assert.equal(parsed.products.length, 100);
			assert.deepEqual(parsed.skipped, ["pages 101–1000: not read, the list is read 100 pages at most"]);
		} finally {
			await api.stop();
		}
	});
});

describe("btg-funds: the quirks of SOURCES.md, one by one", () => {
	let api: ApiFixture;
	/** The body the API answers next, for every page. */
	let body: unknown;
	before(async () => {
		api = await startApiFixture(() => ({ body }));
	});
	after(() => api.stop());
	const run = (v2: unknown[] | unknown, entry: Record<string, unknown> = {}) => {
		body = Array.isArray(v2) && entry.bare !== true ? btgPageV2(v2, 1) : v2;
		const { bare: _bare, ...rest } = entry;
		return collect(sourceOf({ type: "btg-funds", url: `${api.url}${listPath}`, ...rest }));
	};

	it("reads the CNPJ formatted or as digits: the digits are its id", async () => {
		const parsed = await run([
			btgFundV2({ CNPJ: "38.309.834/0001-56", Name: "Formatado FIRF" }),
			btgFundV2({ CNPJ: "48178770000155", Name: "Só Dígitos FIRF" }),
			btgFundV2({ CNPJ: "12.053.035/000", Name: "CNPJ Cortado FIRF" }),
		]);
		assert.deepEqual(
			parsed.products.map((p) => [p.id, p.nativeId, p.category === "fund" && p.cnpj]),
			[
				["btg:fund:38309834000156", "38309834000156", "38309834000156"],
				["btg:fund:48178770000155", "48178770000155", "48178770000155"],
			],
		);
		assert.deepEqual(parsed.unparsed, ['page 1 item 2 ("CNPJ Cortado FIRF"): cnpj "12.053.035/000"']);
		assert.deepEqual(parsed.skipped, [
			'page 1 item 2 ("CNPJ Cortado FIRF"): no id to recognise it by on the next run',
		]);
	});

	it("takes the CNPJ listed as is, a fund's or its class's (CVM Resolution 175): nothing is merged", async () => {
		// The same fund, once under the fund's CNPJ and once under its class's.
		const parsed = await run([
			btgFundV2({ CNPJ: "54.630.129/0001-02", Name: "Horizonte Long Biased FIC FIM" }),
			btgFundV2({ CNPJ: "47.624.159/0001-40", Name: "Horizonte Long Biased FIC FIM" }),
		]);
		assert.deepEqual(
			parsed.products.map((p) => [p.nativeId, p.url]),
			[
				["54630129000102", `${fundPage}horizonte-long-biased-fic-fim`],
				["47624159000140", `${fundPage}horizonte-long-biased-fic-fim`],
			],
		);
	});

	it("still reads the older bare arrays (2020–22): their ids, fees in percent, D+N terms", async () => {
		api.requests.length = 0;
		const parsed = await run(
			[
				btgFund(),
				btgFund(
					{ id: 30999, product: "Absoluto Institucional FIC FIA", riskLevel: 0, cnpj: "11224433000147" },
					{
						administrationFee: 2,
						performanceFee: 20,
						rescueQuota: "D+30",
						rescuefinancialSettlement: "D+2",
						categoryDescription: "Ações",
					},
				),
			],
			{ bare: true, productUrl: "https://btg.example/fundos/{id}" },
		);
		assert.equal(api.requests.length, 1, "an array is the whole list: no page 2");
		assert.deepEqual(parsed.unparsed, [], "riskLevel 0 is the list's 'unknown', not an unreadable value");
		const [selic, absoluto] = parsed.products;
		assert.deepEqual(absoluto, {
			id: "btg:fund:30999",
			source: "btg",
			category: "fund",
			nativeId: "30999",
			name: "Absoluto Institucional FIC FIA",
			description: "Fundo de renda fixa atrelado à Selic.",
			issuer: "BTG Pactual Asset Management S.A. DTVM",
			minimumInvestment: 500,
			fundType: "Ações",
			adminFee: 0.02,
			performanceFee: 0.2,
			redemptionDays: 32,
			cnpj: "11224433000147",
			audience: "general",
			openToInvestment: true,
			url: "https://btg.example/fundos/30999",
			collectedAt,
		});
		assert.equal(selic?.nativeId, "30123");
		assert.equal(selic?.riskLevel, 1);
		assert.equal(selic?.category === "fund" && selic.adminFee, 0.002);
	});

	it("names a fund by Name, the platform's short name, and links it by that name's slug", async () => {
		const parsed = await run([
			btgFundV2({
				Name: "Cedro Dividendos FIC FIA",
				NameOriginal: "CEDRO DIVIDENDOS FUNDO DE INVESTIMENTO EM ACOES",
			}),
			btgFundV2({
				CNPJ: "57534564000121",
				Name: "  ",
				NameOriginal: "GAROA INFRA INCENTIVADO FIC FI-INFRA RF",
			}),
			btgFundV2({ CNPJ: "20994904000197", Name: undefined, NameOriginal: undefined }),
		]);
		assert.deepEqual(
			parsed.products.map((p) => [p.name, p.url]),
			[
				["Cedro Dividendos FIC FIA", `${fundPage}cedro-dividendos-fic-fia`],
				// Without its short name, the registered one names it; its link would be a guess.
				["GAROA INFRA INCENTIVADO FIC FI-INFRA RF", undefined],
			],
		);
		assert.deepEqual(parsed.skipped, ["#20994904000197: no name"]);
	});

	it("builds the slug without accents, each run of other characters one '-', none at the ends", async () => {
		const parsed = await run([
			btgFundV2({ Name: "  Ações & Dividendos — FIC FIA (Classe Única) RL " }),
			btgFundV2({ CNPJ: "17347868000165", Name: "Pré-Fixado 2ª Série: IPCA+ 5,5%" }),
		]);
		assert.deepEqual(
			parsed.products.map((p) => p.url),
			[`${fundPage}acoes-dividendos-fic-fia-classe-unica-rl`, `${fundPage}pre-fixado-2a-serie-ipca-5-5`],
		);
	});

	it("links by the source's productUrl when it has {slug}; a fund without a slug gets no link", async () => {
		const parsed = await run(
			[btgFundV2(), btgFundV2({ CNPJ: "55258390000196", Name: "", NameOriginal: "SEM NOME CURTO FIRF" })],
			{ productUrl: "https://espelho.example/fundos/{slug}?origem=insights" },
		);
		assert.deepEqual(
			parsed.products.map((p) => p.url),
			["https://espelho.example/fundos/aurora-credito-corporativo-fic-firf-cp?origem=insights", undefined],
		);
	});

	it("reads numbers sent as Brazilian-formatted strings", async () => {
		const parsed = await run([
			btgFundV2({}, { minimumInitialInvestment: "5.000,00", numeroDiaFinanceiroResgate: "31" }),
			btgFundV2(
				{ CNPJ: "34225625000173" },
				{ minimumInitialInvestment: "R$ 1.000", numeroDiaFinanceiroResgate: "D+2" },
			),
			btgFundV2(
				{ CNPJ: "31844573000125" },
				{ minimumInitialInvestment: "consulte", numeroDiaFinanceiroResgate: "30 dias úteis" },
			),
		]);
		assert.deepEqual(
			parsed.products.map((p) => [p.minimumInvestment, p.category === "fund" && p.redemptionDays]),
			[
				[5000, 31],
				[1000, 2],
				[undefined, undefined],
			],
		);
		assert.deepEqual(parsed.unparsed, [
			'#31844573000125: minimumInvestment "consulte"',
			'#31844573000125: redemptionDays "30 dias úteis"',
		]);
	});

	it("maps riskName onto 1–5 (CONSERVADOR 1, MODERADO 2, ARROJADO 4, SOFISTICADO 5); others are reported", async () => {
		const names = ["CONSERVADOR", "MODERADO", "ARROJADO", "SOFISTICADO", "moderado ", "AGRESSIVO", null];
		const cnpjs = [
			"38309834000156",
			"48178770000155",
			"27928427000100",
			"45775937000177",
			"32957189000100",
			"12053035000178",
			"56866458000182",
		];
		const parsed = await run(names.map((riskName, i) => btgFundV2({ CNPJ: cnpjs[i] }, { riskName })));
		assert.deepEqual(
			parsed.products.map((p) => p.riskLevel),
			[1, 2, 4, 5, 2, undefined, undefined],
		);
		assert.deepEqual(parsed.unparsed, ['#12053035000178: riskLevel "AGRESSIVO"']);
	});

	it("reads investmentType as the audience, 'Não qualificados' included", async () => {
		const types = [
			"Investidores em geral",
			"Investidores em geral (Não qualificados)",
			"Investidor qualificado",
			"Investidores qualificados",
			"Investidores profissionais",
		];
		const cnpjs = ["38309834000156", "48178770000155", "27928427000100", "45775937000177", "32957189000100"];
		const parsed = await run(
			types.map((investmentType, i) => btgFundV2({ CNPJ: cnpjs[i] }, { investmentType })),
		);
		assert.deepEqual(
			parsed.products.map((p) => p.audience),
			["general", "general", "qualified", "qualified", "professional"],
		);
	});

	it("fails a changed shape by name, never as an empty run", async () => {
		const fails = async (answer: unknown, message: string | RegExp) => {
			body = answer;
			await assert.rejects(
				collect(sourceOf({ type: "btg-funds", url: `${api.url}${listPath}` })),
				(err: Error) => {
					assert.ok(err instanceof SourceFormatError, `${err.name}: ${err.message}`);
					assert.equal(err.name, "SourceFormatError");
					if (typeof message === "string") assert.equal(err.message, message);
					else assert.match(err.message, message);
					return true;
				},
			);
		};
		await fails({ data: [] }, "page 1: expected {items,total_pages} or an array, got {data}");
		await fails(
			{ items: [btgFundV2()], total: 1 },
			"page 1: expected {items,total_pages} or an array, got {items,total}",
		);
		await fails(JSON.stringify("[]"), "page 1: expected {items,total_pages} or an array, got a string");
		await fails(
			{ items: [btgFundV2()], total_pages: "muitas" },
			'page 1: total_pages is not a page count ("muitas")',
		);
		await fails(btgPageV2([], 0, 0), "page 1 lists no funds (total_pages 0)");
		await fails("<html>manutenção</html>", /^response is not valid JSON/);
	});

	it("fails when a later page is not a v2 page", async () => {
		const api2 = await startApiFixture(({ url }) =>
			url.searchParams.get("page") === "1" ? { body: btgPageV2([btgFundV2()], 2, 2) } : { body: [btgFund()] },
		);
		try {
			await assert.rejects(collect(sourceOf({ type: "btg-funds", url: `${api2.url}${listPath}` })), {
				name: "SourceFormatError",
				message: "page 2: expected {items,total_pages}, got an array",
			});
		} finally {
			await api2.stop();
		}
	});
});

describe("btg-funds: bundled snapshots", () => {
	it("reads the v2 snapshot as its one page: 12 funds of every profile and audience", async () => {
		const parsed = await collect(
			sourceOf({ type: "sample", of: "btg-funds", snapshot: "btg-funds-v2.json" }),
		);
		assert.equal(parsed.fetched, 12);
		assert.deepEqual(parsed.skipped, []);
		assert.deepEqual(parsed.unparsed, []);
		assert.equal(parsed.products.length, 12);
		assert.deepEqual(new Set(parsed.products.map((p) => p.riskLevel)), new Set([1, 2, 4, 5]));
		assert.deepEqual(
			new Set(parsed.products.map((p) => p.audience)),
			new Set(["general", "qualified", "professional"]),
		);
		assert.ok(parsed.products.every((p) => p.url?.startsWith(fundPage) && /^\d{14}$/.test(p.nativeId)));
		assert.deepEqual(
			parsed.products.find((p) => p.nativeId === "56866458000182"),
			product("56866458000182", {
				name: "Estuário Crédito Estruturado FIC FIM CP",
				fundType: "Multimercado",
				riskLevel: 5,
				minimumInvestment: 10_000,
				redemptionDays: 91,
				audience: "qualified",
				url: `${fundPage}estuario-credito-estruturado-fic-fim-cp`,
			}),
		);
	});

	it("still reads the older array snapshot", async () => {
		const parsed = await collect(sourceOf({ type: "sample", of: "btg-funds", snapshot: "btg-funds.json" }));
		assert.equal(parsed.products.length, 14);
		assert.deepEqual(parsed.skipped, []);
	});
});
