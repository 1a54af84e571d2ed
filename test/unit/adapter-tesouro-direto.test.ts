/**
 * The tesouro-direto adapter against a real HTTP server on loopback that answers in the real
 * formats (docs/sources.md): PrecoTaxaTesouroDireto.csv (latin-1, `;`, decimal comma, every
 * base date in no order) and the site's offers CSV (UTF-8 with a BOM). Invented values, real
 * shapes. Every run has a fixed `collectedAt`: nothing here depends on today's date.
 */
import assert from "node:assert/strict";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { tesouroDireto, tesouroDiretoPage } from "../../services/collector/adapters/tesouro-direto.ts";
import { createHttp, FetchError } from "../../services/collector/http.ts";
import type { Parsed } from "../../services/collector/normalize.ts";
import { createReader, SourceFormatError } from "../../services/collector/reader.ts";
import { parseSources } from "../../services/collector/sources.ts";

/** 12:00 on 06/05/2026 in Brasília. */
const at = "2026-05-06T15:00:00.000Z";
const header =
	"Tipo Titulo;Data Vencimento;Data Base;Taxa Compra Manha;Taxa Venda Manha;PU Compra Manha;PU Venda Manha;PU Base Manha";

/** Several titles over several base dates, in no order, as the real file comes. */
const rows = [
	"Tesouro Prefixado;01/01/2029;04/05/2026;13,15;13,27;741,02;738,11;738,11",
	"Tesouro Prefixado;01/01/2029;05/05/2026;13,12;13,24;742,31;739,40;739,40",
	"Tesouro Prefixado;01/01/2029;30/04/2026;13,20;13,32;739,87;736,95;736,95",
	"Tesouro IPCA+;15/05/2035;05/05/2026;7,12;7,24;2208,11;2182,12;2182,12",
	"Tesouro IPCA+;15/05/2035;04/05/2026;7,15;7,27;2201,40;2175,52;2175,52",
	"Tesouro IPCA+ com Juros Semestrais;15/08/2040;04/05/2026;7,36;7,48;4031,10;3985,00;3985,00",
	"Tesouro IPCA+ com Juros Semestrais;15/08/2040;05/05/2026;7,33;7,45;4038,79;3992,37;3992,37",
	"Tesouro Prefixado com Juros Semestrais;01/01/2031;05/05/2026;13,99;14,11;889,30;884,93;884,93",
	// Selic titles trade at par: a buying rate of 0,00 (even "-0,00") is a rate, not a title off sale.
	"Tesouro Selic;01/03/2027;05/05/2026;-0,00;0,01;17482,19;17472,09;17472,09",
	"Tesouro Selic;01/03/2029;05/05/2026;0,11;0,12;17415,00;17400,03;17400,03",
	"Tesouro Selic;01/03/2029;04/05/2026;0,10;0,11;17400,25;17385,31;17385,31",
	"Tesouro Renda+ Aposentadoria Extra;15/12/2049;05/05/2026;7,32;7,44;1742,26;1717,26;1717,26",
	"Tesouro Educa+;15/12/2035;05/05/2026;7,41;7,53;2532,16;2507,96;2507,96",
	// Not offered: matured, stale, IGP-M, a type we do not know, no buying rate or price.
	"Tesouro Prefixado;01/01/2026;30/12/2025;14,93;15,05;999,61;999,57;999,57",
	"Tesouro IPCA+ com Juros Semestrais;15/05/2045;24/04/2026;7,35;7,47;4023,32;3971,68;3971,68",
	"Tesouro IPCA+ com Juros Semestrais;15/05/2045;23/04/2026;7,36;7,48;4020,10;3968,40;3968,40",
	"Tesouro IGPM+ com Juros Semestrais;01/01/2031;05/05/2026;7,46;7,58;8178,58;8135,06;8135,06",
	"Tesouro Poupança+;15/05/2030;05/05/2026;6,90;7,02;3100,00;3080,00;3080,00",
	"Tesouro IPCA+;15/08/2050;05/05/2026;;7,25;;774,22;774,22",
	"Tesouro IPCA+;15/08/2050;04/05/2026;7,11;7,23;790,00;775,00;775,00",
	"Tesouro Prefixado;01/01/2032;05/05/2026;13,93;14,05;0,00;418,00;418,00",
];

