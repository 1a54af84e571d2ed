import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Rate } from "../../domain/product.ts";
import {
	cleanText,
	parseBoolean,
	parseDate,
	parseMoney,
	parseNumber,
	parsePercent,
	parseRate,
	parseTermDays,
} from "../../services/collector/formats.ts";

/** Values no parser may read, nor throw on. */
const garbage: unknown[] = [
	undefined,
	null,
	"",
	"   ",
	"abc",
	"1,2,3",
	"12a",
	Number.NaN,
	Number.POSITIVE_INFINITY,
	Number.NEGATIVE_INFINITY,
	{},
	{ valueOf: () => 1 },
	{
		toString() {
			throw new Error("boom");
		},
	},
	[],
	[1],
	Symbol("x"),
	10n,
	() => 1,
	new Date(Number.NaN),
	"x".repeat(1_000_000),
	"1".repeat(1_000),
];

function expectAll<T>(parse: (input: unknown) => T, cases: [unknown, NoInfer<T>][]) {
	for (const [input, expected] of cases) {
		assert.deepEqual(parse(input), expected, `${String(input)} → ${String(expected)}`);
	}
}

describe("parsers never throw", () => {
	const parsers = {
		parseNumber,
		parseMoney,
		parsePercent,
		parseRate,
		parseDate,
		parseTermDays,
		parseBoolean,
	};
	for (const [name, parse] of Object.entries(parsers)) {
		it(`${name} returns undefined for garbage`, () => {
			for (const input of garbage) assert.equal(parse(input), undefined, `${name}(${typeof input})`);
		});
	}
	it("cleanText returns undefined for non-text", () => {
		for (const input of [
			undefined,
			null,
			{},
			[],
			Symbol("x"),
			10n,
			true,
			Number.NaN,
			Number.POSITIVE_INFINITY,
		]) {
			assert.equal(cleanText(input, 100), undefined);
		}
	});
});

describe("parseNumber", () => {
	it("reads Brazilian numbers", () => {
		expectAll(parseNumber, [
			["1.234,56", 1234.56],
			["1234,56", 1234.56],
			["12,5", 12.5],
			["1.234", 1234],
			["1.234.567", 1234567],
			["1.234.567,89", 1234567.89],
			["0,5", 0.5],
			[" 12,5 ", 12.5],
		]);
	});
	it("reads JSON-style numeric strings and numbers", () => {
		expectAll(parseNumber, [
			["1.5", 1.5],
			["2.5", 2.5],
			["1500", 1500],
			["0.123", 0.123],
			["1234.567", 1234.567],
			[42, 42],
			[-3.5, -3.5],
			[0, 0],
		]);
	});
	it("reads negatives, with the ASCII or the unicode minus", () => {
		expectAll(parseNumber, [
			["-1,2", -1.2],
			["−1,2", -1.2],
			["-1.234,5", -1234.5],
			["-0", 0],
		]);
		assert.ok(Object.is(parseNumber("-0,0"), 0));
	});
	it("rejects anything else", () => {
		expectAll(parseNumber, [
			["1,2,3", undefined],
			["12a", undefined],
			["1.23", 1.23],
			["12.34,5", undefined],
			["0.123,4", undefined],
			["1.2345", 1.2345],
			[",5", undefined],
			["5,", undefined],
			["1.", undefined],
			[".5", undefined],
			["1e3", undefined],
			["- 1", undefined],
			["--1", undefined],
			["R$ 10", undefined],
			["10%", undefined],
			["Infinity", undefined],
			["NaN", undefined],
			[true, undefined],
		]);
	});
});

