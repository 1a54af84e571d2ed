/**
 * Issue 18's "done when": a sources file holding only btg-funds, xp-funds, tesouro-direto
 * and opin-pension, each served on loopback in its real format, yields after one run
 * exactly the products those responses describe (values, fractions, dates, rates), nothing
 * else, and a second run publishes nothing new. Every expected value below is read off the
 * fixture by hand, with the rule that maps it (docs/sources.md).
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { CollectorRunSummary } from "../../domain/contracts.ts";
import type { Product } from "../../domain/product.ts";
import {
	type ApiFixture,
	btgFundV2,
	btgPageV2,
	startApiFixture,
	tesouroDay,
	tesouroHeader,
	xpFund,
} from "../fixtures/brokers.ts";
import { type FakeHost, fund, plan, startPensionHost } from "../fixtures/opin-insurance.ts";
import { getJson, type RunningSystem, sharedClock, startSystem, tempDir } from "../harness.ts";

const token = "real-sources-operator-token-0123456789";
const xpKey = "xp-subscription-key-for-tests";

const btgFunds = [
	btgFundV2(),
	btgFundV2(
		{ CNPJ: "12345678000195", Name: "Boreal Multimercado Macro FIM" },
		{
			categoryBTG: "Multimercado",
			riskName: "ARROJADO",
			investmentType: "Investidores qualificados",
			minimumInitialInvestment: 10_000,
			numeroDiaFinanceiroResgate: 62,
		},
	),
	btgFundV2(
		{ CNPJ: "98.765.432/0001-10", Name: "Cerrado Ações FIA" },
		{
			categoryBTG: "Ações",
			riskName: "SOFISTICADO",
			investmentType: "Investidores profissionais",
			minimumInitialInvestment: 1_000_000,
			numeroDiaFinanceiroResgate: 3,
		},
	),
];

const xpFunds = [
	xpFund(),
	xpFund({
		id: "6f1c2a7e-0000-4000-8000-000000000002",
		cnpj: "11.222.333/0001-81",
		name: "XP Long Biased Qualificado FIC FIM",
		xpRisk: 4,
		minimalInitialInvestment: "50.000,00",
		administrationRate: "1,5",
		maxPerformanceRate: "20",
		profitability12: "-3,2",
		redemptionQuotationDays: 30,
		redemptionSettlementDays: 2,
		classificationXp: "Long Biased",
		benchmark: "Ibovespa",
		objective: "Ações brasileiras com proteção parcial.",
		isSuggested: false,
		onlyQualified: true,
		fundingBlocked: true,
	}),
];

const horizonte = {
	name: "Horizonte Vida e Previdência S.A.",
	cnpjNumber: "30214576000148",
	products: [
		plan({
			name: "Horizonte PGBL Moderado",
			code: "HZ-PGBL-010",
			type: "PGBL",
			susep: "15414.900001/2020-11",
			funds: [fund({ cnpj: "52347698000202", name: "Horizonte Prev RF FIC FI", adminFee: "1.5" })],
			minimums: [
				["100.00", "Contribuição mensal"],
				["1000.00", "Aporte inicial único"],
			],
			graceDays: 60,
			paymentDays: 5,
		}),
		plan({
			name: "Horizonte VGBL Qualificado",
			code: "HZ-VGBL-020",
			type: "VGBL",
			susep: "15414.900002/2020-12",
			funds: [],
			grantFunds: [
				fund({
					cnpj: "41234567000109",
					name: "Horizonte Prev Multi FIE",
					adminFee: "0.8",
					performance: ["DIRETAMENTE", "20"],
				}),
			],
			minimums: [["5000.00", "Aporte inicial único"]],
			graceDays: 30,
			paymentDays: 2,
			qualified: true,
		}),
	],
};

const base = { audience: "general", openToInvestment: true } as const;
const btgPage = "https://investimentos.btgpactual.com/fundos-de-investimento/";
const tesouroPage = "https://www.tesourodireto.com.br/produtos/dados-sobre-titulos/rendimento-dos-titulos";
const tesouro = { issuer: "Tesouro Nacional", riskLevel: 1, taxExempt: false, url: tesouroPage, ...base };

/** What the answers above say, field by field: CNPJs as digits, fees and rates as fractions. */
const expected: Record<string, Record<string, unknown>> = {
	"btg-funds:fund:38309834000156": {
		id: "btg-funds:fund:38309834000156",
		source: "btg-funds",
		category: "fund",
		nativeId: "38309834000156",
		name: "Aurora Crédito Corporativo FIC FIRF CP",
		cnpj: "38309834000156",
		fundType: "Renda Fixa",
		minimumInvestment: 500,
		redemptionDays: 31,
		riskLevel: 2, // MODERADO
		url: `${btgPage}aurora-credito-corporativo-fic-firf-cp`,
		...base,
	},
	"btg-funds:fund:12345678000195": {
		id: "btg-funds:fund:12345678000195",
		source: "btg-funds",
		category: "fund",
		nativeId: "12345678000195",
		name: "Boreal Multimercado Macro FIM",
		cnpj: "12345678000195",
		fundType: "Multimercado",
		minimumInvestment: 10_000,
		redemptionDays: 62,
		riskLevel: 4, // ARROJADO
		url: `${btgPage}boreal-multimercado-macro-fim`,
		...base,
		audience: "qualified",
	},
	"btg-funds:fund:98765432000110": {
		id: "btg-funds:fund:98765432000110",
		source: "btg-funds",
		category: "fund",
		nativeId: "98765432000110",
		name: "Cerrado Ações FIA",
		cnpj: "98765432000110",
		fundType: "Ações",
		minimumInvestment: 1_000_000,
		redemptionDays: 3,
		riskLevel: 5, // SOFISTICADO
		url: `${btgPage}cerrado-acoes-fia`,
		...base,
		audience: "professional",
	},
	"xp-funds:fund:6f1c2a7e-0000-4000-8000-000000000001": {
		id: "xp-funds:fund:6f1c2a7e-0000-4000-8000-000000000001",
		source: "xp-funds",
		category: "fund",
		nativeId: "6f1c2a7e-0000-4000-8000-000000000001",
		name: "XP Crédito Estruturado 360 FIC FIM CP",
		description: "Superar o CDI no longo prazo.",
		riskLevel: 3,
		minimumInvestment: 1_000,
		fundType: "Crédito Privado",
		adminFee: 0.008,
		performanceFee: 0.2,
		return12m: 0.134,
		cnpj: "26673556000132",
		benchmark: "CDI",
		redemptionDays: 31, // D+30 quotation, D+1 settlement
		...base,
	},
	"xp-funds:fund:6f1c2a7e-0000-4000-8000-000000000002": {
		id: "xp-funds:fund:6f1c2a7e-0000-4000-8000-000000000002",
		source: "xp-funds",
		category: "fund",
		nativeId: "6f1c2a7e-0000-4000-8000-000000000002",
		name: "XP Long Biased Qualificado FIC FIM",
		description: "Ações brasileiras com proteção parcial.",
		riskLevel: 4,
		minimumInvestment: 50_000,
		fundType: "Long Biased",
		adminFee: 0.015,
		performanceFee: 0.2,
		return12m: -0.032,
		cnpj: "11222333000181",
		benchmark: "Ibovespa",
		redemptionDays: 32,
		audience: "qualified", // onlyQualified
		openToInvestment: false, // fundingBlocked
	},
	"tesouro-direto:fixed_income:tesouro-ipca-2035-05-15": {
		id: "tesouro-direto:fixed_income:tesouro-ipca-2035-05-15",
		source: "tesouro-direto",
		category: "fixed_income",
		nativeId: "tesouro-ipca-2035-05-15",
		name: "Tesouro IPCA+ 2035",
		instrument: "Tesouro IPCA+",
		maturityDate: "2035-05-15",
		rate: { index: "IPCA", spread: 0.0712 }, // the latest base date's, not the earlier 7,30
		unitPrice: 1834.56,
		...tesouro,
	},
	"tesouro-direto:fixed_income:tesouro-selic-2029-03-01": {
		id: "tesouro-direto:fixed_income:tesouro-selic-2029-03-01",
		source: "tesouro-direto",
		category: "fixed_income",
		nativeId: "tesouro-selic-2029-03-01",
		name: "Tesouro Selic 2029",
		instrument: "Tesouro Selic",
		maturityDate: "2029-03-01",
		rate: { index: "SELIC", spread: 0.000521 },
		unitPrice: 17_274.8,
		...tesouro,
	},
	"tesouro-direto:fixed_income:tesouro-prefixado-2031-01-01": {
		id: "tesouro-direto:fixed_income:tesouro-prefixado-2031-01-01",
		source: "tesouro-direto",
		category: "fixed_income",
		nativeId: "tesouro-prefixado-2031-01-01",
		name: "Tesouro Prefixado 2031",
		instrument: "Tesouro Prefixado",
		maturityDate: "2031-01-01",
		rate: { index: "PRE", spread: 0.1345 },
		unitPrice: 612.34,
		...tesouro,
	},
	"opin-pension:pension:30214576000148:HZ-PGBL-010:52347698000202": {
		id: "opin-pension:pension:30214576000148:HZ-PGBL-010:52347698000202",
		source: "opin-pension",
		category: "pension",
		nativeId: "30214576000148:HZ-PGBL-010:52347698000202",
		name: "Horizonte PGBL Moderado — Horizonte Prev RF FIC FI",
		issuer: "Horizonte Vida e Previdência S.A.",
		planType: "PGBL",
		cnpj: "52347698000202",
		fundName: "Horizonte Prev RF FIC FI",
		susepProcess: "15414.900001/2020-11",
		adminFee: 0.015, // "1.5" is 1.5 %
		performanceFee: 0, // NAO_APLICA
		minimumInvestment: 100, // the smallest way in: R$ 100 a month
		redemptionDays: 5,
		description: "Carência para resgate: 60 dias.",
		url: "https://www.seguradora.example/previdencia/HZ-PGBL-010/condicoes-gerais.pdf",
		...base,
	},
	"opin-pension:pension:30214576000148:HZ-VGBL-020:41234567000109": {
		id: "opin-pension:pension:30214576000148:HZ-VGBL-020:41234567000109",
		source: "opin-pension",
		category: "pension",
		nativeId: "30214576000148:HZ-VGBL-020:41234567000109",
		name: "Horizonte VGBL Qualificado — Horizonte Prev Multi FIE",
		issuer: "Horizonte Vida e Previdência S.A.",
		planType: "VGBL",
		cnpj: "41234567000109",
		fundName: "Horizonte Prev Multi FIE",
		susepProcess: "15414.900002/2020-12",
		adminFee: 0.008,
		performanceFee: 0.2, // DIRETAMENTE, "20"
		minimumInvestment: 5_000,
		redemptionDays: 2,
		description: "Carência para resgate: 30 dias.",
		url: "https://www.seguradora.example/previdencia/HZ-VGBL-020/condicoes-gerais.pdf",
		...base,
		audience: "qualified", // participantQualified
	},
};

