/**
 * Issue 19's "a fund seen at BTG and XP is one tip with two venues", on the sources' real
 * formats served on loopback (docs/venues.md): BTG's v2 list and XP's yield portal listing
 * one fund (CNPJ 38.309.834/0001-56), Tesouro Direto's CSV and the house's CSV listing one
 * title (Tesouro IPCA+ 2035). Each is one product with its venues; each client hears of it
 * once, at the venue whose conditions fit them best; a fee moving at one venue reaches only
 * the clients who constrain fees, saying where; the audit names the venue.
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
import { type Client, inbox, verifiedClient } from "../fixtures/clients.ts";
import { getJson, type RunningSystem, sharedClock, startSystem, tempDir, waitFor } from "../harness.ts";

const token = "venues-operator-token-0123456789abcdef";
const xpKey = "xp-subscription-key-for-venue-tests";
const cnpj = "38309834000156";

type Row = Awaited<ReturnType<typeof inbox>>["rows"][number] & {
	venue?: string;
	changes?: { field: string; before?: unknown; after?: unknown }[];
	product?: Product;
};

describe("one product across brokers", () => {
	const dir = tempDir();
	let api: ApiFixture;
	let system: RunningSystem;
	let first: CollectorRunSummary;
	/** XP's admin fee for the fund, as its API writes it (percent); the second run moves it. */
	let xpFee = "0,80";
	const clients: Record<string, Client> = {};

	const run = async (): Promise<CollectorRunSummary> => {
		const res = await getJson(`${system.url}/api/collector/run`, {
			method: "POST",
			headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
			body: "{}",
		});
		assert.equal(res.status, 200, JSON.stringify(res.body));
		return res.body;
	};
	const rowsOf = async (name: string): Promise<Row[]> =>
		(await inbox(system.url, clients[name] as Client)).rows as Row[];
	const productOf = async (category: string, match: (product: Product) => boolean) => {
		const { body } = await getJson(`${system.url}/api/products?category=${category}&pageSize=100`);
		return (body.rows as Product[]).filter(match);
	};

	before(async () => {
		const latest = tesouroDay(sharedClock.now(), 1);
		const tesouroCsv = [
			tesouroHeader,
			`Tesouro IPCA+;15/05/2035;${latest};7,12;7,24;1834,56;1820,12;1819,88`,
			`Tesouro Selic;01/03/2029;${latest};0,0521;0,0621;17274,80;17260,10;17255,02`,
		].join("\r\n");
		api = await startApiFixture(({ url, headers }) => {
			if (url.pathname === "/btg/list/v2") return { body: btgPageV2([btgFundV2()], 1, 1) };
			if (url.pathname === "/xp/investment-funds") {
				if (headers["ocp-apim-subscription-key"] !== xpKey)
					return { status: 403, body: { message: "Forbidden" } };
				// The same fund as BTG's first, under XP's own id, with its own minimum and fees.
				return {
					body: {
						data: [
							xpFund({
								cnpj: "38.309.834/0001-56",
								name: "Aurora Crédito Corporativo FIC RF CP",
								minimalInitialInvestment: "1.000,00",
								administrationRate: xpFee,
								xpRisk: 2,
							}),
						],
					},
				};
			}
			if (url.pathname === "/tesouro/PrecoTaxaTesouroDireto.csv")
				return { body: tesouroCsv, contentType: "text/csv; charset=ISO-8859-1" };
			return { status: 404, body: { message: "not found" } };
		});
		// The house's own list sells the same title, with its own minimum and link.
		const houseCsv = join(dir.path, "house.csv");
		writeFileSync(
			houseCsv,
			[
				"id,category,name,issuer,instrument,rate,maturityDate,minimumInvestment,riskLevel,url",
				"ipca-2035,fixed_income,Tesouro IPCA+ 2035 (casa),Tesouro Nacional,Tesouro IPCA+,IPCA + 7.10%,2035-05-15,100,1,https://casa.example/tesouro-ipca-2035",
			].join("\n"),
		);
		const sourcesFile = join(dir.path, "sources.json");
		writeFileSync(
			sourcesFile,
			JSON.stringify({
				runAtStart: false,
				limits: { timeoutMs: 5_000, retries: 0, backoffMs: 10, maxBytes: 1_000_000, perHostConcurrency: 2 },
				sources: [
					{ name: "btg-funds", label: "BTG Pactual", type: "btg-funds", url: `${api.url}/btg/list/v2` },
					{
						name: "xp-funds",
						label: "XP Investimentos",
						type: "xp-funds",
						url: `${api.url}/xp/investment-funds?onlyrpps=false&family=null`,
						// biome-ignore lint/suspicious/noTemplateCurlyInString: a sources-file placeholder, not a template
						headers: { "ocp-apim-subscription-key": "${XP_API_KEY}" },
					},
					{
						name: "tesouro-direto",
						label: "Tesouro Direto",
						type: "tesouro-direto",
						url: `${api.url}/tesouro/PrecoTaxaTesouroDireto.csv`,
					},
					{ name: "house", label: "Seleção da casa", type: "file", path: houseCsv },
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
		const data = join(dir.path, "data");
		clients.small = await verifiedClient(system.url, data, "pequeno@example.com", {
			fund: { minimumInvestment: { max: 600 } },
		});
		clients.fees = await verifiedClient(system.url, data, "taxas@example.com", {
			fund: { adminFee: { max: 0.01 } },
		});
		clients.any = await verifiedClient(system.url, data, "qualquer@example.com", { fund: {} });
		clients.tesouro = await verifiedClient(system.url, data, "tesouro@example.com", {
			fixed_income: { rateIndex: { in: ["IPCA"] } },
		});
		first = await run();
	});
	after(async () => {
		await system?.stop();
		await api?.stop();
		dir.remove();
	});

	it("makes the fund at BTG and at XP one product with both venues side by side", async () => {
		for (const name of ["btg-funds", "xp-funds", "tesouro-direto", "house"])
			assert.equal(first.sources[name]?.status, "ok", `${name}: ${JSON.stringify(first.sources[name])}`);
		const funds = await productOf("fund", (product) => (product as { cnpj?: string }).cnpj === cnpj);
		assert.equal(funds.length, 1, "one product for the CNPJ");
		const [fund] = funds as [Product & { adminFee?: number }];
		assert.equal(fund.id, `btg-funds:fund:${cnpj}`, "named by the listing that brought it (first by id)");
		assert.equal(fund.instrumentKey, `fund:cnpj:${cnpj}`);
		const venues = fund.venues ?? {};
		assert.deepEqual(Object.keys(venues).sort(), ["btg-funds", "xp-funds"]);
		assert.equal(venues["btg-funds"]?.label, "BTG Pactual");
		assert.equal(venues["btg-funds"]?.minimumInvestment, 500);
		assert.equal(venues["btg-funds"]?.adminFee, undefined, "BTG's v2 list says nothing of fees");
		assert.match(
			venues["btg-funds"]?.url ?? "",
			/^https:\/\/investimentos\.btgpactual\.com\/fundos-de-investimento\//,
		);
		assert.equal(venues["xp-funds"]?.minimumInvestment, 1_000);
		assert.equal(venues["xp-funds"]?.adminFee, 0.008);
		assert.equal(venues["xp-funds"]?.listingId, "xp-funds:fund:6f1c2a7e-0000-4000-8000-000000000001");
		assert.equal(fund.minimumInvestment, 500, "the lowest minimum where it is open");
		assert.equal(fund.adminFee, 0.008);
	});

	it("makes the Tesouro title at Tesouro Direto and at the house one product", async () => {
		const titles = await productOf(
			"fixed_income",
			(product) => product.instrumentKey?.includes("tesouro ipca+") ?? false,
		);
		assert.equal(titles.length, 1);
		assert.equal(titles[0]?.instrumentKey, "fixed_income:tesouro:tesouro ipca+:2035-05-15");
		assert.deepEqual(Object.keys(titles[0]?.venues ?? {}).sort(), ["house", "tesouro-direto"]);
		assert.equal(titles[0]?.venues?.house?.minimumInvestment, 100);
		const rows = await waitFor(async () => {
			const found = await rowsOf("tesouro");
			return found.length >= 1 && found;
		});
		assert.deepEqual(
			rows.map((row) => row.productId),
			[titles[0]?.id],
			"one tip for the title, not one per venue",
		);
	});

	it("tells each client once, at the venue whose conditions fit them best, with that venue's reasons", async () => {
		const productId = `btg-funds:fund:${cnpj}`;
		const tips = async (name: string) =>
			waitFor(async () => {
				const rows = (await rowsOf(name)).filter((row) => row.productId === productId);
				return rows.length > 0 && rows;
			});
		const small = await tips("small");
		assert.equal(small.length, 1);
		assert.equal(small[0]?.venue, "btg-funds");
		assert.deepEqual(small[0]?.reasons, [
			{ field: "minimumInvestment", operator: "≤", value: 500, bound: 600 },
		]);
		const fees = await tips("fees");
		assert.equal(fees.length, 1);
		assert.equal(fees[0]?.venue, "xp-funds", "only XP says what the fee is");
		assert.deepEqual(fees[0]?.reasons, [{ field: "adminFee", operator: "≤", value: 0.008, bound: 0.01 }]);
		const any = await tips("any");
		assert.equal(any.length, 1);
		assert.equal(Object.keys(any[0]?.product?.venues ?? {}).length, 2, "the tip carries both venues");
	});

	it("publishes nothing new when the sources say the same again", async () => {
		const second = await run();
		assert.equal(second.published, 0);
	});

	it("sends a fee change at one venue only to who constrains fees, saying where", async () => {
		xpFee = "0,75";
		const third = await run();
		assert.equal(third.published, 1);
		const { body: publication } = await getJson(
			`${system.url}/api/publications/${third.publicationId}?withChanges=true&withProducts=false`,
		);
		assert.deepEqual(publication.changes, {
			[`btg-funds:fund:${cnpj}`]: [{ field: "venues.xp-funds.adminFee", before: 0.008, after: 0.0075 }],
		});
		const changed = await waitFor(async () => {
			const rows = (await rowsOf("fees")).filter((row) => row.publicationId === third.publicationId);
			return rows.length > 0 && rows;
		});
		assert.deepEqual(changed[0]?.changes, [
			{ field: "venues.xp-funds.adminFee", before: 0.008, after: 0.0075 },
		]);
		assert.equal(changed[0]?.venue, "xp-funds");
		// Wait until the fee client's tip is there, then the others must have nothing new.
		for (const name of ["small", "any"])
			assert.deepEqual(
				(await rowsOf(name)).filter((row) => row.publicationId === third.publicationId),
				[],
				`${name} does not constrain fees`,
			);
	});

	it("names the venue in the audit trail", async () => {
		const res = await getJson(`${system.url}/api/admin/audit?subscriberId=${clients.small?.id}`, {
			headers: { authorization: `Bearer ${token}` },
		});
		assert.equal(res.status, 200, JSON.stringify(res.body));
		const rows = (res.body.rows as { productId: string; venue?: string }[]).filter(
			(row) => row.productId === `btg-funds:fund:${cnpj}`,
		);
		assert.deepEqual(
			rows.map((row) => row.venue),
			["btg-funds"],
		);
	});
});