const latin1 = (text: string) => Buffer.from(text, "latin1");
const csv = (lines: string[], end = "\r\n") => latin1(`${[header, ...lines].join(end)}${end}`);

function offered(
	nativeId: string,
	name: string,
	maturityDate: string,
	rate: { index: string; spread: number },
	unitPrice: number,
	extra: Record<string, unknown> = {},
) {
	return {
		id: `tesouro:fixed_income:${nativeId}`,
		source: "tesouro",
		category: "fixed_income",
		nativeId,
		name,
		instrument: name.replace(/ \d{4}$/, ""),
		issuer: "Tesouro Nacional",
		rate,
		maturityDate,
		unitPrice,
		riskLevel: 1,
		audience: "general",
		openToInvestment: true,
		taxExempt: false,
		url: tesouroDiretoPage,
		collectedAt: at,
		...extra,
	};
}

const educa = offered(
	"tesouro-educa-2035-12-15",
	"Tesouro Educa+ 2031",
	"2035-12-15",
	{ index: "IPCA", spread: 0.0741 },
	2532.16,
);
const ipca = offered(
	"tesouro-ipca-2035-05-15",
	"Tesouro IPCA+ 2035",
	"2035-05-15",
	{ index: "IPCA", spread: 0.0712 },
	2208.11,
);
const ipcaJuros = offered(
	"tesouro-ipca-com-juros-semestrais-2040-08-15",
	"Tesouro IPCA+ com Juros Semestrais 2040",
	"2040-08-15",
	{ index: "IPCA", spread: 0.0733 },
	4038.79,
);
const prefixado = offered(
	"tesouro-prefixado-2029-01-01",
	"Tesouro Prefixado 2029",
	"2029-01-01",
	{ index: "PRE", spread: 0.1312 },
	742.31,
);
const prefixadoJuros = offered(
	"tesouro-prefixado-com-juros-semestrais-2031-01-01",
	"Tesouro Prefixado com Juros Semestrais 2031",
	"2031-01-01",
	{ index: "PRE", spread: 0.1399 },
	889.3,
);
const renda = offered(
	"tesouro-renda-aposentadoria-extra-2049-12-15",
	"Tesouro Renda+ Aposentadoria Extra 2030",
	"2049-12-15",
	{ index: "IPCA", spread: 0.0732 },
	1742.26,
);
const selic2027 = offered(
	"tesouro-selic-2027-03-01",
	"Tesouro Selic 2027",
	"2027-03-01",
	{ index: "SELIC", spread: 0 },
	17482.19,
);
const selic2029 = offered(
	"tesouro-selic-2029-03-01",
	"Tesouro Selic 2029",
	"2029-03-01",
	{ index: "SELIC", spread: 0.0011 },
	17415,
);
const allOffered = [educa, ipca, ipcaJuros, prefixado, prefixadoJuros, renda, selic2027, selic2029];

const notOffered = [
	"Tesouro IGPM+ com Juros Semestrais 2031-01-01: indexed to IGP-M, which Insights' rates (CDI, IPCA, PRE, SELIC) cannot express",
	"Tesouro IPCA+ 2050-08-15: no buying rate or price on 2026-05-05: not on sale",
	"Tesouro IPCA+ com Juros Semestrais 2045-05-15: latest base date 2026-04-24 is 12 days old (maxAgeDays 7): no longer priced",
	'Tesouro Poupança+ 2030-05-15: title type "Tesouro Poupança+" is not one this adapter knows',
	"Tesouro Prefixado 2026-01-01: matured on 2026-01-01",
	"Tesouro Prefixado 2032-01-01: no buying rate or price on 2026-05-05: not on sale",
];

/** How the loopback site answers one path. */
type Answer = (res: ServerResponse) => Promise<void> | void;

/** The whole body at once, with its length. */
const whole =
	(body: Buffer, type = "text/csv", status = 200): Answer =>
	(res) => {
		res.writeHead(status, { "content-type": type, "content-length": body.length }).end(body);
	};