describe("the real public sources, served on loopback in their real formats", () => {
	const dir = tempDir();
	let api: ApiFixture;
	let pension: FakeHost;
	let system: RunningSystem;
	let first: CollectorRunSummary;

	const run = async (): Promise<CollectorRunSummary> => {
		const res = await getJson(`${system.url}/api/collector/run`, {
			method: "POST",
			headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
			body: "{}",
		});
		assert.equal(res.status, 200, JSON.stringify(res.body));
		return res.body;
	};

	before(async () => {
		const now = sharedClock.now();
		const [latest, earlier, stale] = [1, 6, 40].map((days) => tesouroDay(now, days));
		const tesouroCsv = [
			tesouroHeader,
			`Tesouro IPCA+;15/05/2035;${earlier};7,30;7,42;1801,10;1790,00;1789,50`,
			`Tesouro IPCA+;15/05/2035;${latest};7,12;7,24;1834,56;1820,12;1819,88`,
			`Tesouro Selic;01/03/2029;${latest};0,0521;0,0621;17274,80;17260,10;17255,02`,
			`Tesouro Prefixado;01/01/2031;${latest};13,45;13,57;612,34;605,90;605,11`,
			`Tesouro Prefixado;01/01/2026;${stale};12,00;12,10;990,00;989,00;988,00`,
			`Tesouro IPCA+ com Juros Semestrais;15/08/2040;${stale};6,90;7,02;4154,13;4120,00;4119,00`,
		].join("\r\n");
		api = await startApiFixture(({ url, headers }) => {
			if (url.pathname === "/btg/list/v2") {
				const page = Number(url.searchParams.get("page"));
				const size = Number(url.searchParams.get("size"));
				const items = btgFunds.slice((page - 1) * size, page * size);
				return { body: btgPageV2(items, Math.ceil(btgFunds.length / size), btgFunds.length) };
			}
			if (url.pathname === "/xp/investment-funds") {
				const browser =
					headers.origin === "https://www.xpi.com.br" && headers.referer === "https://www.xpi.com.br/";
				if (!browser || headers["ocp-apim-subscription-key"] !== xpKey)
					return { status: 403, body: { statusCode: 403, message: "Forbidden" } };
				return { body: { data: xpFunds } };
			}
			if (url.pathname === "/tesouro/PrecoTaxaTesouroDireto.csv")
				return { body: tesouroCsv, contentType: "text/csv; charset=ISO-8859-1" };
			return { status: 404, body: { message: "not found" } };
		});
		pension = await startPensionHost({ companies: [horizonte] });
		const sourcesFile = join(dir.path, "sources.json");
		writeFileSync(
			sourcesFile,
			JSON.stringify({
				limits: { timeoutMs: 5_000, retries: 0, backoffMs: 10, maxBytes: 1_000_000, perHostConcurrency: 2 },
				sources: [
					{
						name: "btg-funds",
						type: "btg-funds",
						url: `${api.url}/btg/list/v2?orderBy=NOME&sortingDirection=ASC`,
						pageSize: 2,
					},
					{
						name: "xp-funds",
						type: "xp-funds",
						url: `${api.url}/xp/investment-funds?onlyrpps=false&family=null`,
						// The key from the environment, as the bundled file names it.
						// biome-ignore lint/suspicious/noTemplateCurlyInString: a sources-file placeholder, not a template
						headers: { "ocp-apim-subscription-key": "${XP_API_KEY}" },
					},
					{
						name: "tesouro-direto",
						type: "tesouro-direto",
						url: `${api.url}/tesouro/PrecoTaxaTesouroDireto.csv`,
					},
					{
						name: "opin-pension",
						type: "opin-pension",
						url: `${api.url}/participants`,
						hosts: [pension.url],
						pageSize: 1,
					},
				],
			}),
		);
		system = await startSystem({
			DATA_DIR: join(dir.path, "data"),
			OPERATOR_TOKEN: token,
			XP_API_KEY: xpKey,
			PRICES_PROVIDER: "sample",
			SOURCES_FILE: sourcesFile,
		});
		first = await run();
	});
	after(async () => {
		await system?.stop();
		await api?.stop();
		await pension?.stop();
		dir.remove();
	});

	/**
	 * Every product the catalogue holds, without the collection time, by id, as its one
	 * listing says it: no instrument here is at two sources (venues.test.ts has those), so
	 * each product is at its own source only.
	 */
	async function catalogue(): Promise<Record<string, Record<string, unknown>>> {
		const { body } = await getJson(`${system.url}/api/products?pageSize=100`);
		const products = body.rows as (Product & { collectedAt?: string })[];
		for (const product of products)
			assert.deepEqual(Object.keys(product.venues ?? {}), [product.source], `${product.id}: its one venue`);
		return Object.fromEntries(
			products.map(({ collectedAt: _at, venues: _venues, instrumentKey: _key, ...product }) => [
				product.id,
				product,
			]),
		);
	}

	it("reads every source, and leaves out only what a source says is not on offer", () => {
		for (const name of ["btg-funds", "xp-funds", "tesouro-direto", "opin-pension"])
			assert.equal(first.sources[name]?.status, "ok", `${name}: ${JSON.stringify(first.sources[name])}`);
		assert.deepEqual(
			Object.fromEntries(Object.entries(first.sources).map(([name, s]) => [name, [s.fetched, s.normalized]])),
			{ "btg-funds": [3, 3], "xp-funds": [2, 2], "tesouro-direto": [5, 3], "opin-pension": [2, 2] },
		);
		assert.deepEqual(
			first.sources["tesouro-direto"]?.skippedReasons.map((reason) => reason.split(":")[0]).sort(),
			["Tesouro IPCA+ com Juros Semestrais 2040-08-15", "Tesouro Prefixado 2026-01-01"],
		);
		assert.equal(first.published, 10);
	});

	it("yields exactly the products the responses describe", async () => {
		assert.deepEqual(await catalogue(), expected);
	});

	it("publishes nothing new on a second run of the same answers", async () => {
		const second = await run();
		assert.equal(second.published, 0);
		assert.equal(second.publicationId, undefined);
		for (const name of ["btg-funds", "xp-funds", "tesouro-direto", "opin-pension"])
			assert.equal(second.sources[name]?.unchanged, first.sources[name]?.normalized, name);
		assert.deepEqual(await catalogue(), expected);
	});
});
