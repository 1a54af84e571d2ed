import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Product } from "../../domain/product.ts";
import { erasure, redact, type StoredDelivery } from "../../services/mailer/deliveries.ts";
import { digestData } from "../../services/mailer/digest-content.ts";
import { backoffMs, classifyFailure, failureText } from "../../services/mailer/retry.ts";
import {
	httpUrl,
	isUnder,
	loadTemplates,
	MailDataError,
	renderMail,
	resolveLocale,
} from "../../services/mailer/templates.ts";

const templates = loadTemplates();
const base = "https://insights.example/app";
const link = "https://insights.example/app/verify?token=abc&next=%2Ffeed";

describe("mail templates", () => {
	it("renders verify in pt-BR: subject, HTML with the link as a button, text with the link", () => {
		const mail = renderMail(
			templates,
			{ template: "verify", locale: "pt-BR", data: { name: "Ana", link } },
			base,
		);
		assert.equal(mail.locale, "pt-BR");
		assert.equal(mail.subject, "Confirme seu e-mail no Insights");
		assert.match(mail.html, /^<!DOCTYPE html>/);
		assert.match(mail.html, /<html lang="pt-BR">/);
		assert.ok(mail.html.includes('href="https://insights.example/app/verify?token=abc&amp;next=%2Ffeed"'));
		assert.match(mail.html, /Olá, Ana!/);
		assert.match(mail.html, /expira em 24 horas/);
		assert.ok(mail.text.includes(`\n${link}\n`), "the link on a line of its own");
		assert.match(mail.text, /^Olá, Ana!\n/);
		assert.match(mail.text, /expira em 24 horas/);
		assert.doesNotMatch(mail.html, /<script/i);
		assert.deepEqual(mail.links, [link]);
	});

	it("renders sign-in in en with the 15-minute expiry", () => {
		const mail = renderMail(
			templates,
			{ template: "sign-in", locale: "en", data: { name: "Bob", link } },
			base,
		);
		assert.equal(mail.locale, "en");
		assert.equal(mail.subject, "Your Insights sign-in link");
		assert.match(mail.html, /<html lang="en">/);
		assert.match(mail.html, /expires in 15 minutes/);
		assert.match(mail.text, /^Hello, Bob!\n/);
		assert.match(mail.text, /expires in 15 minutes/);
	});

	it("greets without a name when there is none", () => {
		const mail = renderMail(templates, { template: "verify", locale: "en", data: { link } });
		assert.match(mail.text, /^Hello!\n/);
		assert.match(mail.html, />Hello!</);
	});

	it("escapes every value in HTML and none in text", () => {
		const name = `<script>alert(1)</script> & "O'Brien"`;
		const mail = renderMail(templates, { template: "verify", locale: "en", data: { name, link } });
		assert.doesNotMatch(mail.html, /<script/i);
		assert.ok(mail.html.includes("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;O&#x27;Brien&quot;"));
		assert.ok(mail.text.includes(`Hello, ${name}!`), "plain text keeps the name as typed");
	});

	it("falls back to pt-BR for an unknown locale and matches by language", () => {
		assert.equal(resolveLocale(templates.locales, "fr-FR"), "pt-BR");
		assert.equal(resolveLocale(templates.locales, ""), "pt-BR");
		assert.equal(resolveLocale(templates.locales, "en-US"), "en");
		assert.equal(resolveLocale(templates.locales, "EN"), "en");
		assert.equal(resolveLocale(templates.locales, "pt"), "pt-BR");
		assert.equal(resolveLocale(templates.locales, "pt_br"), "pt-BR");
		const mail = renderMail(templates, { template: "sign-in", locale: "de", data: { link } });
		assert.equal(mail.locale, "pt-BR");
		assert.equal(mail.subject, "Seu link de acesso ao Insights");
	});

	it("adds the unsubscribe link to both formats only when given", () => {
		const unsubscribeUrl = "https://insights.example/app/unsubscribe?t=1";
		const withIt = renderMail(templates, {
			template: "verify",
			locale: "pt-BR",
			data: { link },
			unsubscribeUrl,
		});
		assert.ok(withIt.html.includes('href="https://insights.example/app/unsubscribe?t=1"'));
		assert.ok(withIt.text.includes(`Cancelar o recebimento destes e-mails: ${unsubscribeUrl}`));
		assert.deepEqual(withIt.links, [link, unsubscribeUrl]);
		const without = renderMail(templates, { template: "verify", locale: "pt-BR", data: { link } });
		assert.doesNotMatch(without.html, /unsubscribe|Cancelar o recebimento/);
		assert.doesNotMatch(without.text, /Cancelar o recebimento/);
	});

	it("refuses links that are not absolute http(s) URLs or not on the public URL", () => {
		const render = (value: unknown, linkBase?: string) =>
			renderMail(templates, { template: "verify", locale: "en", data: { link: value } }, linkBase);
		for (const bad of ["javascript:alert(1)", "/verify?token=x", "data:text/html,hi", "", 42, undefined])
			assert.throws(() => render(bad), MailDataError, String(bad));
		assert.throws(() => render("https://insights.example.evil.example/app/verify", base), /must start with/);
		assert.throws(() => render("https://insights.example/application", base), /must start with/);
		assert.throws(() => render("https://insights.example@evil.example/app/x"), MailDataError);
		assert.doesNotThrow(() => render("http://localhost:3000/verify"));
		assert.throws(
			() =>
				renderMail(templates, {
					template: "verify",
					locale: "en",
					data: { link },
					unsubscribeUrl: "javascript:alert(1)",
				}),
			/unsubscribeUrl/,
		);
	});
});

