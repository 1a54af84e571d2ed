/**
 * The cvm-funds enricher against a real loopback HTTP server serving a registry archive in
 * the CVM's layout (test/fixtures/cvm-registry.ts), read through the collector's own reader
 * and HTTP client, with products built the way the collector builds them.
 */
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { after, before, beforeEach, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Product } from "../../domain/product.ts";
import { instrumentKey } from "../../domain/venues.ts";
import { cvmFunds } from "../../services/collector/adapters/cvm-funds.ts";
import { adapters } from "../../services/collector/adapters/index.ts";
import { createHttp, FetchError } from "../../services/collector/http.ts";
import { addProduct, emptyParsed } from "../../services/collector/normalize.ts";
import { createReader, SourceFormatError } from "../../services/collector/reader.ts";
import { parseSources, type Source } from "../../services/collector/sources.ts";
import {
	classColumns,
	fundColumns,
	registry,
	registryCsv,
	registryZip,
	subclassColumns,
} from "../fixtures/cvm-registry.ts";

const collectedAt = "2026-01-06T09:00:00.000Z";
const normal = "Em Funcionamento Normal";

/** Funds of the registry: found by fund CNPJ, by class CNPJ, cancelled, with classes of their own. */
const funds = [
	{
		ID_Registro_Fundo: "909",
		CNPJ_Fundo: "91919191000191",
		Tipo_Fundo: "FIF",
		Denominacao_Social: "SUCUPIRA RENDA FIXA FUNDO DE INVESTIMENTO FINANCEIRO",
		Situacao: normal,
		Gestor: "SUCUPIRA ASSET LTDA",
	},
	{
		ID_Registro_Fundo: "101",
		CNPJ_Fundo: "11111111000111",
		Codigo_CVM: "310101",
		Data_Registro: "2019-03-12",
		Data_Constituicao: "2019-03-01",
		Tipo_Fundo: "FIF",
		Denominacao_Social:
			"AURORA RENDA FIXA SIMPLES FUNDO DE INVESTIMENTO FINANCEIRO RESPONSABILIDADE LIMITADA",
		Situacao: normal,
		Data_Inicio_Situacao: "2019-03-12",
		Data_Adaptacao_RCVM175: "2024-10-01",
		Patrimonio_Liquido: "182334519.27",
		Data_Patrimonio_Liquido: "2025-12-31",
		Diretor: "JOSÉ DA SILVA",
		CNPJ_Administrador: "59281253000123",
		Administrador: "BANCO ADMINISTRADOR S.A.",
		Tipo_Pessoa_Gestor: "PJ",
		CPF_CNPJ_Gestor: "10101010000110",
		Gestor: "AURORA GESTÃO DE RECURSOS LTDA",
	},
	{
		ID_Registro_Fundo: "202",
		CNPJ_Fundo: "22222222000122",
		Tipo_Fundo: "FIF",
		Denominacao_Social: "CEDRO MULTIESTRATÉGIA FUNDO DE INVESTIMENTO FINANCEIRO",
		Situacao: normal,
		Gestor: "CEDRO INVESTIMENTOS S.A.",
	},
	{
		ID_Registro_Fundo: "303",
		CNPJ_Fundo: "55555555000155",
		Tipo_Fundo: "FI",
		Denominacao_Social: "IPÊ AÇÕES FUNDO DE INVESTIMENTO FINANCEIRO",
		Data_Cancelamento: "2025-03-31",
		Situacao: "Cancelado",
		Data_Inicio_Situacao: "2025-03-31",
		Gestor: "IPÊ CAPITAL LTDA",
	},
	{
		ID_Registro_Fundo: "404",
		CNPJ_Fundo: "66666666000166",
		Tipo_Fundo: "FIF",
		Denominacao_Social: "JATOBÁ MULTICLASSES FUNDO DE INVESTIMENTO FINANCEIRO",
		Situacao: normal,
		Gestor: "JATOBÁ ASSET LTDA",
	},
	{
		ID_Registro_Fundo: "505",
		CNPJ_Fundo: "77777777000177",
		Denominacao_Social: "FUNDO QUE NENHUM PRODUTO LISTA",
		Situacao: normal,
		Gestor: "OUTRA GESTORA",
	},
	{
		ID_Registro_Fundo: "606",
		CNPJ_Fundo: "60606060000160",
		Tipo_Fundo: "FIF",
		Denominacao_Social: "BRAVA PREVIDÊNCIA FUNDO DE INVESTIMENTO FINANCEIRO",
		Situacao: normal,
		Gestor: "BRAVA PREVIDÊNCIA ASSET LTDA",
	},
];

