/**
 * Writes services/collector/samples/cvm-registro_fundo_classe.zip, the demo's snapshot of
 * the CVM's fund and class registry: invented rows in the real layout
 * (test/fixtures/cvm-registry.ts) for every fund of the demo's fund samples, plus a few
 * the samples do not list (a cancelled fund, one in liquidation), as the real file has.
 *
 * `node scripts/samples/cvm-registry.ts` writes it, then reads every sample fund source
 * through its adapter and lists the CNPJs the snapshot still lacks: add a row for each to
 * `listed` below and run it again. The bytes are the same for the same rows.
 */
import { existsSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Product } from "../../domain/product.ts";
import { cvmFunds } from "../../services/collector/adapters/cvm-funds.ts";
import { adapters } from "../../services/collector/adapters/index.ts";
import { createHttp } from "../../services/collector/http.ts";
import { createReader } from "../../services/collector/reader.ts";
import { parseSources, type Source } from "../../services/collector/sources.ts";
import type { ClassRow, FundRow } from "../../test/fixtures/cvm-registry.ts";
import { registry } from "../../test/fixtures/cvm-registry.ts";

const samples = fileURLToPath(new URL("../../services/collector/samples/", import.meta.url));
const target = `${samples}cvm-registro_fundo_classe.zip`;

/**
 * One registered class per line, as `CNPJ | fund | manager | classification | ANBIMA class |
 * audience`, then, for a class of a multi-class fund, `| the fund's CNPJ | the class's name`.
 * The CNPJ is the one the broker lists: most classes share their fund's, but since
 * Resolution 175 a broker may list a class of a fund with several.
 */