describe("parseMoney", () => {
	it("reads BRL amounts", () => {
		expectAll(parseMoney, [
			["R$ 1.234,56", 1234.56],
			["R$1.000", 1000],
			["1.234,56", 1234.56],
			["R$ 500,00", 500],
			["R$\u00a01.234,56", 1234.56],
			["r$ 10", 10],
			["R$ 0,00", 0],
			[1500, 1500],
			[0.5, 0.5],
		]);
	});
	it("rejects placeholders and negatives", () => {
		expectAll(parseMoney, [
			["R$ -", undefined],
			["—", undefined],
			["-", undefined],
			["Consulte", undefined],
			["R$", undefined],
			["R$ -10,00", undefined],
			[-1, undefined],
			["US$ 10", undefined],
		]);
	});
});

describe("parsePercent", () => {
	it("returns annual or unqualified percentages as fractions", () => {
		expectAll(parsePercent, [
			["12,5% a.a.", 0.125],
			["12,5%", 0.125],
			["0,85% ao ano", 0.0085],
			["6,15% a.a", 0.0615],
			["10%aa", 0.1],
			["-1,2%", -0.012],
			["−1,2%", -0.012],
			["100 %", 1],
			["12,5", 0.125],
			[2, 0.02],
			[12.5, 0.125],
			[0, 0],
		]);
	});
	it("does not convert monthly rates, nor read other suffixes", () => {
		expectAll(parsePercent, [
			["1,2% a.m.", undefined],
			["1,2% ao mês", undefined],
			["1,2% do CDI", undefined],
			["%", undefined],
			["abc%", undefined],
			["12,5% a.a. + 1", undefined],
		]);
	});
});

describe("parseRate", () => {
	it("reads a percent of an index", () => {
		expectAll(parseRate, [
			["110% do CDI", { index: "CDI", percentOfIndex: 1.1 }],
			["110% CDI", { index: "CDI", percentOfIndex: 1.1 }],
			["110,5% do CDI", { index: "CDI", percentOfIndex: 1.105 }],
			["  110%   do  cdi ", { index: "CDI", percentOfIndex: 1.1 }],
			["100% Selic", { index: "SELIC", percentOfIndex: 1 }],
			["100% da SELIC", { index: "SELIC", percentOfIndex: 1 }],
		]);
	});
	it("reads an index plus a spread", () => {
		expectAll(parseRate, [
			["CDI + 1,20%", { index: "CDI", spread: 0.012 }],
			["CDI+1,2% a.a.", { index: "CDI", spread: 0.012 }],
			["IPCA + 6,15%", { index: "IPCA", spread: 0.0615 }],
			["IPCA+6,15% a.a.", { index: "IPCA", spread: 0.0615 }],
			["ipca + 6,15% ao ano", { index: "IPCA", spread: 0.0615 }],
			["SELIC + 0,1%", { index: "SELIC", spread: 0.001 }],
		]);
	});
	it("reads pre-fixed rates", () => {
		const pre: Rate = { index: "PRE", spread: 0.124 };
		expectAll(parseRate, [
			["Pré 12,4%", pre],
			["PRÉ 12,4% a.a.", pre],
			["Pre 12,4%", pre],
			["Prefixado 12,4%", pre],
			["Pré-fixado 12,4% a.a.", pre],
			["Prefixado: 12,4%", pre],
			["12,4% a.a.", pre],
			["12,4%  a.a.", pre],
		]);
	});
	it("rejects anything else", () => {
		expectAll(parseRate, [
			["12,4%", undefined],
			["CDI", undefined],
			["0% do CDI", undefined],
			["110% do XYZ", undefined],
			["Pré 1,2% a.m.", undefined],
			["IPCA + 6,15% a.m.", undefined],
			["110% CDI + 1%", undefined],
			["IPCA +", undefined],
			["CDI - 1%", undefined],
			["1,2,3% do CDI", undefined],
			[110, undefined],
			[{ index: "CDI" }, undefined],
		]);
	});
});