describe("digest template", () => {
	const hostile = "<img src=x onerror=alert(1)>";
	const product: Product = {
		id: "xp:reit:HGLG11",
		source: "xp",
		category: "reit",
		nativeId: "HGLG11",
		name: hostile,
		issuer: "Pátria & Cia",
		url: "https://broker.example/fii/HGLG11?a=1&b=2",
		ticker: "HGLG11",
		segment: "Logística",
		collectedAt: "2025-01-01T00:00:00.000Z",
	};
	const plainProduct: Product = { ...product, id: "p2", name: "Sem link", url: undefined };
	const reasons = [{ field: "segment", operator: "∈" as const, value: "Logística", bound: ["Logística"] }];
	const unsubscribeUrl = "https://insights.example/app/unsubscribe?t=1";
	const digest = (locale: string, frequency: "immediate" | "daily" | "weekly", count = 2) => {
		const items = [
			{ product, reasons },
			...Array.from({ length: count - 1 }, () => ({ product: plainProduct, reasons: [] })),
		];
		const data = digestData({ locale, name: "Ana", frequency, appUrl: base, items });
		return renderMail(templates, { template: "digest", locale, data, unsubscribeUrl }, base);
	};

	for (const [locale, words] of [
		[
			"pt-BR",
			{ button: "Ver no app", reason: "Segmento ∈ Logística", category: "FIIs", more: "E mais 2 no app." },
		],
		[
			"en",
			{
				button: "Open the app",
				reason: "Segment ∈ Logística",
				category: "REITs (FIIs)",
				more: "And 2 more in the app.",
			},
		],
	] as const) {
		it(`renders in ${locale}: escaped HTML, plain text, links and the unsubscribe footer`, () => {
			const mail = digest(locale, "daily");
			assert.equal(mail.locale, locale);
			assert.match(mail.html, new RegExp(`<html lang="${locale}">`));
			assert.doesNotMatch(mail.html, /<script|<img/i);
			assert.ok(mail.html.includes("&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;"), "name escaped in HTML");
			assert.ok(mail.html.includes("Pátria &amp; Cia"));
			assert.ok(mail.html.includes('href="https://broker.example/fii/HGLG11?a=1&amp;b=2"'), "product link");
			assert.ok(mail.html.includes(`href="${base}/dicas"`), "app button");
			assert.ok(mail.html.includes(words.button));
			assert.ok(mail.html.includes(words.reason));
			assert.ok(mail.html.includes(words.category));
			assert.ok(mail.html.includes(`href="${unsubscribeUrl.replace("&", "&amp;")}"`), "unsubscribe link");
			assert.ok(mail.text.includes(`== ${hostile} ==`), "name as typed in text");
			assert.ok(mail.text.includes("Pátria & Cia"));
			assert.ok(mail.text.includes("\nhttps://broker.example/fii/HGLG11?a=1&b=2\n"));
			assert.ok(mail.text.includes(`\n${base}/dicas\n`));
			assert.ok(mail.text.includes(`- ${words.reason}`));
			assert.ok(mail.text.includes(`: ${unsubscribeUrl}`));
			assert.deepEqual(mail.links, [
				`${base}/dicas`,
				"https://broker.example/fii/HGLG11?a=1&b=2",
				unsubscribeUrl,
			]);
		});

		it(`says how many more there are in ${locale}`, () => {
			const mail = digest(locale, "weekly", 52);
			assert.ok(mail.html.includes(words.more));
			assert.ok(mail.text.includes(words.more));
		});
	}

	it("words the subject by frequency and number", () => {
		assert.equal(digest("pt-BR", "immediate", 1).subject, "1 novo produto para você");
		assert.equal(digest("pt-BR", "immediate", 3).subject, "3 novos produtos para você");
		assert.equal(digest("pt-BR", "daily", 2).subject, "Seu resumo diário: 2 novos produtos para você");
		assert.equal(digest("pt-BR", "weekly", 1).subject, "Seu resumo semanal: 1 novo produto para você");
		assert.equal(digest("en", "immediate", 1).subject, "1 new product for you");
		assert.equal(digest("en", "weekly", 4).subject, "Your weekly digest: 4 new products for you");
	});

	it("refuses a digest without an app link on the public URL, or with a product link that is not http(s)", () => {
		const render = (data: Record<string, unknown>) =>
			renderMail(templates, { template: "digest", locale: "en", data }, base);
		assert.throws(() => render({ count: 0, products: [] }), /appUrl/);
		assert.throws(() => render({ appUrl: "https://evil.example/", products: [] }), /must start with/);
		assert.throws(
			() =>
				render({
					appUrl: base,
					products: [{ name: "x", url: "javascript:alert(1)", fields: [], reasons: [] }],
				}),
			MailDataError,
		);
	});
});