const listed = `
# btg-funds.json
11224433000147 | BTG PACTUAL TESOURO SELIC SIMPLES FUNDO DE INVESTIMENTO FINANCEIRO RENDA FIXA RESPONSABILIDADE LIMITADA | BTG PACTUAL ASSET MANAGEMENT S/A DTVM | Renda Fixa | Renda Fixa Simples | Público Geral
38271456000169 | BTG PACTUAL YIELD DI FUNDO DE INVESTIMENTO FINANCEIRO RENDA FIXA REFERENCIADO CRÉDITO PRIVADO RESPONSABILIDADE LIMITADA | BTG PACTUAL ASSET MANAGEMENT S/A DTVM | Renda Fixa | Renda Fixa Duração Baixa Crédito Livre | Público Geral
41709328000169 | BTG PACTUAL CRÉDITO CORPORATIVO I FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS MULTIMERCADO CRÉDITO PRIVADO | BTG PACTUAL ASSET MANAGEMENT S/A DTVM | Renda Fixa | Renda Fixa Duração Média Crédito Livre | Público Geral
20441836000139 | BTG PACTUAL INFLAÇÃO IMA-B FUNDO DE INVESTIMENTO FINANCEIRO RENDA FIXA LONGO PRAZO | BTG PACTUAL ASSET MANAGEMENT S/A DTVM | Renda Fixa | Renda Fixa Indexados | Público Geral
35672014000136 | BTG PACTUAL PREVIDÊNCIA CRÉDITO PRIVADO FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS RENDA FIXA | BTG PACTUAL ASSET MANAGEMENT S/A DTVM | Renda Fixa | Previdência Renda Fixa Duração Livre Crédito Livre | Público Geral
11632845000116 | BTG PACTUAL DISCOVERY FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS MULTIMERCADO | BTG PACTUAL ASSET MANAGEMENT S/A DTVM | Multimercado | Multimercados Macro | Público Geral
42987611000115 | BTG PACTUAL MULTIESTRATÉGIA GLOBAL FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS MULTIMERCADO INVESTIMENTO NO EXTERIOR | BTG PACTUAL ASSET MANAGEMENT S/A DTVM | Multimercado | Multimercados Investimento no Exterior | Público Geral
17344129000110 | BTG PACTUAL LONG & SHORT FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS MULTIMERCADO | BTG PACTUAL ASSET MANAGEMENT S/A DTVM | Multimercado | Multimercados Long And Short - Neutro | Público Geral
30118452000133 | BTG PACTUAL PREVIDÊNCIA MACRO FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS MULTIMERCADO | BTG PACTUAL ASSET MANAGEMENT S/A DTVM | Multimercado | Previdência Multimercados Livre | Público Geral
39652017000169 | BTG PACTUAL ABSOLUTO INSTITUCIONAL FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS DE AÇÕES | BTG PACTUAL ASSET MANAGEMENT S/A DTVM | Ações | Ações Livre | Público Geral
40337891000190 | BTG PACTUAL DIVIDENDOS FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS DE AÇÕES | BTG PACTUAL ASSET MANAGEMENT S/A DTVM | Ações | Ações Dividendos | Público Geral
47512309000124 | BTG PACTUAL AÇÕES SMALL CAPS FUNDO DE INVESTIMENTO FINANCEIRO DE AÇÕES | BTG PACTUAL ASSET MANAGEMENT S/A DTVM | Ações | Ações Small Caps | Público Geral
05947118000145 | BTG PACTUAL DÓLAR FUNDO DE INVESTIMENTO FINANCEIRO CAMBIAL | BTG PACTUAL ASSET MANAGEMENT S/A DTVM | Cambial | Cambial | Público Geral
45631207000100 | BTG PACTUAL EURO FUNDO DE INVESTIMENTO FINANCEIRO CAMBIAL | BTG PACTUAL ASSET MANAGEMENT S/A DTVM | Cambial | Cambial | Público Geral
# xp-funds.json
46021873000181 | TREND DI SIMPLES FUNDO DE INVESTIMENTO FINANCEIRO RENDA FIXA RESPONSABILIDADE LIMITADA | XP ALLOCATION ASSET MANAGEMENT LTDA. | Renda Fixa | Renda Fixa Simples | Público Geral
22741598000102 | XP REFERENCIADO FUNDO DE INVESTIMENTO FINANCEIRO RENDA FIXA CRÉDITO PRIVADO | XP GESTÃO DE RECURSOS LTDA | Renda Fixa | Renda Fixa Duração Baixa Grau de Investimento | Público Geral
26891435000167 | SPARTA TOP INFLAÇÃO FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS RENDA FIXA CRÉDITO PRIVADO LONGO PRAZO | SPARTA ADMINISTRADORA DE RECURSOS LTDA | Renda Fixa | Renda Fixa Duração Livre Crédito Livre | Público Geral
25137486000135 | CAPITÂNIA PREMIUM 45 FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS RENDA FIXA CRÉDITO PRIVADO LONGO PRAZO | CAPITÂNIA INVESTIMENTOS LTDA | Renda Fixa | Renda Fixa Duração Média Crédito Livre | Público Geral
17049632000142 | KAPITALO KAPPA FUNDO DE INVESTIMENTO FINANCEIRO | KAPITALO INVESTIMENTOS LTDA | Multimercado | Multimercados Macro | Público Geral | 17049632000100 | KAPITALO KAPPA FIN CLASSE DE INVESTIMENTO EM COTAS MULTIMERCADO
49305718000185 | ABSOLUTE VERTEX ADVISORY FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS MULTIMERCADO | ABSOLUTE GESTÃO DE INVESTIMENTOS LTDA | Multimercado | Multimercados Estratégia Específica | Público Geral
26341559000179 | LEGACY CAPITAL ADVISORY FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS MULTIMERCADO | LEGACY CAPITAL GESTORA DE RECURSOS LTDA | Multimercado | Multimercados Macro | Qualificado
18572204000162 | SPX NIMITZ FUNDO DE INVESTIMENTO FINANCEIRO | SPX GESTÃO DE RECURSOS LTDA | Multimercado | Multimercados Macro | Qualificado | 18572204000100 | SPX NIMITZ FEEDER CLASSE DE INVESTIMENTO EM COTAS MULTIMERCADO
29381647000192 | TRÍGONO FLAGSHIP SMALL CAPS FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS DE AÇÕES | TRÍGONO CAPITAL LTDA | Ações | Ações Small Caps | Público Geral
73425190000162 | DYNAMO COUGAR FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS DE AÇÕES | DYNAMO ADMINISTRAÇÃO DE RECURSOS LTDA | Ações | Ações Livre | Público Geral
16158432000165 | XP INVESTOR DIVIDENDOS FUNDO DE INVESTIMENTO FINANCEIRO DE AÇÕES | XP GESTÃO DE RECURSOS LTDA | Ações | Ações Dividendos | Público Geral
36640192000148 | XP PREVIDÊNCIA RENDA FIXA ATIVA FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS RENDA FIXA | XP ALLOCATION ASSET MANAGEMENT LTDA. | Renda Fixa | Previdência Renda Fixa Duração Livre Soberano | Público Geral
# btg-funds-v2.json
48178770000155 | AURORA CRÉDITO CORPORATIVO FUNDO DE INVESTIMENTO EM COTAS DE FUNDOS DE INVESTIMENTO RENDA FIXA CRÉDITO PRIVADO RESPONSABILIDADE LIMITADA | AURORA GESTÃO DE RECURSOS LTDA | Renda Fixa | Renda Fixa Duração Livre Crédito Livre | Público Geral
27928427000100 | BÚSSOLA MACRO FUNDO DE INVESTIMENTO EM COTAS DE FUNDOS DE INVESTIMENTO MULTIMERCADO | BÚSSOLA INVESTIMENTOS LTDA | Multimercado | Multimercados Macro | Público Geral
45775937000177 | CAIS TESOURO SELIC SIMPLES FUNDO DE INVESTIMENTO RENDA FIXA | CAIS ASSET MANAGEMENT LTDA | Renda Fixa | Renda Fixa Simples | Público Geral
32957189000100 | CEDRO DIVIDENDOS FUNDO DE INVESTIMENTO EM COTAS DE FUNDOS DE INVESTIMENTO EM AÇÕES | CEDRO CAPITAL GESTÃO DE RECURSOS LTDA | Ações | Ações Dividendos | Público Geral
12053035000178 | DELTA INFLAÇÃO LONGA FUNDO DE INVESTIMENTO RENDA FIXA LONGO PRAZO | DELTA GESTORA DE RECURSOS LTDA | Renda Fixa | Renda Fixa Indexados | Público Geral
56866458000182 | ESTUÁRIO CRÉDITO ESTRUTURADO FUNDO DE INVESTIMENTO EM COTAS DE FUNDOS DE INVESTIMENTO MULTIMERCADO CRÉDITO PRIVADO | ESTUÁRIO CAPITAL LTDA | Multimercado | Multimercados Estratégia Específica | Qualificado
39151740000164 | FAROL GLOBAL EQUITIES USD FUNDO DE INVESTIMENTO EM COTAS DE FUNDOS DE INVESTIMENTO EM AÇÕES INVESTIMENTO NO EXTERIOR | FAROL INVESTIMENTOS LTDA | Ações | Ações Investimento no Exterior | Qualificado
19353989000145 | GAROA INFRA INCENTIVADO FUNDO DE INVESTIMENTO EM COTAS DE FUNDOS INCENTIVADOS DE INVESTIMENTO EM INFRAESTRUTURA RENDA FIXA | GAROA ASSET LTDA | Renda Fixa | Renda Fixa Duração Livre Crédito Livre | Público Geral
54630129000102 | HORIZONTE LONG BIASED FUNDO DE INVESTIMENTO EM COTAS DE FUNDOS DE INVESTIMENTO MULTIMERCADO | HORIZONTE GESTÃO DE INVESTIMENTOS LTDA | Multimercado | Multimercados Long Biased | Qualificado
47624159000140 | IPÊ SMALL CAPS FUNDO DE INVESTIMENTO EM AÇÕES RESPONSABILIDADE LIMITADA | IPÊ CAPITAL LTDA | Ações | Ações Small Caps | Público Geral
43000780000182 | JANGADA REFERENCIADO DI FUNDO DE INVESTIMENTO RENDA FIXA | JANGADA INVESTIMENTOS LTDA | Renda Fixa | Renda Fixa Duração Baixa Grau de Investimento | Público Geral
20439986000108 | KAPPA ESTRATÉGIA CRIPTO FUNDO DE INVESTIMENTO EM COTAS DE FUNDOS DE INVESTIMENTO MULTIMERCADO INVESTIMENTO NO EXTERIOR | KAPPA ATIVOS DIGITAIS LTDA | Multimercado | Multimercados Investimento no Exterior | Profissional
# opin-pension.json: the plans' funds (FIE), held by the insurer
41236587000110 | HORIZONTE PREV RF REFERENCIADO DI FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS DE FIFE RENDA FIXA REFERENCIADO DI | HORIZONTE PREVIDÊNCIA ASSET MANAGEMENT LTDA | Renda Fixa | Previdência Renda Fixa Duração Baixa Soberano | Profissional
41236587000292 | HORIZONTE PREV CRÉDITO PRIVADO FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS DE FIFE RENDA FIXA CRÉDITO PRIVADO | HORIZONTE PREVIDÊNCIA ASSET MANAGEMENT LTDA | Renda Fixa | Previdência Renda Fixa Duração Livre Crédito Livre | Profissional
41236587000373 | HORIZONTE PREV INFLAÇÃO LONGA FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS DE FIFE RENDA FIXA | HORIZONTE PREVIDÊNCIA ASSET MANAGEMENT LTDA | Renda Fixa | Previdência Renda Fixa Indexados | Profissional
41236587000454 | HORIZONTE PREV RENDA VITALÍCIA FIFE RENDA FIXA | HORIZONTE PREVIDÊNCIA ASSET MANAGEMENT LTDA | Renda Fixa | Previdência Renda Fixa Duração Livre Soberano | Profissional
52347698000121 | HORIZONTE PREV MULTIESTRATÉGIA FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS DE FIFE MULTIMERCADO | HORIZONTE PREVIDÊNCIA ASSET MANAGEMENT LTDA | Multimercado | Previdência Multimercados Livre | Profissional
52347698000202 | HORIZONTE PREV AÇÕES VALOR FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS DE FIFE AÇÕES | HORIZONTE PREVIDÊNCIA ASSET MANAGEMENT LTDA | Ações | Previdência Ações Ativo | Profissional
52347698000383 | HORIZONTE PREV GLOBAL EQUITIES FUNDO DE INVESTIMENTO FINANCEIRO EM COTAS DE FIFE MULTIMERCADO INVESTIMENTO NO EXTERIOR | HORIZONTE PREVIDÊNCIA ASSET MANAGEMENT LTDA | Multimercado | Previdência Multimercados Livre | Profissional
`;