describe("parseDate", () => {
	it("reads DD/MM/AAAA and ISO dates", () => {
		expectAll(parseDate, [
			["15/01/2027", "2027-01-15"],
			["5/1/2027", "2027-01-05"],
			["29/02/2028", "2028-02-29"],
			["2027-01-15", "2027-01-15"],
			["2027-01-15T10:30:00.000Z", "2027-01-15"],
			["2027-01-15T23:00:00-03:00", "2027-01-15"],
			["2027-01-15 10:30", "2027-01-15"],
		]);
	});
	it("rejects impossible dates and other formats", () => {
		expectAll(parseDate, [
			["31/02/2026", undefined],
			["29/02/2026", undefined],
			["29/02/1900", undefined],
			["00/01/2026", undefined],
			["15/13/2026", undefined],
			["2026-02-30", undefined],
			["2026-1-5", undefined],
			["15/01/27", undefined],
			["01/15/2027T", undefined],
			["2027-01-15T25:00", undefined],
			["2027-01-15junk", undefined],
			["15 de janeiro de 2027", undefined],
			[20270115, undefined],
			[new Date("2027-01-15"), undefined],
		]);
		assert.equal(parseDate("29/02/2000"), "2000-02-29");
	});
});

describe("parseTermDays", () => {
	it("reads terms in days, months (30 days) and years (365 days)", () => {
		expectAll(parseTermDays, [
			["D+30", 30],
			["D+0", 0],
			["d + 2", 2],
			["720 dias", 720],
			["1 dia", 1],
			["24 meses", 720],
			["1 mês", 30],
			["1 mes", 30],
			["2 anos", 730],
			["1 ano", 365],
			["1.080 dias", 1080],
			["30", 30],
			[30, 30],
			[0, 0],
		]);
	});
	it("rejects fractions, negatives, business days and garbage", () => {
		expectAll(parseTermDays, [
			[1.5, undefined],
			[-1, undefined],
			["-30 dias", undefined],
			["1,5 ano", undefined],
			["30 dias úteis", undefined],
			["D-1", undefined],
			["D+", undefined],
			["dias", undefined],
			["30 semanas", undefined],
		]);
	});
});

describe("parseBoolean", () => {
	it("reads yes/no words and booleans", () => {
		expectAll(parseBoolean, [
			["sim", true],
			["Sim", true],
			["S", true],
			["yes", true],
			["true", true],
			[true, true],
			["não", false],
			["NÃO", false],
			["nao", false],
			["N", false],
			["no", false],
			["false", false],
			[false, false],
		]);
	});
	it("rejects anything else", () => {
		expectAll(parseBoolean, [
			["talvez", undefined],
			["1", undefined],
			[1, undefined],
			[0, undefined],
			["sim não", undefined],
		]);
	});
});

