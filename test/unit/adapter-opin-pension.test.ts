/**
 * The opin-pension adapter against loopback participant hosts and a directory answering in
 * the real formats (test/fixtures/opin-insurance.ts), through the same reader and http layer
 * the collector uses. One test per quirk of ../shared/SOURCES.md's pension section.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { PensionProduct } from "../../domain/product.ts";
import { defaultHeaders } from "../../services/collector/adapters/index.ts";
import { opinPension } from "../../services/collector/adapters/opin-pension.ts";
import { createHttp, FetchError } from "../../services/collector/http.ts";
import { createReader, SourceFormatError } from "../../services/collector/reader.ts";
import { parseSources } from "../../services/collector/sources.ts";
import {
	type Company,
	type FakeHost,
	fund,
	type HostOptions,
	lifePensionPath,
	organisation,
	plan,
	startDirectory,
	startPensionHost,
} from "../fixtures/opin-insurance.ts";

const collectedAt = "2026-01-15T12:00:00.000Z";
const directoryUrl = "https://data.directory.opinbrasil.com.br/participants";

const started: FakeHost[] = [];
after(() => Promise.all(started.map((host) => host.stop())));

async function host(options: HostOptions): Promise<FakeHost> {
	const fake = await startPensionHost(options);
	started.push(fake);
	return fake;
}

/** A source as the sources file gives it; tests fail fast (no retries). */
function sourceOf(entry: Record<string, unknown>, limits: Record<string, number> = {}) {
	const file = {
		limits: { retries: 0, backoffMs: 0, timeoutMs: 3000, ...limits },
		sources: [{ name: "opin", type: "opin-pension", url: directoryUrl, ...entry }],
	};
	const [source] = parseSources(JSON.stringify(file), "/tmp/x.json").sources;
	assert.ok(source);
	return source;
}

/** Runs the adapter as run.ts does: the type's default headers, then the source's own. */
function collect(
	entry: Record<string, unknown>,
	options: { headers?: Record<string, string>; limits?: Record<string, number> } = {},
) {
	const source = sourceOf(entry, options.limits);
	const headers = options.headers ?? { ...defaultHeaders["opin-pension"], ...source.headers };
	return opinPension(source, createReader(source, createHttp("InsightsTest/1.0"), headers), collectedAt);
}