/** Funds no sample lists, as the real registry is mostly funds no broker sells. */
const unlisted: (FundRow & ClassRow)[] = [
	{
		CNPJ_Fundo: "09144628000105",
		Denominacao_Social: "ARAUCÁRIA AÇÕES FUNDO DE INVESTIMENTO EM AÇÕES",
		Data_Cancelamento: "2024-06-28",
		Situacao: "Cancelado",
		Data_Inicio_Situacao: "2024-06-28",
		Gestor: "ARAUCÁRIA GESTÃO DE RECURSOS LTDA",
		Classificacao: "Ações",
		Classificacao_Anbima: "Ações Livre",
		Publico_Alvo: "Público Geral",
	},
	{
		CNPJ_Fundo: "31802716000141",
		Denominacao_Social:
			"PEROBA CRÉDITO ESTRUTURADO FUNDO DE INVESTIMENTO FINANCEIRO MULTIMERCADO CRÉDITO PRIVADO",
		Situacao: "Em Liquidação",
		Data_Inicio_Situacao: "2025-11-03",
		Gestor: "PEROBA CAPITAL LTDA",
		Classificacao: "Multimercado",
		Classificacao_Anbima: "Multimercados Livre",
		Publico_Alvo: "Qualificado",
	},
];

const administrator = { CNPJ_Administrador: "59281253000123", Administrador: "BANCO ADMINISTRADOR S.A." };