describe("digest template: a product at several venues", () => {
	const venue = (source: string, label: string, extra: object) => ({
		source,
		label,
		listingId: `${source}:fund:aurora`,
		name: "Aurora",
		collectedAt: "2026-12-01T10:00:00.000Z",
		...extra,
	});
	const product = {
		id: "btg-funds:fund:38309834000156",
		source: "btg-funds",
		category: "fund",
		nativeId: "38309834000156",
		name: "Aurora Crédito Corporativo",
		adminFee: 0.0075,
		minimumInvestment: 500,
		collectedAt: "2026-12-01T10:00:00.000Z",
		venues: {
			"btg-funds": venue("btg-funds", "BTG Pactual", {
				minimumInvestment: 500,
				url: "https://investimentos.btgpactual.com/fundos-de-investimento/aurora",
			}),
			"xp-funds": venue("xp-funds", "<img src=x onerror=alert(1)>", {
				minimumInvestment: 1000,
				adminFee: 0.0075,
				url: "javascript:alert(1)",
			}),
		},
	} as Product;
	const mail = (locale: "pt-BR" | "en") =>
		renderMail(
			templates,
			{
				template: "digest",
				locale,
				data: digestData({
					locale,
					name: "Ana",
					frequency: "immediate",
					appUrl: base,
					items: [
						{
							product,
							venue: "xp-funds",
							reasons: [{ field: "adminFee", operator: "≤", value: 0.0075, bound: 0.01 }],
							changes: [{ field: "venues.xp-funds.adminFee", before: 0.008, after: 0.0075 }],
						},
					],
				}),
			},
			base,
		);

	it("lists the venues side by side, best first, the one that fits marked, links only http(s)", () => {
		const { html, text } = mail("pt-BR");
		assert.match(html, /Onde investir:/);
		const xp = html.indexOf("&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;");
		const btg = html.indexOf(">BTG Pactual</a>");
		assert.ok(xp > 0 && btg > xp, "XP (a known fee) before BTG, the label escaped");
		assert.doesNotMatch(html, /<img|javascript:/i);
		assert.match(html, /mín\. R\$\s1\.000,00 · taxa adm\. 0,75%/);
		assert.match(html, /alert\(1\)&gt; · combina com você/);
		assert.match(
			text,
			/^- <img src=x onerror=alert\(1\)> · mín\. R\$\s1\.000,00 · taxa adm\. 0,75% · combina com você$/m,
		);
		assert.match(
			text,
			/^- BTG Pactual · mín\. R\$\s500,00 · https:\/\/investimentos\.btgpactual\.com\/fundos-de-investimento\/aurora$/m,
		);
		assert.match(text, /Taxa de administração \(<img src=x onerror=alert\(1\)>\) 0,80% → 0,75%/);
	});

	it("in en too", () => {
		const { text } = mail("en");
		assert.match(text, /Where to invest:/);
		assert.match(text, /· fits you/);
		assert.match(text, /Management fee \(<img src=x onerror=alert\(1\)>\) 0\.80% → 0\.75%/);
	});
});

describe("URL checks", () => {
	it("accepts only absolute http(s) URLs without credentials, normalized", () => {
		assert.equal(httpUrl("HTTPS://Example.com/a b"), "https://example.com/a%20b");
		assert.equal(httpUrl("ftp://example.com/"), undefined);
		assert.equal(httpUrl("https://user:pw@example.com/"), undefined);
		assert.equal(httpUrl("not a url"), undefined);
		assert.equal(httpUrl("  https://example.com/x"), "https://example.com/x");
		assert.equal(httpUrl("http:example.com"), "http://example.com/");
		// The URL parser would drop the tab and read https: we do not.
		assert.equal(httpUrl("ht\ttps://example.com/"), undefined);
		assert.equal(httpUrl("javascript:alert(1)//https://example.com"), undefined);
	});

	it("compares origin and path, not string prefixes", () => {
		assert.equal(isUnder("http://localhost:3000/verify", "http://localhost:3000"), true);
		assert.equal(isUnder("http://localhost:30001/verify", "http://localhost:3000"), false);
		assert.equal(isUnder("https://a.example/app/x", "https://a.example/app"), true);
		assert.equal(isUnder("https://a.example/app", "https://a.example/app"), true);
		assert.equal(isUnder("https://a.example/apple", "https://a.example/app"), false);
		assert.equal(isUnder("http://a.example/app/x", "https://a.example/app"), false);
	});
});