const label = (fake: FakeHost) => fake.url.replace(/^https?:\/\//, "");

// ── invented data in the spec's shape ─────────────────────────────────────────────────

const aurora = { name: "Aurora Vida e Previdência S.A.", cnpjNumber: "11222333000181" };
const rendaFixa = fund({ cnpj: "33444555000172", name: "Aurora Prev Renda Fixa DI FIC FI", adminFee: "1.5" });
const multimercado = fund({
	cnpj: "44555666000163",
	name: "Aurora Prev Multimercado Livre FIC FIM",
	adminFee: "1,8",
	performance: ["DIRETAMENTE", "20.0"],
});
const acoes = fund({
	cnpj: "55666777000154",
	name: "Aurora Prev Ações Dividendos FIC FIA",
	adminFee: "2.0",
	performance: "INDIRETAMENTE",
	minimumContribution: "5000",
});

const pgbl = plan({
	name: "Aurora PGBL Essencial",
	code: "PGBL-ESS-01",
	type: "PGBL",
	susep: "15414.900101/2020-11",
	minimums: [
		["100", "VALOR MENSAL"],
		["1000", "APORTE UNICO"],
	],
	graceDays: 60,
	paymentDays: 5,
	funds: [rendaFixa, multimercado],
});

/** The product a (plan, fund) pair becomes, with what every test pair shares. */
function pension(
	nativeId: string,
	fields: Omit<PensionProduct, "id" | "source" | "category" | "nativeId" | "collectedAt">,
): PensionProduct {
	return {
		id: `opin:pension:${nativeId}`,
		source: "opin",
		category: "pension",
		nativeId,
		collectedAt,
		audience: "general",
		openToInvestment: true,
		...fields,
	};
}

const conditions = (code: string) =>
	`https://www.seguradora.example/previdencia/${code}/condicoes-gerais.pdf`;

const pgblProducts = [
	pension("11222333000181:PGBL-ESS-01:33444555000172", {
		name: "Aurora PGBL Essencial — Aurora Prev Renda Fixa DI FIC FI",
		issuer: "Aurora Vida e Previdência S.A.",
		planType: "PGBL",
		cnpj: "33444555000172",
		fundName: "Aurora Prev Renda Fixa DI FIC FI",
		susepProcess: "15414.900101/2020-11",
		adminFee: 0.015,
		performanceFee: 0,
		redemptionDays: 5,
		minimumInvestment: 100,
		url: conditions("PGBL-ESS-01"),
		description: "Carência para resgate: 60 dias.",
	}),
	pension("11222333000181:PGBL-ESS-01:44555666000163", {
		name: "Aurora PGBL Essencial — Aurora Prev Multimercado Livre FIC FIM",
		issuer: "Aurora Vida e Previdência S.A.",
		planType: "PGBL",
		cnpj: "44555666000163",
		fundName: "Aurora Prev Multimercado Livre FIC FIM",
		susepProcess: "15414.900101/2020-11",
		adminFee: 0.018,
		performanceFee: 0.2,
		redemptionDays: 5,
		minimumInvestment: 100,
		url: conditions("PGBL-ESS-01"),
		description: "Carência para resgate: 60 dias.",
	}),
];

/** `count` PGBL plans of one fund each, for paging: codes P01, P02… */
function manyPlans(count: number): Company {
	return {
		...aurora,
		products: Array.from({ length: count }, (_, i) =>
			plan({
				name: `Aurora PGBL Série ${i + 1}`,
				code: `P${String(i + 1).padStart(2, "0")}`,
				type: "PGBL",
				susep: `15414.9002${String(i).padStart(2, "0")}/2021-00`,
				funds: [rendaFixa],
			}),
		),
	};
}
const codesOf = (products: { nativeId: string }[]) => products.map((p) => p.nativeId.split(":")[1]);

describe("opin-pension: mapping", () => {
	it("makes one pension product per (plan, fund) pair, fees as fractions, read by the spec", async () => {
		const vgbl = plan({
			name: "Aurora VGBL Qualificado",
			code: "VGBL-QLF-07",
			type: "VGBL",
			susep: "15414.900102/2020-86",
			minimums: [["25000", "APORTE UNICO"]],
			graceDays: 0,
			paymentDays: 2,
			qualified: true,
			funds: [acoes],
			terms: "Ver condições gerais na agência",
		});
		const other = plan({
			name: "Aurora Tradicional",
			code: "TRAD-1",
			type: "DEMAIS_PRODUTOS_PREVIDENCIA",
			susep: "15414.000777/2004-15",
			graceDays: 1,
			funds: [rendaFixa],
		});
		const participant = await host({ companies: [{ ...aurora, products: [pgbl, vgbl, other] }] });
		const parsed = await collect({ hosts: [participant.url] });
		assert.deepEqual(parsed, {
			fetched: 4,
			products: [
				...pgblProducts,
				// The fund's eligibility rule asks R$ 5,000, the plan R$ 25,000: the larger holds.
				// INDIRETAMENTE: the performance fee is charged inside, its maximum unpublished.
				pension("11222333000181:VGBL-QLF-07:55666777000154", {
					name: "Aurora VGBL Qualificado — Aurora Prev Ações Dividendos FIC FIA",
					issuer: "Aurora Vida e Previdência S.A.",
					planType: "VGBL",
					cnpj: "55666777000154",
					fundName: "Aurora Prev Ações Dividendos FIC FIA",
					susepProcess: "15414.900102/2020-86",
					adminFee: 0.02,
					redemptionDays: 2,
					minimumInvestment: 25000,
					audience: "qualified",
					description: "Carência para resgate: 0 dias.",
				}),
				pension("11222333000181:TRAD-1:33444555000172", {
					name: "Aurora Tradicional — Aurora Prev Renda Fixa DI FIC FI",
					issuer: "Aurora Vida e Previdência S.A.",
					planType: "DEMAIS",
					cnpj: "33444555000172",
					fundName: "Aurora Prev Renda Fixa DI FIC FI",
					susepProcess: "15414.000777/2004-15",
					adminFee: 0.015,
					performanceFee: 0,
					redemptionDays: 5,
					url: conditions("TRAD-1"),
					description: "Carência para resgate: 1 dia.",
				}),
			],
			skipped: [],
			unparsed: [],
		});
		assert.deepEqual(
			participant.requests.map((r) => [r.path, r.query.get("page"), r.query.get("page-size")]),
			[[lifePensionPath, "1", "25"]],
		);
	});

	it("skips, with reasons, what a client cannot choose, and reports what it cannot read", async () => {
		const longCode = `PLANO-${"X".repeat(74)}`;
		const company = {
			...aurora,
			products: [
				plan({ ...planBase("EMPRESA-1"), targetAudience: "PESSOA_JURIDICA", funds: [rendaFixa, acoes] }),
				plan({ ...planBase("SEM-FUNDO"), funds: [] }),
				plan({ ...planBase("SEM-CNPJ"), funds: [{ ...rendaFixa, cnpjNumber: "" }] }),
				plan({
					...planBase("ESTRANHO"),
					type: "XGBL",
					minimums: [["cem reais", "VALOR MENSAL"]],
					funds: [{ ...rendaFixa, maximumAdministrationFee: "abc" }],
				}),
				plan({ ...planBase(longCode), funds: [rendaFixa] }),
				// The same pair again, under another SUSEP process: the first listing is kept.
				plan({ ...planBase("ESTRANHO"), susep: "15414.999999/2024-99", funds: [rendaFixa] }),
			],
		};
		const participant = await host({ companies: [company] });
		const parsed = await collect({ hosts: [participant.url] });
		const longId = parsed.products.find((p) => p.name.startsWith("Plano PLANO-X"))?.nativeId;
		assert.match(longId ?? "", /^11222333000181:[0-9a-f]{16}:33444555000172$/);
		assert.deepEqual(
			parsed.products.map((p) => [
				p.nativeId,
				(p as PensionProduct).planType,
				(p as PensionProduct).adminFee,
			]),
			[
				["11222333000181:ESTRANHO:33444555000172", undefined, undefined],
				[longId, "PGBL", 0.015],
			],
		);
		const plan0 = "Aurora Vida e Previdência S.A.: plan";
		assert.deepEqual(parsed.skipped, [
			`${plan0} EMPRESA-1: sold to legal persons (targetAudience PESSOA_JURIDICA); its 2 funds left out`,
			`${plan0} SEM-FUNDO: lists no investment fund`,
			`${plan0} SEM-CNPJ, fund Aurora Prev Renda Fixa DI FIC FI: a fund without a CNPJ`,
			`${plan0} ESTRANHO, fund 33444555000172: listed again (SUSEP process 15414.999999/2024-99); the first listing is kept`,
		]);
		assert.deepEqual(parsed.unparsed, [
			`${plan0} ESTRANHO, fund 33444555000172: planType "XGBL"`,
			`${plan0} ESTRANHO, fund 33444555000172: adminFee "abc"`,
			`${plan0} ESTRANHO, fund 33444555000172: minimumInvestment "cem reais"`,
		]);
		assert.equal(parsed.fetched, 7);
	});
});

function planBase(code: string) {
	return { name: `Plano ${code}`, code, type: "PGBL", susep: "15414.900300/2022-10" };
}

describe("opin-pension: the quirks of SOURCES.md", () => {
	it("sends cache-control (a host answers 400 without it); the sources file may override it", async () => {
		const participant = await host({ companies: [{ ...aurora, products: [pgbl] }] });
		const parsed = await collect({ hosts: [participant.url] });
		assert.equal(parsed.products.length, 2);
		assert.equal(participant.requests[0]?.headers["cache-control"], "no-cache");

		await assert.rejects(collect({ hosts: [participant.url] }, { headers: {} }), (err: FetchError) => {
			assert.ok(err instanceof FetchError);
			assert.equal(err.kind, "http");
			assert.equal(err.httpStatus, 400);
			assert.equal(err.message, `host ${label(participant)}: HTTP 400`);
			return true;
		});

		await collect({ hosts: [participant.url], headers: { "cache-control": "max-age=0" } });
		assert.equal(participant.requests.at(-1)?.headers["cache-control"], "max-age=0");
	});

	it("reads funds from defferalPeriod (the spec's spelling) and grantPeriodBenefit, each fund once", async () => {
		const both = plan({
			name: "Aurora VGBL Renda",
			code: "VGBL-REN-02",
			type: "VGBL",
			susep: "15414.900103/2020-41",
			funds: [rendaFixa],
			// Listed again in the benefit period, with other fees: the accumulation listing is kept.
			grantFunds: [{ ...rendaFixa, maximumAdministrationFee: "0.9" }, acoes],
		});
		const grantOnly = plan({
			name: "Aurora PGBL Renda",
			code: "PGBL-REN-02",
			type: "PGBL",
			susep: "15414.900104/2020-05",
			funds: [],
			grantFunds: [multimercado],
		});
		const participant = await host({ companies: [{ ...aurora, products: [both, grantOnly] }] });
		const parsed = await collect({ hosts: [participant.url] });
		assert.deepEqual(
			parsed.products.map((p) => [p.nativeId, (p as PensionProduct).adminFee]),
			[
				["11222333000181:VGBL-REN-02:33444555000172", 0.015],
				["11222333000181:VGBL-REN-02:55666777000154", 0.02],
				["11222333000181:PGBL-REN-02:44555666000163", 0.018],
			],
		);
		assert.deepEqual(parsed.skipped, []);
	});

	it("follows meta.totalPages when a host serves fewer plans than page-size asks", async () => {
		// XP answered 10 plans to a page-size of 1,000, and counted its pages by what it served.
		const capped = await host({ companies: [manyPlans(5)], maxPageSize: 2 });
		const parsed = await collect({ hosts: [capped.url], pageSize: 50 });
		assert.deepEqual(codesOf(parsed.products), ["P01", "P02", "P03", "P04", "P05"]);
		assert.deepEqual(
			capped.requests.map((r) => r.query.toString()),
			["page=1&page-size=50", "page=2&page-size=50", "page=3&page-size=50"],
		);
		assert.deepEqual(parsed.skipped, []);
	});

	it("says so when a host drops plans silently under a large page size", async () => {
		// Counted by the size asked, the pages say 1 while 2 plans of 5 were served.
		const dropping = await host({ companies: [manyPlans(5)], maxPageSize: 2, pagesFromAsked: true });
		const parsed = await collect({ hosts: [dropping.url], pageSize: 50 });
		assert.deepEqual(codesOf(parsed.products), ["P01", "P02"]);
		assert.deepEqual(parsed.skipped, [
			`host ${label(dropping)}: meta.totalRecords says 5 plans but its pages listed 2: it drops some silently (try a smaller pageSize)`,
		]);
	});

	it("fails a host whose TLS chain is not trusted here as TLS, naming NODE_EXTRA_CA_CERTS", async () => {
		const icp = await host({ companies: [{ ...aurora, products: [pgbl] }], untrustedTls: true });
		await assert.rejects(collect({ hosts: [icp.url] }), (err: FetchError) => {
			assert.ok(err instanceof FetchError);
			assert.equal(err.kind, "tls");
			assert.match(err.message, new RegExp(`^host ${label(icp)}: TLS failure \\(\\w+\\)`));
			assert.match(err.message, /NODE_EXTRA_CA_CERTS/);
			return true;
		});
	});
});

describe("opin-pension: hosts", () => {
	it("finds the life-pension hosts in the participants directory, in its real format", async () => {
		const first = await host({ companies: [{ ...aurora, products: [pgbl] }] });
		const second = await host({
			brand: "BOREAL",
			companies: [
				{
					name: "Boreal Previdência S.A.",
					cnpjNumber: "66777888000145",
					products: [
						plan({
							name: "Boreal VGBL",
							code: "BV1",
							type: "VGBL",
							susep: "15414.700001/2019-31",
							funds: [multimercado],
						}),
					],
				},
			],
		});
		const inactive = await host({ companies: [{ ...aurora, products: [pgbl] }] });
		const endpoint = (fake: FakeHost, version = "v2", family = "life-pension") =>
			`${fake.url}/open-insurance/products-services/${version}/${family}`;
		const directory = await startDirectory([
			organisation({
				id: "0d7b810c-0000-4000-8000-000000000001",
				name: "AURORA SEGUROS S.A.",
				cnpj: "11222333000181",
				servers: [
					[
						["products-services_life-pension", "2.0.0", [endpoint(first)]],
						["products-services_pension-plan", "2.0.0", [endpoint(first, "v2", "pension-plan")]],
					],
					// The same host again, through another authorisation server and the v1 path.
					[["products-services_life-pension", "1.4.0", [endpoint(first, "v1")]]],
				],
			}),
			organisation({
				id: "0d7b810c-0000-4000-8000-000000000002",
				name: "BOREAL SEGUROS S.A.",
				cnpj: "66777888000145",
				servers: [[["products-services_life-pension", "2.0.0", [endpoint(second)]]]],
			}),
			organisation({
				id: "0d7b810c-0000-4000-8000-000000000003",
				name: "CEDRO SEGUROS S.A.",
				cnpj: "77888999000136",
				status: "Inactive",
				servers: [[["products-services_life-pension", "2.0.0", [endpoint(inactive)]]]],
			}),
			organisation({
				id: "0d7b810c-0000-4000-8000-000000000004",
				name: "DUNA CAPITALIZAÇÃO S.A.",
				cnpj: "88999000000127",
				servers: [[["products-services_capitalization-title", "1.4.0", ["https://api.duna.example"]]]],
			}),
			organisation({
				id: "0d7b810c-0000-4000-8000-000000000005",
				name: "ERVA VIDA S.A.",
				cnpj: "99000111000118",
				servers: [
					[
						[
							"products-services_life-pension",
							"2.0.0",
							["https://api-hml.erva.example/open-insurance/products-services/v2/life-pension"],
						],
					],
				],
			}),
		]);
		started.push(directory);
		const parsed = await collect({ url: directory.url });
		assert.deepEqual(
			parsed.products.map((p) => [p.nativeId, p.issuer]),
			[
				["11222333000181:PGBL-ESS-01:33444555000172", "Aurora Vida e Previdência S.A."],
				["11222333000181:PGBL-ESS-01:44555666000163", "Aurora Vida e Previdência S.A."],
				["66777888000145:BV1:44555666000163", "Boreal Previdência S.A."],
			],
		);
		assert.deepEqual(parsed.skipped, [
			`host api-hml.erva.example: ERVA VIDA S.A. lists a homologation or sandbox host; not read (name it in "hosts" to read it)`,
		]);
		assert.equal(directory.requests.length, 1);
		assert.equal(first.requests.length, 1);
		assert.equal(inactive.requests.length, 0);
	});

	it("fails by name when the directory's shape changed or lists no life-pension endpoint", async () => {
		const wrapped = await startDirectory({ data: [] });
		const none = await startDirectory([
			organisation({
				id: "1",
				name: "DUNA",
				cnpj: "88999000000127",
				servers: [[["products-services_person", "1.0.0", ["https://api.duna.example"]]]],
			}),
		]);
		const renamed = await startDirectory([{ OrganisationId: "1", Servers: [] }]);
		started.push(wrapped, none, renamed);
		await assert.rejects(collect({ url: wrapped.url }), {
			name: "SourceFormatError",
			message: "participants directory: expected an array of organisations, got {data}",
		});
		await assert.rejects(collect({ url: none.url }), {
			name: "SourceFormatError",
			message:
				"participants directory: no active organisation lists a products-services_life-pension endpoint (1 organisations)",
		});
		await assert.rejects(collect({ url: renamed.url }), {
			name: "SourceFormatError",
			message:
				"participants directory: expected organisations with AuthorisationServers[], got {OrganisationId,Servers}",
		});
	});

	it("goes on when a host fails, reporting it first; fails only when every host failed", async () => {
		const good = await host({ companies: [{ ...aurora, products: [pgbl] }] });
		const missing = await host({ status: 404 });
		const slow = await host({ companies: [{ ...aurora, products: [pgbl] }], delayMs: 1000 });
		const closed = await host({});
		await closed.stop();
		const parsed = await collect(
			{ hosts: [missing.url, good.url, slow.url, closed.url] },
			{ limits: { timeoutMs: 200 } },
		);
		assert.deepEqual(parsed.products, pgblProducts);
		assert.deepEqual(parsed.skipped, [
			`host ${label(missing)}: HTTP 404`,
			`host ${label(slow)}: timed out after 200 ms`,
			`host ${label(closed)}: network error (ECONNREFUSED)`,
		]);

		await assert.rejects(collect({ hosts: [missing.url, good.url] }, { headers: {} }), (err: FetchError) => {
			// Without cache-control both refuse before anything else.
			assert.equal(err.kind, "http");
			assert.equal(err.httpStatus, 400);
			assert.equal(
				err.message,
				`every host failed (2): host ${label(missing)}: HTTP 400; host ${label(good)}: HTTP 400`,
			);
			return true;
		});
		await assert.rejects(
			collect({ hosts: [missing.url, closed.url] }),
			(err: FetchError) => err.kind === "other" && /^every host failed \(2\)/.test(err.message),
		);
	});

	it("fails a host whose answer changed shape, by name; the source when it was the only one", async () => {
		const good = await host({ companies: [{ ...aurora, products: [pgbl] }] });
		const brands = await host({ body: JSON.stringify({ data: { brand: [] }, links: {}, meta: {} }) });
		const noMeta = await host({ body: JSON.stringify({ data: { brand: { name: "X", companies: [] } } }) });
		const renamedPeriods = (() => {
			const { defferalPeriod, ...rest } = pgbl.productDetails[0] ?? {};
			return {
				...pgbl,
				productDetails: [{ ...rest, accumulationPeriod: defferalPeriod, grantPeriodBenefit: null }],
			};
		})();
		const renamed = await host({ companies: [{ ...aurora, products: [renamedPeriods] }] });
		const empty = await host({ body: "" });

		await assert.rejects(collect({ hosts: [brands.url] }), {
			name: "SourceFormatError",
			message: `host ${label(brands)}: expected {data:{brand:{companies:[…]}},links,meta:{totalRecords,totalPages}}, got data.brand: an array`,
		});
		await assert.rejects(collect({ hosts: [noMeta.url] }), {
			name: "SourceFormatError",
			message: `host ${label(noMeta)}: expected meta.totalPages (an integer), got no meta`,
		});
		await assert.rejects(collect({ hosts: [renamed.url] }), (err: Error) => {
			assert.ok(err instanceof SourceFormatError);
			assert.match(
				err.message,
				/every plan differs from the spec; .*plan PGBL-ESS-01: expected productDetails\[\]\.defferalPeriod or grantPeriodBenefit, got \{susepProcessNumber,/,
			);
			return true;
		});
		const parsed = await collect({ hosts: [good.url, empty.url] });
		assert.deepEqual(parsed.products, pgblProducts);
		assert.deepEqual(parsed.skipped, [
			`host ${label(empty)}: expected {data:{brand:{companies:[…]}},links,meta:{totalRecords,totalPages}}, got an empty body`,
		]);
	});

	it("reads at most maxPages pages of a host, and says so", async () => {
		const endless = await host({ companies: [manyPlans(3)], maxPageSize: 1, totalPages: 500 });
		const parsed = await collect({ hosts: [endless.url], maxPages: 2 });
		assert.deepEqual(codesOf(parsed.products), ["P01", "P02"]);
		assert.equal(endless.requests.length, 2);
		assert.deepEqual(parsed.skipped, [`host ${label(endless)}: 500 pages; only the first 2 read (maxPages)`]);
	});
});

describe("opin-pension: the bundled snapshot", () => {
	const sample = { type: "sample", of: "opin-pension", snapshot: "opin-pension.json" };

	it("reads as one host's only page", async () => {
		const parsed = await collect({ ...sample, hosts: ["https://api.seguradora.example"] });
		// Three plans over seven funds, one of them only under grantPeriodBenefit.
		assert.equal(parsed.fetched, 10);
		assert.equal(parsed.products.length, 10);
		assert.deepEqual(parsed.skipped, []);
		assert.deepEqual(parsed.unparsed, []);
		const types = new Set(parsed.products.map((p) => (p as PensionProduct).planType));
		assert.deepEqual([...types].sort(), ["PGBL", "VGBL"]);
		for (const product of parsed.products) {
			const p = product as PensionProduct;
			assert.ok(p.cnpj && p.fundName && p.susepProcess && p.adminFee !== undefined, p.nativeId);
		}
	});

	it("needs exactly one host, since a snapshot answers every URL alike", async () => {
		await assert.rejects(collect(sample), /needs "hosts" with exactly one host/);
	});
});