/** The body in the given pieces, chunked, with a pause between them so they arrive apart. */
const pieces =
	(parts: Buffer[], type = "text/csv"): Answer =>
	async (res) => {
		res.writeHead(200, { "content-type": type });
		for (const part of parts) {
			res.write(part);
			await new Promise((resolve) => setTimeout(resolve, 15));
		}
		res.end();
	};

/** A body of many MB written as it is made, respecting backpressure. */
const streamed =
	(lines: () => Generator<string>): Answer =>
	async (res) => {
		res.writeHead(200, { "content-type": "text/csv" });
		let batch: string[] = [];
		const flush = async () => {
			if (!res.write(latin1(batch.join("")))) await new Promise((resolve) => res.once("drain", resolve));
			batch = [];
		};
		for (const line of lines()) {
			batch.push(line);
			if (batch.length === 2000) await flush();
		}
		await flush();
		res.end();
	};

const routes = new Map<string, Answer>();
let site = "";
const server = createServer(async (req, res) => {
	const answer = routes.get(new URL(req.url ?? "/", "http://x").pathname);
	if (!answer) res.writeHead(404).end("not found");
	else await answer(res);
});

before(async () => {
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	site = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

let served = 0;
/** Serves `answer` at a new path and returns its URL. */
function serve(answer: Answer): string {
	const path = `/${++served}/PrecoTaxaTesouroDireto.csv`;
	routes.set(path, answer);
	return `${site}${path}`;
}

/** One run of the adapter over a source as the sources file would declare it. */
function collect(source: Record<string, unknown>, collectedAt = at): Promise<Parsed> {
	const declared = { name: "tesouro", type: "tesouro-direto", limits: { retries: 0 }, ...source };
	const [parsed] = parseSources(JSON.stringify({ sources: [declared] }), "/tmp/x.json").sources;
	assert.ok(parsed);
	return tesouroDireto(parsed, createReader(parsed, createHttp("InsightsTest/1.0"), {}), collectedAt);
}

describe("tesouro-direto: PrecoTaxaTesouroDireto.csv", () => {
	it("offers each title once, at its latest base date, with fractions, ISO dates and the site's names", async () => {
		const parsed = await collect({ url: serve(whole(csv(rows))) });
		assert.deepEqual(parsed.products, allOffered);
		assert.equal(parsed.fetched, 14);
		assert.deepEqual(parsed.unparsed, []);
	});

	it("says why each title it does not offer is left out", async () => {
		const parsed = await collect({ url: serve(whole(csv(rows))) });
		assert.deepEqual(parsed.skipped, notOffered);
	});

	it("finds the latest base date wherever the file puts it", async () => {
		const reversed = await collect({ url: serve(whole(csv([...rows].reverse()))) });
		assert.deepEqual(reversed.products, allOffered);
		assert.deepEqual(reversed.skipped, notOffered);
	});

	it("reads CRLF and LF line ends alike (no \\r left on the last column or the header)", async () => {
		const lf = await collect({ url: serve(whole(csv(rows, "\n"))) });
		assert.deepEqual(lf.products, allOffered);
		const noFinalEnd = await collect({ url: serve(whole(csv(rows).subarray(0, -2))) });
		assert.deepEqual(noFinalEnd.products, allOffered);
	});

	it("decodes latin-1 across chunks that split a line and fall on an accented byte", async () => {
		const body = csv(rows);
		const accent = body.indexOf(0xe7); // "ç" of "Poupança", one byte in latin-1
		const midLine = body.indexOf(latin1("Tesouro Educa+")) + 9;
		const parsed = await collect({
			url: serve(
				pieces([
					body.subarray(0, 30), // inside the header
					body.subarray(30, midLine),
					body.subarray(midLine, accent),
					body.subarray(accent, accent + 1),
					body.subarray(accent + 1),
				]),
			),
		});
		assert.deepEqual(parsed.products, allOffered);
		assert.deepEqual(parsed.skipped, notOffered);
	});

	it("keeps a zero or negative Selic buying rate as the rate it is", async () => {
		const parsed = await collect({
			url: serve(whole(csv(["Tesouro Selic;01/03/2031;05/05/2026;-0,02;-0,01;17301,12;17295,40;17295,40"]))),
		});
		assert.deepEqual(
			parsed.products.map((p) => ("rate" in p ? p.rate : undefined)),
			[{ index: "SELIC", spread: -0.0002 }],
		);
	});

	it("counts a title as matured from the first minute of its maturity day in Brasília", async () => {
		const url = serve(whole(csv(["Tesouro IPCA+;15/05/2026;14/05/2026;6,10;6,22;4380,00;4379,10;4379,10"])));
		// 23:00 on 14/05 in Brasília is already the 15th in UTC: still on sale.
		const eve = await collect({ url }, "2026-05-15T02:00:00.000Z");
		assert.deepEqual(
			eve.products.map((p) => p.nativeId),
			["tesouro-ipca-2026-05-15"],
		);
		const day = await collect({ url }, "2026-05-15T03:00:00.000Z");
		assert.deepEqual(day.products, []);
		assert.deepEqual(day.skipped, ["Tesouro IPCA+ 2026-05-15: matured on 2026-05-15"]);
	});

	it("measures staleness against the run's collectedAt with the source's maxAgeDays", async () => {
		const url = serve(whole(csv(rows)));
		const patient = await collect({ url, maxAgeDays: 14 });
		assert.ok(patient.products.some((p) => p.nativeId === "tesouro-ipca-com-juros-semestrais-2045-05-15"));
		// A month on, nothing in this file is priced any more.
		const later = await collect({ url }, "2026-06-06T15:00:00.000Z");
		assert.deepEqual(later.products, []);
		assert.ok(
			later.skipped.includes(
				"Tesouro Prefixado 2029-01-01: latest base date 2026-05-05 is 32 days old (maxAgeDays 7): no longer priced",
			),
		);
	});

	it("leaves unreadable values empty and reports them, never guessing", async () => {
		const parsed = await collect({
			url: serve(
				whole(
					csv([
						"Tesouro IPCA+;15/05/2035;05/05/2026;7,1x;7,24;2208,11;2182,12;2182,12",
						"Tesouro Prefixado;01/01/2029;05/05/2026;13,12;13,24;R$ abc;739,40;739,40",
						"Tesouro Prefixado;01/01/2029;31/02/2026;13,00;13,12;750,00;747,00;747,00",
						"Tesouro Selic;01/03/2029;05/05/2026;0,11;0,12",
					]),
				),
			),
		});
		const { rate: _rate, ...noRate } = ipca;
		const { unitPrice: _price, ...noPrice } = prefixado;
		assert.deepEqual(parsed.products, [noRate, noPrice]);
		assert.deepEqual(parsed.unparsed, [
			'Tesouro IPCA+ 2035-05-15: rate "7,1x"',
			'Tesouro Prefixado 2029-01-01: unitPrice "R$ abc"',
		]);
		assert.deepEqual(parsed.skipped, [
			'line 4: unreadable date "31/02/2026"',
			"line 5: expected 8 columns, got 5",
		]);
	});

	it("ignores blank lines, the ';;;;;;;' rows a spreadsheet leaves, and a BOM before the header", async () => {
		const body = Buffer.concat([
			Buffer.from([0xef, 0xbb, 0xbf]),
			csv([rows[1] ?? "", "", ";;;;;;;", rows[3] ?? ""]),
		]);
		const parsed = await collect({ url: serve(whole(body)) });
		assert.deepEqual(parsed.products, [ipca, prefixado]);
		assert.deepEqual(parsed.skipped, []);
	});

	it("fails by name when the header is not the one it knows", async () => {
		const changed = latin1(
			"Tipo Titulo;Data Vencimento;Data Base;Taxa Compra;Taxa Venda;PU Compra;PU Venda;PU Base\r\n",
		);
		await assert.rejects(collect({ url: serve(whole(changed)) }), (err: Error) => {
			assert.ok(err instanceof SourceFormatError, `${err.name}: ${err.message}`);
			assert.equal(
				err.message,
				`PrecoTaxaTesouroDireto.csv: expected the header "${header}", got "Tipo Titulo;Data Vencimento;Data Base;Taxa Compra;Taxa Venda;PU Compra;PU Venda;PU Base"`,
			);
			return true;
		});
	});

	it("fails by name on an empty answer", async () => {
		await assert.rejects(collect({ url: serve(whole(Buffer.alloc(0))) }), (err: Error) => {
			assert.ok(err instanceof SourceFormatError);
			assert.match(err.message, /expected the header "Tipo Titulo;.*", got an empty file$/);
			return true;
		});
	});

	it("refuses a response over the source's maxBytes as too large, declared or not", async () => {
		const big = csv(Array.from({ length: 100 }, () => rows[0] ?? ""));
		for (const answer of [whole(big), pieces([big.subarray(0, 4000), big.subarray(4000)])]) {
			await assert.rejects(
				collect({ url: serve(answer), limits: { retries: 0, maxBytes: 4096 } }),
				(err: Error) => {
					assert.ok(err instanceof FetchError, `${err.name}: ${err.message}`);
					assert.equal(err.kind, "too-large");
					return true;
				},
			);
		}
	});

	it("streams a file of the real size (~180k lines, ~15 MB) and keeps one row per title", async () => {
		const first = Date.UTC(2002, 0, 7);
		const url = serve(
			streamed(function* () {
				yield `${header}\r\n`;
				for (let day = 0; day < 3000; day++) {
					const base = new Date(first + day * 86_400_000).toISOString().slice(0, 10).split("-").reverse();
					for (let title = 0; title < 60; title++)
						yield `Tesouro IPCA+;15/05/${2030 + title};${base.join("/")};${day === 2999 ? "6,50" : "7,00"};7,12;1000,00;990,00;990,00\r\n`;
				}
			}),
		);
		const parsed = await collect(
			{ url, maxAgeDays: 366, limits: { retries: 0, maxBytes: 32 * 1024 * 1024, timeoutMs: 60_000 } },
			"2010-03-01T15:00:00.000Z",
		);
		assert.equal(parsed.fetched, 60);
		assert.equal(parsed.products.length, 60);
		assert.ok(parsed.products.every((p) => "rate" in p && p.rate?.spread === 0.065));
	});
});

describe("tesouro-direto: the site's current offers (offersUrl)", () => {
	const offersHeader =
		"Título;Rendimento anual do título;Investimento mínimo;Preço unitário de investimento;Vencimento do Título";
	const offers = Buffer.from(
		`\uFEFF${[
			offersHeader,
			"Tesouro Selic 2029;SELIC + 0,1100%;R$ 174,15;R$ 17.415,00;01/03/2029",
			"Tesouro Prefixado 2029;13,12%;R$ 7,42;R$ 742,31;01/01/2029",
			"Tesouro IPCA+ 2035;IPCA + 7,12%;R$ 22,08;R$ 2.208,11;15/05/2035",
			"Tesouro Renda+ Aposentadoria Extra 2030;IPCA + 7,32%;R$ 17,42;R$ 1.742,26;15/12/2049",
			"Tesouro Educa+ 2031;IPCA + 7,41%;R$ 25,32;R$ 2.532,16;15/12/2035",
			"Tesouro IPCA+ 2060;IPCA + 7,00%;R$ 5,00;R$ 500,00;15/08/2060",
		].join("\n")}\n`,
		"utf8",
	);

	it("offers only what is on sale, with the site's minimum, from a UTF-8 body split inside a character", async () => {
		const accent = offers.indexOf(0xc3); // first byte of "í" in "Título"
		const offersUrl = serve(pieces([offers.subarray(0, accent + 1), offers.subarray(accent + 1)]));
		const parsed = await collect({ url: serve(whole(csv(rows))), offersUrl });
		const minimum = (minimumInvestment: number) => ({ minimumInvestment });
		assert.deepEqual(parsed.products, [
			{ ...educa, ...minimum(25.32) },
			{ ...ipca, ...minimum(22.08) },
			{ ...prefixado, ...minimum(7.42) },
			{ ...renda, ...minimum(17.42) },
			{ ...selic2029, ...minimum(174.15) },
		]);
		const offSale = "not among the site's current offers (offersUrl): not on sale";
		assert.deepEqual(parsed.skipped, [
			notOffered[0],
			// The site's word on what is on sale comes before the file's empty buying columns.
			`Tesouro IPCA+ 2050-08-15: ${offSale}`,
			`Tesouro IPCA+ com Juros Semestrais 2040-08-15: ${offSale}`,
			notOffered[2],
			notOffered[3],
			notOffered[4],
			`Tesouro Prefixado 2032-01-01: ${offSale}`,
			`Tesouro Prefixado com Juros Semestrais 2031-01-01: ${offSale}`,
			`Tesouro Selic 2027-03-01: ${offSale}`,
			'offer "Tesouro IPCA+ 2060" (2060-08-15): no such title in PrecoTaxaTesouroDireto.csv',
		]);
	});

	it("fails by name when the offers' header is not the one it knows", async () => {
		const changed = Buffer.from(
			"Título;Taxa;Mínimo;Preço;Vencimento\nTesouro Selic 2029;0,11%;R$ 174,15;R$ 17.415,00;01/03/2029\n",
		);
		await assert.rejects(
			collect({ url: serve(whole(csv(rows))), offersUrl: serve(whole(changed)) }),
			(err: Error) => {
				assert.ok(err instanceof SourceFormatError);
				assert.equal(
					err.message,
					`offers CSV: expected the header "${offersHeader}", got "Título;Taxa;Mínimo;Preço;Vencimento"`,
				);
				return true;
			},
		);
	});

	it("fails the source, naming the offers, when they cannot be read", async () => {
		const refused = serve(whole(Buffer.from("Access denied"), "text/plain", 403));
		await assert.rejects(collect({ url: serve(whole(csv(rows))), offersUrl: refused }), (err: Error) => {
			assert.ok(err instanceof FetchError);
			assert.equal(err.kind, "http");
			assert.equal(err.httpStatus, 403);
			assert.match(err.message, /^offers CSV: HTTP 403/);
			return true;
		});
	});
});

describe("tesouro-direto: links and the bundled snapshot", () => {
	it("links a product to the source's productUrl when one is configured", async () => {
		const parsed = await collect({
			url: serve(whole(csv([rows[3] ?? ""]))),
			productUrl: "https://corretora.example/tesouro/{id}",
		});
		assert.deepEqual(
			parsed.products.map((p) => p.url),
			["https://corretora.example/tesouro/tesouro-ipca-2035-05-15"],
		);
	});

	it("reads the demo's snapshot, every type, aged against its own newest base date", async () => {
		const sample = { type: "sample", of: "tesouro-direto", snapshot: "tesouro-direto.csv" };
		// Years after the snapshot was taken its titles are still priced as of that day; only
		// the maturities that have passed since drop out.
		const parsed = await collect(sample, "2028-06-01T15:00:00.000Z");
		assert.equal(parsed.fetched, 16);
		assert.deepEqual(
			parsed.products.map((p) => p.name),
			[
				"Tesouro Educa+ 2029",
				"Tesouro Educa+ 2043",
				"Tesouro IPCA+ 2029",
				"Tesouro IPCA+ 2040",
				"Tesouro IPCA+ 2050",
				"Tesouro IPCA+ com Juros Semestrais 2035",
				"Tesouro IPCA+ com Juros Semestrais 2060",
				"Tesouro Prefixado 2029",
				"Tesouro Prefixado 2032",
				"Tesouro Prefixado com Juros Semestrais 2035",
				"Tesouro Renda+ Aposentadoria Extra 2030",
				"Tesouro Renda+ Aposentadoria Extra 2065",
				"Tesouro Selic 2031",
			],
		);
		assert.deepEqual(parsed.skipped, [
			"Tesouro IGPM+ com Juros Semestrais 2031-01-01: indexed to IGP-M, which Insights' rates (CDI, IPCA, PRE, SELIC) cannot express",
			"Tesouro Prefixado 2026-01-01: matured on 2026-01-01",
			"Tesouro Selic 2028-03-01: matured on 2028-03-01",
		]);
		assert.deepEqual(parsed.unparsed, []);
		const [educa2029] = parsed.products;
		assert.deepEqual(educa2029 && "rate" in educa2029 ? [educa2029.rate, educa2029.unitPrice] : [], [
			{ index: "IPCA", spread: 0.074 },
			3190.77,
		]);
	});
});