describe("retry policy", () => {
	const policy = { baseMs: 30_000, maxMs: 30 * 60_000, maxAttempts: 10 };

	it("doubles from the base up to the maximum", () => {
		assert.deepEqual(
			[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => backoffMs(n, policy) / 1000),
			[30, 60, 120, 240, 480, 960, 1800, 1800, 1800],
		);
		assert.equal(backoffMs(1, { baseMs: 200, maxMs: 1000, maxAttempts: 3 }), 200);
		assert.equal(backoffMs(4, { baseMs: 200, maxMs: 1000, maxAttempts: 3 }), 1000);
	});

	it("retries 4xx replies and connection trouble, gives up on 5xx verdicts about the message", () => {
		const err = (fields: object) => Object.assign(new Error("x"), fields);
		assert.equal(classifyFailure(err({ code: "EMESSAGE", responseCode: 451 })), "transient");
		assert.equal(classifyFailure(err({ code: "EENVELOPE", responseCode: 452 })), "transient");
		assert.equal(classifyFailure(err({ code: "EMESSAGE", responseCode: 550 })), "permanent");
		assert.equal(classifyFailure(err({ code: "EENVELOPE", responseCode: 553 })), "permanent");
		assert.equal(classifyFailure(err({ code: "EMESSAGE", responseCode: 503 })), "transient");
		for (const code of ["ECONNECTION", "ECONNREFUSED", "ETIMEDOUT", "ESOCKET", "EDNS", "EABORT", "ENOSPC"])
			assert.equal(classifyFailure(err({ code })), "transient", code);
		assert.equal(classifyFailure(err({ code: "EAUTH", responseCode: 535 })), "transient");
		assert.equal(classifyFailure(err({ code: "EENVELOPE" })), "permanent");
		assert.equal(classifyFailure(new DOMException("The operation timed out.", "TimeoutError")), "transient");
	});

	it("describes a failure on one line with its code", () => {
		const err = Object.assign(new Error("Message failed: 451 Try\nagain later"), { code: "EMESSAGE" });
		assert.equal(failureText(err), "EMESSAGE: Message failed: 451 Try again later");
		const aborted = Object.assign(
			new Error("Message sending aborted", { cause: new Error("the mailer is stopping") }),
			{
				code: "EABORT",
			},
		);
		assert.equal(failureText(aborted), "EABORT: Message sending aborted: the mailer is stopping");
	});
});

describe("erasure of a delivery", () => {
	const doc: StoredDelivery = {
		_id: "d1",
		to: "Ana@Example.com",
		subscriberId: "s1",
		template: "verify",
		locale: "pt-BR",
		status: "retrying",
		attempts: [{ at: "2025-01-01T00:00:00.000Z", error: "550 <ana@example.com>: no such user" }],
		createdAt: "2025-01-01T00:00:00.000Z",
		updatedAt: "2025-01-01T00:00:00.000Z",
		nextAttemptAt: "2025-01-01T00:01:00.000Z",
		error: "550 <ana@example.com>: no such user",
	};

	it("removes address, subscriber and content, cancels a pending delivery and redacts errors", () => {
		assert.deepEqual(erasure(doc, "ana@example.com", "2025-02-01T00:00:00.000Z"), {
			$set: {
				to: "erased",
				attempts: [{ at: "2025-01-01T00:00:00.000Z", error: "550 <erased>: no such user" }],
				updatedAt: "2025-02-01T00:00:00.000Z",
				status: "failed",
				error: "erased",
			},
			$unset: { subscriberId: true, message: true, nextAttemptAt: true, leaseOwner: true, leaseUntil: true },
		});
	});

	it("keeps the status of a finished delivery", () => {
		const sent = { ...doc, status: "sent" as const, error: undefined, attempts: [{ at: doc.createdAt }] };
		assert.deepEqual(erasure(sent, "ana@example.com", "2025-02-01T00:00:00.000Z"), {
			$set: { to: "erased", attempts: [{ at: doc.createdAt }], updatedAt: "2025-02-01T00:00:00.000Z" },
			$unset: { subscriberId: true, message: true },
		});
		assert.equal(redact("to a.b+c@x.io and A.B+C@X.IO", "a.b+c@x.io"), "to erased and erased");
	});
});