const classes = [
	{
		// The one class of fund 909, under a CNPJ of its own.
		ID_Registro_Fundo: "909",
		ID_Registro_Classe: "9091",
		CNPJ_Classe: "92929292000192",
		Denominacao_Social: "SUCUPIRA RENDA FIXA CLASSE DE INVESTIMENTO",
		Situacao: normal,
		Classificacao_Anbima: "Renda Fixa Duração Livre Crédito Livre",
		Publico_Alvo: "Público Geral",
	},
	{
		ID_Registro_Fundo: "101",
		ID_Registro_Classe: "1011",
		CNPJ_Classe: "11111111000111",
		Tipo_Classe: "Classes de Cotas de Fundos FIF",
		Denominacao_Social: "AURORA RENDA FIXA SIMPLES CLASSE DE INVESTIMENTO",
		Situacao: normal,
		Classificacao: "Renda Fixa",
		Indicador_Desempenho: "DI de um dia",
		Classe_Cotas: "N",
		Classificacao_Anbima: "Renda Fixa Simples",
		Forma_Condominio: "Aberto",
		Exclusivo: "N",
		Publico_Alvo: "Público Geral",
		Patrimonio_Liquido: "182334519.27",
		Data_Patrimonio_Liquido: "2025-12-31",
	},
	{
		ID_Registro_Fundo: "202",
		ID_Registro_Classe: "2021",
		// Written with punctuation, as the CVM's older files do: read all the same.
		CNPJ_Classe: "33.333.333/0001-33",
		Denominacao_Social: "CEDRO MULTIESTRATÉGIA CLASSE DE INVESTIMENTO MULTIMERCADO",
		Situacao: normal,
		Classificacao: "Multimercado",
		Classificacao_Anbima: "Multimercados Livre",
		Publico_Alvo: "Qualificado",
	},
	{
		ID_Registro_Fundo: "202",
		ID_Registro_Classe: "2022",
		CNPJ_Classe: "44444444000144",
		Denominacao_Social: "CEDRO MULTIESTRATÉGIA II CLASSE DE INVESTIMENTO MULTIMERCADO",
		Situacao: normal,
		Classificacao_Anbima: "Multimercados Livre",
		Publico_Alvo: "Profissional",
	},
	{
		ID_Registro_Fundo: "303",
		ID_Registro_Classe: "3031",
		CNPJ_Classe: "55555555000155",
		Denominacao_Social: "IPÊ AÇÕES CLASSE DE INVESTIMENTO",
		Situacao: "Cancelado",
		Classificacao_Anbima: "Ações Livre",
		Publico_Alvo: "Restrito",
	},
	{
		ID_Registro_Fundo: "404",
		ID_Registro_Classe: "4041",
		CNPJ_Classe: "12121212000112",
		Denominacao_Social: "JATOBÁ CLASSE A",
		Situacao: normal,
		Classificacao_Anbima: "Renda Fixa Duração Baixa Soberano",
		Publico_Alvo: "Público Geral",
	},
	{
		ID_Registro_Fundo: "404",
		ID_Registro_Classe: "4042",
		CNPJ_Classe: "13131313000113",
		Denominacao_Social: "JATOBÁ CLASSE B",
		Situacao: normal,
		Classificacao_Anbima: "Multimercados Livre",
		Publico_Alvo: "Qualificado",
	},
	{
		ID_Registro_Fundo: "505",
		ID_Registro_Classe: "5051",
		CNPJ_Classe: "77777777000177",
		Denominacao_Social: "FUNDO QUE NENHUM PRODUTO LISTA",
		Situacao: normal,
		Publico_Alvo: "Público Geral",
	},
	{
		ID_Registro_Fundo: "606",
		ID_Registro_Classe: "6061",
		CNPJ_Classe: "88888888000188",
		Denominacao_Social: "BRAVA PREVIDÊNCIA RENDA FIXA CLASSE DE INVESTIMENTO FIFE",
		Situacao: "Em Liquidação",
		Classificacao_Anbima: "Previdência Renda Fixa Duração Livre Soberano",
		// Held by the insurer: who may hold the fund's quotas, not who may buy the plan.
		Publico_Alvo: "Profissional",
	},
];