describe("cleanText", () => {
	it("removes scripts, styles and tags", () => {
		assert.equal(cleanText("<script>alert(1)</script>Fundo <b>XP</b>", 100), "Fundo XP");
		assert.equal(cleanText("<STYLE type='text/css'>p { color: red }</STYLE>Texto", 100), "Texto");
		assert.equal(cleanText("a<script>if (a < b && c > d) {}</script >b", 100), "a b");
		assert.equal(cleanText("<p>um</p><p>dois</p>", 100), "um dois");
		assert.equal(cleanText('X<span class="a">P</span>', 100), "XP");
		assert.equal(cleanText("<a title=\"x > y\" href='#'>link</a>", 100), "link");
		assert.equal(cleanText("antes<!-- a > b -->depois", 100), "antesdepois");
		assert.equal(cleanText("<!DOCTYPE html><html><body>oi</body></html>", 100), "oi");
		assert.equal(cleanText("oi<br/>tchau", 100), "oi tchau");
	});
	it("keeps a < that starts no tag, and drops an unterminated tag or block", () => {
		assert.equal(cleanText("5 < 10 e 3 <= 4", 100), "5 < 10 e 3 <= 4");
		assert.equal(cleanText("texto <div class='x", 100), "texto");
		assert.equal(cleanText("texto <script>alert(1)", 100), "texto");
		assert.equal(cleanText("texto <!-- comentário", 100), "texto");
	});
	it("decodes entities once and does not strip the decoded text", () => {
		assert.equal(cleanText("A &amp; B &lt;b&gt; &quot;x&quot; &#39;y&#39;", 100), "A & B <b> \"x\" 'y'");
		assert.equal(cleanText("&lt;script&gt;alert(1)&lt;/script&gt;", 100), "<script>alert(1)</script>");
		assert.equal(cleanText("&amp;lt;", 100), "&lt;");
		assert.equal(cleanText("a&nbsp;&nbsp;b", 100), "a b");
		assert.equal(cleanText("&#65;&#x42;&#X43;", 100), "ABC");
		assert.equal(cleanText("A&ccedil;&otilde;es Pr&eacute;", 100), "Ações Pré");
		assert.equal(cleanText("&#0;x&#xD800;&#1114112;", 100), "\ufffdx\ufffd\ufffd");
		assert.equal(cleanText("&unknown; &amp &ktilde;", 100), "&unknown; &amp &ktilde;");
	});
	it("removes control characters and collapses whitespace", () => {
		assert.equal(cleanText("  a\tb\nc\r\nd  ", 100), "a b c d");
		assert.equal(cleanText("a\u0000b\u0007c\u007fd\u0085e", 100), "abcde");
		assert.equal(cleanText("a&#9;b&#1;c", 100), "a bc");
		assert.equal(cleanText("safe\u202etxt.exe\ufeff", 100), "safetxt.exe");
	});
	it("preserves already-decoded accented text and normalizes to NFC", () => {
		assert.equal(cleanText("Ações Pré-fixado", 100), "Ações Pré-fixado");
		const decomposed = "Pre\u0301";
		assert.equal(cleanText(decomposed, 100), "Pré");
		assert.equal(cleanText(decomposed, 100)?.length, 3);
	});
	it("cuts to maxLength on a code point boundary", () => {
		assert.equal(cleanText("abcdef", 3), "abc");
		assert.equal(cleanText("ab cdef", 3), "ab");
		assert.equal(cleanText("a😀b", 2), "a");
		assert.equal(cleanText("a😀b", 3), "a😀");
		assert.equal(cleanText("a😀b", 2.9), "a");
		assert.equal(cleanText("abc", 0), undefined);
		assert.equal(cleanText("abc", Number.NaN), undefined);
		assert.equal(cleanText("abc", -1), undefined);
		assert.equal(cleanText("\ud800abc", 10), "\ufffdabc");
	});
	it("returns undefined when nothing is left, and accepts numbers", () => {
		assert.equal(cleanText("", 10), undefined);
		assert.equal(cleanText("  <br> &nbsp; ", 10), undefined);
		assert.equal(cleanText("<script>x</script>", 10), undefined);
		assert.equal(cleanText(12.5, 10), "12.5");
	});
	it("is linear on 1 MB inputs", () => {
		const inputs = [
			"<p>Fundo <b>XP</b> &amp; cia</p>\n".repeat(40_000),
			"<".repeat(1_000_000),
			"<a".repeat(500_000),
			"</script".repeat(125_000),
			`<script>${"</script".repeat(125_000)}`,
			"&#".repeat(500_000),
			"&amp".repeat(250_000),
			"<!--".repeat(250_000),
			`<a title="${"x".repeat(1_000_000)}`,
			" \t".repeat(500_000),
			"a".repeat(1_000_000),
		];
		for (const input of inputs) {
			const start = performance.now();
			const result = cleanText(input, 500);
			const elapsed = performance.now() - start;
			assert.ok(result === undefined || result.length <= 500, `length ${result?.length}`);
			assert.ok(elapsed < 1000, `${input.slice(0, 12)}… took ${elapsed.toFixed(0)} ms`);
		}
		assert.equal(cleanText("a".repeat(1_000_000), 500), "a".repeat(500));
		assert.ok(
			cleanText("<p>Fundo <b>XP</b> &amp; cia</p>\n".repeat(40_000), 500)?.startsWith("Fundo XP & cia Fundo"),
		);
	});
});