function rows(): { funds: FundRow[]; classes: ClassRow[] } {
	const funds: FundRow[] = [];
	const classes: ClassRow[] = [];
	let id = 41_000;
	const add = (fund: FundRow, classRow: ClassRow) => {
		id++;
		const common = {
			Data_Registro: "2019-05-02",
			Data_Constituicao: "2019-04-15",
			Patrimonio_Liquido: `${(id * 7919) % 900_000_000}.${String(id % 100).padStart(2, "0")}`,
			Data_Patrimonio_Liquido: "2025-12-31",
		};
		funds.push({
			...common,
			...administrator,
			ID_Registro_Fundo: String(id),
			Codigo_CVM: String(300_000 + id),
			Tipo_Fundo: "FIF",
			Data_Adaptacao_RCVM175: "2025-06-30",
			Data_Inicio_Exercicio_Social: "2025-07-01",
			Data_Fim_Exercicio_Social: "2026-06-30",
			Diretor: "MARIA DA CONCEIÇÃO SOUZA",
			Tipo_Pessoa_Gestor: "PJ",
			...fund,
		});
		classes.push({
			...common,
			ID_Registro_Fundo: String(id),
			ID_Registro_Classe: String(id + 50_000),
			Codigo_CVM: String(400_000 + id),
			Data_Inicio: "2025-06-30",
			Tipo_Classe: "Classes de Cotas de Fundos FIF",
			Situacao: fund.Situacao,
			Data_Inicio_Situacao: fund.Data_Inicio_Situacao ?? "2025-06-30",
			Classe_Cotas: /EM COTAS/.test(fund.Denominacao_Social ?? "") ? "S" : "N",
			Tributacao_Longo_Prazo: "N/A",
			Entidade_Investimento: "N",
			Permitido_Aplicacao_CemPorCento_Exterior: "N",
			Classe_ESG: "N",
			Forma_Condominio: "Aberto",
			Exclusivo: "N",
			...classRow,
		});
	};
	for (const line of listed.split("\n")) {
		if (line.trim() === "" || line.startsWith("#")) continue;
		const [cnpj = "", fund, manager, classification, anbima, audience, fundCnpj, className] = line
			.split("|")
			.map((cell) => cell.trim());
		add(
			{
				CNPJ_Fundo: fundCnpj ?? cnpj,
				Denominacao_Social: fund,
				Situacao: "Em Funcionamento Normal",
				Data_Inicio_Situacao: "2019-05-02",
				Gestor: manager,
			},
			{
				CNPJ_Classe: cnpj,
				Denominacao_Social: className ?? fund,
				Classificacao: classification,
				Classificacao_Anbima: anbima,
				Publico_Alvo: audience,
			},
		);
	}
	for (const {
		CNPJ_Fundo,
		Denominacao_Social,
		Data_Cancelamento,
		Situacao,
		Data_Inicio_Situacao,
		Gestor,
		...rest
	} of unlisted)
		add(
			{ CNPJ_Fundo, Denominacao_Social, Data_Cancelamento, Situacao, Data_Inicio_Situacao, Gestor },
			{ CNPJ_Classe: CNPJ_Fundo, Denominacao_Social, ...rest },
		);
	return { funds, classes };
}