/** The real archive's shape: classes, funds and subclasses, one class row malformed. */
const goodArchive = registryZip({
	"registro_classe.csv": registryCsv(classColumns, classes, ["999;9991;99999999000199;FUNDO SEM COLUNAS"]),
	"registro_fundo.csv": registryCsv(fundColumns, funds),
	"registro_subclasse.csv": registryCsv(subclassColumns, [
		{
			ID_Registro_Classe: "1011",
			ID_Subclasse: "AUR0A1745000001",
			Situacao: normal,
			Publico_Alvo: "Público Geral",
		},
	]),
});

interface Served {
	body: Uint8Array;
	status?: number;
}

describe("cvm-funds enricher", () => {
	let server: Server;
	let base = "";
	let served: Served = { body: goodArchive };
	let requests = 0;
	const http = createHttp("InsightsTest/1.0");

	before(async () => {
		server = createServer((req, res) => {
			requests++;
			if (req.url !== "/dados/FI/CAD/DADOS/registro_fundo_classe.zip") {
				res.writeHead(404).end();
				return;
			}
			res.writeHead(served.status ?? 200, { "content-type": "application/zip" }).end(served.body);
		});
		await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
		base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
	});
	after(() => new Promise<void>((resolve) => server.close(() => resolve())));
	beforeEach(() => {
		served = { body: goodArchive };
		requests = 0;
	});

	const sources = (maxBytes = 1_000_000) =>
		parseSources(
			JSON.stringify({
				sources: [
					{
						name: "cvm-funds",
						type: "cvm-funds",
						url: `${base}/dados/FI/CAD/DADOS/registro_fundo_classe.zip`,
						limits: { maxBytes, retries: 0, timeoutMs: 5_000 },
					},
					{ name: "btg-funds", type: "btg-funds", url: "https://funds.example/list" },
					{ name: "opin-pension", type: "opin-pension", url: "https://opin.example/participants" },
					{ name: "house-picks", type: "file", path: "picks.csv" },
				],
			}),
			"/tmp/x.json",
		).sources as [Source, Source, Source, Source];

	/** Products as the collector makes them: validated, with its defaults for audience and openness. */
	function products(): Product[] {
		const [, btg, opin, house] = sources();
		const parsed = emptyParsed();
		const fund = (nativeId: string, values: Record<string, unknown>) =>
			addProduct(parsed, btg, {
				label: nativeId,
				category: "fund",
				nativeId,
				values,
				unparsed: [],
				collectedAt,
			});
		fund("a", { name: "Aurora RF Simples", cnpj: "11111111000111", audience: "qualified" });
		fund("b", { name: "Cedro Multiestratégia", cnpj: "33333333000133" });
		fund("c", { name: "Ipê Ações", cnpj: "55555555000155" });
		fund("d", { name: "Jatobá Multiclasses", cnpj: "66666666000166" });
		addProduct(parsed, opin, {
			label: "e",
			category: "pension",
			nativeId: "e",
			values: { name: "Brava VGBL RF", planType: "VGBL", cnpj: "88888888000188", fundName: "Brava Prev RF" },
			unparsed: [],
			collectedAt,
		});
		fund("f", { name: "Fundo Desconhecido", cnpj: "99999999000199" });
		addProduct(parsed, house, {
			label: "PETR4",
			category: "stock",
			nativeId: "PETR4",
			values: { name: "Petrobras", ticker: "PETR4" },
			unparsed: [],
			collectedAt,
		});
		fund("h", { name: "Fundo Sem CNPJ" });
		assert.deepEqual(parsed.skipped, []);
		return parsed.products;
	}

	const enrich = (input: Product[], maxBytes?: number) => {
		const [cvm] = sources(maxBytes);
		return cvmFunds(input, cvm, createReader(cvm, http, {}));
	};

	it("completes funds found by fund CNPJ or class CNPJ, and leaves the rest as they were", async () => {
		const input = products();
		const [a, b, c, d, e, f, stock, h] = input;
		const result = await enrich(input);

		assert.deepEqual(result.products, [
			{
				...a,
				registeredName:
					"AURORA RENDA FIXA SIMPLES FUNDO DE INVESTIMENTO FINANCEIRO RESPONSABILIDADE LIMITADA",
				manager: "AURORA GESTÃO DE RECURSOS LTDA",
				anbimaClass: "Renda Fixa Simples",
				cvmSituation: normal,
				// The broker's "qualified" is stricter than the registry's general public: it stays.
				audience: "qualified",
			},
			{
				// Listed by its class's CNPJ: the class's name, the fund's manager.
				...b,
				registeredName: "CEDRO MULTIESTRATÉGIA CLASSE DE INVESTIMENTO MULTIMERCADO",
				manager: "CEDRO INVESTIMENTOS S.A.",
				anbimaClass: "Multimercados Livre",
				cvmSituation: normal,
				audience: "qualified",
			},
			{
				...c,
				registeredName: "IPÊ AÇÕES FUNDO DE INVESTIMENTO FINANCEIRO",
				manager: "IPÊ CAPITAL LTDA",
				anbimaClass: "Ações Livre",
				cvmSituation: "Cancelado",
				openToInvestment: false,
			},
			{
				// Two classes, neither under the fund's CNPJ: no class to read.
				...d,
				registeredName: "JATOBÁ MULTICLASSES FUNDO DE INVESTIMENTO FINANCEIRO",
				manager: "JATOBÁ ASSET LTDA",
				cvmSituation: normal,
			},
			{
				...e,
				registeredName: "BRAVA PREVIDÊNCIA RENDA FIXA CLASSE DE INVESTIMENTO FIFE",
				manager: "BRAVA PREVIDÊNCIA ASSET LTDA",
				anbimaClass: "Previdência Renda Fixa Duração Livre Soberano",
				cvmSituation: "Em Liquidação",
				openToInvestment: false,
				// The pension fund's "Profissional" is not the plan's audience.
				audience: "general",
			},
			f,
			stock,
			h,
		]);
		assert.equal(a?.audience, "qualified");
		assert.equal(b?.audience, "general");
		assert.equal(result.enriched, 5);
		assert.deepEqual(result.report, {
			fetched: funds.length + classes.length + 1,
			products: [],
			skipped: [
				"btg-funds:fund:h: no CNPJ to look up",
				"registro_classe.csv line 11: 4 fields, the header has 30",
				"CNPJ 99999999000199: not in the CVM registry",
			],
			unparsed: [
				'CNPJ 55555555000155: audience "Restrito"',
				'CNPJ 66666666000166: anbimaClass, audience "the fund has 2 classes, none under this CNPJ"',
			],
		});
		assert.equal(requests, 1);
	});

	it("names the class of a fund listed by its fund's CNPJ, so either listing is one instrument", async () => {
		const [, btg] = sources();
		const parsed = emptyParsed();
		for (const [nativeId, cnpj] of [
			["by-fund", "91919191000191"],
			["by-class", "92929292000192"],
		] as const)
			addProduct(parsed, btg, {
				label: nativeId,
				category: "fund",
				nativeId,
				values: { name: "Sucupira", cnpj },
				unparsed: [],
				collectedAt,
			});
		const [byFund, byClass] = (await enrich(parsed.products)).products as [Product, Product];
		assert.equal((byFund as { classCnpj?: string }).classCnpj, "92929292000192");
		assert.equal((byClass as { classCnpj?: string }).classCnpj, undefined, "its CNPJ is the class's already");
		assert.equal(instrumentKey(byFund), instrumentKey(byClass));
	});

	it("reads the names' accents as latin-1", async () => {
		const [, , c] = (await enrich(products())).products;
		assert.equal((c as { manager?: string }).manager, "IPÊ CAPITAL LTDA");
		assert.ok(!JSON.stringify(c).includes("\uFFFD"));
	});

	it("does not download the archive when no product has a CNPJ to look up", async () => {
		const input = products().filter((p) => p.category === "stock");
		const result = await enrich(input);
		assert.deepEqual(result, { products: input, report: emptyParsed(), enriched: 0 });
		assert.equal(requests, 0);
	});

	async function failsWith(message: RegExp) {
		await assert.rejects(enrich(products()), (err: Error) => {
			assert.ok(err instanceof SourceFormatError, `${err.name}: ${err.message}`);
			assert.match(err.message, message);
			return true;
		});
	}

	it("fails by name when the archive lacks an entry", async () => {
		served = {
			body: registryZip({
				"registro_fundo.csv": registryCsv(fundColumns, funds),
				"LEIAME.txt": Buffer.from("x"),
			}),
		};
		await failsWith(
			/^expected registro_fundo\.csv and registro_classe\.csv in the archive, found registro_fundo\.csv, LEIAME\.txt$/,
		);
	});

	it("fails by name when a CSV's header lacks a column it needs", async () => {
		served = {
			body: registryZip({
				"registro_fundo.csv": registryCsv(fundColumns, funds),
				"registro_classe.csv": registryCsv(
					classColumns.filter((column) => column !== "Publico_Alvo"),
					classes,
				),
			}),
		};
		await failsWith(/^registro_classe\.csv: expected the columns .*; missing Publico_Alvo$/);
	});

	it("fails by name when a CSV is empty", async () => {
		served = {
			body: registryZip({
				"registro_fundo.csv": new Uint8Array(0),
				"registro_classe.csv": registryCsv(classColumns, classes),
			}),
		};
		await failsWith(/^registro_fundo\.csv is empty: expected a header with ID_Registro_Fundo, CNPJ_Fundo/);
	});

	it("fails as a changed format when the body is not a zip", async () => {
		served = { body: Buffer.from("<html><body>Manutenção programada</body></html>", "latin1") };
		await failsWith(/^expected a zip archive, got /);
	});

	it("refuses an archive over the source's byte limit as too large", async () => {
		served = { body: registry({ funds, classes }, 0) };
		assert.ok(served.body.length > 1024);
		await assert.rejects(enrich(products(), 1024), (err: Error) => {
			assert.ok(err instanceof FetchError, `${err.name}: ${err.message}`);
			assert.equal(err.kind, "too-large");
			return true;
		});
	});
});