/** The sample sources that list funds (a pension snapshot stands for one participant's host). */
const fundSamples: Record<string, unknown>[] = [
	{ name: "btg-funds", of: "btg-funds", snapshot: "btg-funds.json" },
	{ name: "btg-funds-v2", of: "btg-funds", snapshot: "btg-funds-v2.json" },
	{ name: "xp-funds", of: "xp-funds", snapshot: "xp-funds.json" },
	{
		name: "opin-pension",
		of: "opin-pension",
		snapshot: "opin-pension.json",
		hosts: ["https://seguradora.example"],
	},
];

async function missing(): Promise<string[]> {
	const config = parseSources(
		JSON.stringify({
			sources: [
				...fundSamples
					.filter((sample) => {
						const there = existsSync(`${samples}${sample.snapshot}`);
						if (!there) console.log(`${sample.name}: no ${sample.snapshot} yet`);
						return there;
					})
					.map((sample) => ({ ...sample, type: "sample" })),
				{ name: "cvm-funds", type: "sample", of: "cvm-funds", snapshot: "cvm-registro_fundo_classe.zip" },
			],
		}),
		"sources.json",
	);
	const http = createHttp("InsightsSamples/0.1");
	const products: Product[] = [];
	const cvm = config.sources.at(-1) as Source;
	for (const source of config.sources.slice(0, -1)) {
		try {
			const adapter = adapters[source.format as keyof typeof adapters];
			products.push(
				...(await adapter(source, createReader(source, http, {}), new Date().toISOString())).products,
			);
		} catch (err) {
			console.log(`${source.name}: not read (${(err as Error).message})`);
		}
	}
	const { report } = await cvmFunds(products, cvm, createReader(cvm, http, {}));
	return report.skipped;
}

writeFileSync(target, registry(rows()));
console.log(`wrote ${target}`);
const left = await missing();
console.log(left.length === 0 ? "every sample fund is in the snapshot" : `not covered:\n${left.join("\n")}`);