describe("cvm-funds: the bundled snapshot", () => {
	const samples = fileURLToPath(new URL("../../services/collector/samples/", import.meta.url));
	/** The demo's samples that list funds, those already there (a pension snapshot is one host's answer). */
	const fundSamples = [
		{ name: "btg-funds", of: "btg-funds", snapshot: "btg-funds.json" },
		{ name: "btg-funds-v2", of: "btg-funds", snapshot: "btg-funds-v2.json" },
		{ name: "xp-funds", of: "xp-funds", snapshot: "xp-funds.json" },
		{
			name: "opin-pension",
			of: "opin-pension",
			snapshot: "opin-pension.json",
			hosts: ["https://seguradora.example"],
		},
	].filter((sample) => existsSync(`${samples}${sample.snapshot}`));

	it("knows every fund of the demo's fund samples", async () => {
		const { sources } = parseSources(
			JSON.stringify({
				sources: [
					...fundSamples.map((sample) => ({ ...sample, type: "sample" })),
					{ name: "cvm-funds", type: "sample", of: "cvm-funds", snapshot: "cvm-registro_fundo_classe.zip" },
				],
			}),
			"/tmp/x.json",
		);
		const cvm = sources.at(-1) as Source;
		const http = createHttp("InsightsTest/1.0");
		const collected: Product[] = [];
		for (const source of sources.slice(0, -1)) {
			const adapter = adapters[source.format as keyof typeof adapters];
			collected.push(...(await adapter(source, createReader(source, http, {}), collectedAt)).products);
		}
		const withCnpj = collected.filter((p) => "cnpj" in p && p.cnpj);
		assert.ok(withCnpj.length >= 26, `${withCnpj.length} sample funds with a CNPJ`);
		assert.ok(statSync(`${samples}cvm-registro_fundo_classe.zip`).size < 20_000);

		const result = await cvmFunds(collected, cvm, createReader(cvm, http, {}));
		assert.deepEqual(
			result.report.skipped,
			[],
			"add these funds to scripts/samples/cvm-registry.ts and run it: node scripts/samples/cvm-registry.ts",
		);
		assert.deepEqual(result.report.unparsed, []);
		assert.equal(result.enriched, withCnpj.length);
		for (const product of result.products as (Product & { registeredName?: string; manager?: string })[]) {
			if (!("cnpj" in product && product.cnpj)) continue;
			assert.ok(product.registeredName, `${product.id} has its registered name`);
			assert.ok(product.manager, `${product.id} has its manager`);
			assert.equal(product.openToInvestment, true, `${product.id} is still offered`);
		}
	});
});
