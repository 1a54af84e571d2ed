/**
 * Hostile: crawled text that looks like markup, through the whole path into the SPA in
 * Debian's Chromium (issue 17). A broker site on loopback serves an offers page and a BTG
 * funds JSON whose names decode to `<img onerror>`, `<svg onload>`, `<script>` and an
 * Angular template expression; the collector stores them as the text they are, a verified
 * client is told about them, and the Dicas and KPIs pages — every top-products bar
 * hovered, so ApexCharts writes its tooltip — must show them literally. A trap installed
 * before any page script records every payload that runs (and every dialog, page error
 * and injected element); anything recorded fails the test. The client's e-mail must show
 * the names escaped as well.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as cheerio from "cheerio";
import { simpleParser } from "mailparser";
import type { Page } from "playwright-core";
import type { CollectorRunSummary } from "../../domain/contracts.ts";
import {
	type BrokerFixture,
	btgFund,
	offerRow,
	offersDefinition,
	offersPage,
	startBrokerFixture,
} from "../fixtures/brokers.ts";
import { launchBrowser } from "../fixtures/browser.ts";
import { mailedLink, suitabilityFor } from "../fixtures/clients.ts";
import { freePort, getJson, type RunningSystem, startSystem, tempDir, waitFor } from "../harness.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const email = "beatriz.hostil@example.com";

/**
 * What the collector stores for each hostile item: cleanText decodes entities once, so a
 * page that escapes its text twice (and a JSON that escapes it once) yields live markup
 * as a product's name. Every payload sets `window.__pwned`, which the trap watches.
 */
const stored = {
	img: 'CDB Aurora <img src=x onerror="window.__pwned=1"> Pré',
	iframe: 'Banco <iframe src="javascript:window.__pwned=5"></iframe> Austral',
	stripped: "LCI Boreal",
	svg: "BTG Cometa <svg onload=window.__pwned=2> FIM",
	script: 'BTG Orion "><script>window.__pwned=3</script> FIC',
	angular: "BTG Vega {{constructor.constructor('window.__pwned=4')()}} FIA",
	rawTags: "BTG Lyra FIM",
	gestora: "Gestora <img src=x onerror=window.__pwned=11> S.A.",
};
const names = [stored.img, stored.stripped, stored.svg, stored.script, stored.angular, stored.rawTags];

function brokerSite(): Promise<BrokerFixture> {
	return startBrokerFixture({
		"/renda-fixa": {
			contentType: "text/html; charset=utf-8",
			body: offersPage([
				// Escaped twice: the page's visitors read "&lt;img …&gt;"; the collector decodes it once.
				offerRow({
					product: 'CDB Aurora &amp;lt;img src=x onerror="window.__pwned=1"&amp;gt; Pré',
					issuer:
						'Banco &amp;lt;iframe src="javascript:window.__pwned=5"&amp;gt;&amp;lt;/iframe&amp;gt; Austral',
					maturity: "15/01/2031",
					href: "javascript:window.__pwned=6",
				}),
				// Escaped once: the text is markup, and markup is stripped.
				offerRow({
					type: "LCI",
					product: 'LCI Boreal &lt;img src=x onerror="window.__pwned=7"&gt;',
					issuer: "Banco Boreal S.A.",
					rate: "95% do CDI",
					maturity: "02/08/2031",
					tax: "Isento",
					href: "/renda-fixa/lci-boreal",
				}),
			]),
		},
		"/fundos": {
			body: JSON.stringify([
				btgFund({ id: 40101, product: "BTG Cometa &lt;svg onload=window.__pwned=2&gt; FIM" }),
				btgFund({
					id: 40102,
					product: "BTG Orion &quot;&gt;&lt;script&gt;window.__pwned=3&lt;/script&gt; FIC",
					description: "&lt;img src=x onerror=window.__pwned=10&gt; Renda fixa.",
				}),
				btgFund(
					{
						id: 40103,
						product: "BTG Vega {{constructor.constructor('window.__pwned=4')()}} FIA",
					},
					{ manager: "Gestora &lt;img src=x onerror=window.__pwned=11&gt; S.A." },
				),
				btgFund({
					id: 40104,
					product: "BTG Lyra <svg onload=window.__pwned=8></svg><script>window.__pwned=9</script> FIM",
				}),
			]),
		},
	});
}

interface Hit {
	what: string;
	url: string;
}

/**
 * Runs in every document before its own scripts: `window.__pwned` reports whoever sets it,
 * dialogs report themselves, and any element that carries an event-handler attribute, a
 * javascript: link or a script mentioning the payload reports the moment it is inserted —
 * a tooltip replaced on the next hover leaves no trace in the final DOM.
 */
function trap() {
	const trapped: string[] = [];
	Object.defineProperty(window, "__insightsTrapped", { value: trapped });
	const report = (what: string) => {
		trapped.push(what);
		void (window as unknown as { __insightsTrap(what: string): Promise<void> }).__insightsTrap(what);
	};
	Object.defineProperty(window, "__pwned", {
		configurable: false,
		get: () => undefined,
		set: (value: unknown) => report(`window.__pwned = ${String(value)}`),
	});
	for (const dialog of ["alert", "confirm", "prompt"] as const)
		Object.defineProperty(window, dialog, {
			configurable: false,
			value: (...args: unknown[]) => report(`${dialog}(${args.join(", ")})`),
		});
	const inspect = (element: Element) => {
		for (const attribute of element.attributes) {
			if (/^on/i.test(attribute.name))
				report(`<${element.localName} ${attribute.name}="${attribute.value}">`);
			if (/^\s*javascript:/i.test(attribute.value))
				report(`<${element.localName} ${attribute.name}="${attribute.value}">`);
		}
		if (element.localName === "script" && element.textContent?.includes("__pwned"))
			report(`<script>${element.textContent}</script>`);
	};
	new MutationObserver((mutations) => {
		for (const mutation of mutations) {
			if (mutation.type === "attributes" && mutation.target instanceof Element) inspect(mutation.target);
			for (const node of mutation.addedNodes) {
				if (!(node instanceof Element)) continue;
				inspect(node);
				for (const inner of node.querySelectorAll("*")) inspect(inner);
			}
		}
	}).observe(document, { childList: true, subtree: true, attributes: true });
}

/** Elements a payload would have added, in the DOM as it is now. */
function injected(page: Page): Promise<string[]> {
	return page.evaluate(() =>
		[...document.querySelectorAll("*")]
			.filter(
				(element) =>
					element.matches('img[src="x"], iframe, svg[onload]') ||
					[...element.attributes].some((a) => /^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)) ||
					(element.localName === "script" && element.textContent?.includes("__pwned")),
			)
			.map((element) => element.outerHTML.slice(0, 200)),
	);
}

describe("hostile crawled text in the SPA (Chromium)", () => {
	const data = tempDir();
	let site: BrokerFixture;
	let system: RunningSystem;
	let browser: Awaited<ReturnType<typeof launchBrowser>>;
	let page: Page;
	const hits: Hit[] = [];

	/**
	 * Whatever the trap, dialogs and page errors recorded: nothing, or the test fails. The
	 * page keeps its own list too, so a report still on its way to the binding counts.
	 */
	async function assertNothingRan(where: string) {
		const inPage = await page.evaluate(
			() => (window as unknown as { __insightsTrapped: string[] }).__insightsTrapped,
		);
		assert.deepEqual(
			{ recorded: hits, inPage },
			{ recorded: [], inPage: [] },
			`a hostile payload ran (${where})`,
		);
	}

	before(async () => {
		assert.ok(existsSync(`${root}public/index.html`), "the SPA is built (npm run build)");
		site = await brokerSite();
		const sources = join(data.path, "sources.json");
		writeFileSync(
			sources,
			JSON.stringify({
				limits: { timeoutMs: 5_000, retries: 1, backoffMs: 50, maxBytes: 1_000_000, perHostConcurrency: 2 },
				sources: [
					{ name: "ofertas", type: "html", url: `${site.url}/renda-fixa`, ...offersDefinition },
					{
						name: "btg",
						type: "btg-funds",
						url: `${site.url}/fundos`,
						productUrl: "https://btg.example/fundos/{id}",
					},
				],
			}),
		);
		const port = await freePort();
		system = await startSystem({
			DATA_DIR: data.path,
			PORT: String(port),
			PUBLIC_URL: `http://127.0.0.1:${port}`,
			OPERATOR_TOKEN: "hostile-operator-token-0123456789abcdef",
			PRICES_PROVIDER: "sample",
			SOURCES_FILE: sources,
			// The e-mail about a publication goes out within a second of its matches.
			IMMEDIATE_SETTLE_SECONDS: "0",
			DIGEST_SWEEP_SECONDS: "1",
		});
		browser = await launchBrowser();
		// The page's "today" is the node's: both read the test's clock, not the wall's.
		await browser.context.clock.setFixedTime(system.clock.now());
		await browser.context.exposeBinding("__insightsTrap", ({ page }, what: string) => {
			hits.push({ what, url: page?.url() ?? "" });
		});
		await browser.context.addInitScript(trap);
		page = await browser.context.newPage();
		page.on("dialog", (dialog) => {
			hits.push({ what: `dialog ${dialog.type()}: ${dialog.message()}`, url: page.url() });
			void dialog.dismiss();
		});
		page.on("pageerror", (error) => hits.push({ what: `page error: ${error.message}`, url: page.url() }));
	});
	after(async () => {
		await browser?.close();
		await system?.stop();
		await site?.stop();
		data.remove();
	});

	it("collects the hostile names as text and tells a verified client about them, live", async () => {
		const registered = await getJson(`${system.url}/api/subscribers`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				email,
				name: "Beatriz",
				consent: true,
				suitability: suitabilityFor("aggressive"),
				interests: { fund: {}, fixed_income: {} },
				preferences: { digest: "immediate" },
			}),
		});
		assert.equal(registered.status, 202, JSON.stringify(registered.body));
		await page.goto(`${system.url}${await mailedLink(data.path, email)}`);
		await page.waitForURL(/\/dicas$/, { timeout: 30_000 });
		await page.locator('[data-testid="connection"][data-state="online"]').waitFor({ timeout: 30_000 });

		const summary = await system.broker.call<CollectorRunSummary, object>("collector.run", {});
		assert.equal(summary.sources.ofertas?.status, "ok", JSON.stringify(summary.sources.ofertas));
		assert.equal(summary.sources.btg?.status, "ok", JSON.stringify(summary.sources.btg));
		// The precondition of everything below: markup reached the store as names.
		const products = await system.broker.call<
			{ rows: { name: string; issuer?: string; url?: string }[] },
			object
		>("products.list", { pageSize: 100 });
		assert.deepEqual(products.rows.map((p) => p.name).sort(), [...names].sort());
		const issuers = products.rows.map((p) => p.issuer);
		assert.ok(issuers.includes(stored.iframe) && issuers.includes(stored.gestora), JSON.stringify(issuers));
		assert.ok(
			products.rows.every((p) => p.url === undefined || /^https?:/.test(p.url)),
			"no javascript: link is kept",
		);

		// Pushed into the open feed: the live path renders them too.
		await waitFor(async () => (await page.getByTestId("tip-card").count()) === names.length, {
			timeoutMs: 30_000,
			what: "every hostile product in the open feed",
		});
		await assertNothingRan("the live feed");
	});

	it("shows the names literally on the Dicas page", async () => {
		await page.reload();
		await page
			.getByTestId("tip-card")
			.nth(names.length - 1)
			.waitFor({ timeout: 30_000 });
		const headings = await page.locator('[data-testid="tip-card"] .tip-name').allTextContents();
		assert.deepEqual(headings.map((h) => h.trim()).sort(), [...names].sort());
		const text = (await page.locator("body").textContent()) ?? "";
		for (const literal of [
			'<img src=x onerror="window.__pwned=1">',
			stored.iframe,
			stored.gestora,
			"{{constructor",
		])
			assert.ok(text.includes(literal), `the page shows ${literal} as text`);
		assert.deepEqual(await injected(page), []);
		await assertNothingRan("Dicas");
	});

	it("shows the names literally in the KPIs top-products chart, tooltips included", async () => {
		const ranked = await waitFor(
			async () => {
				const top = await system.broker.call<{ name: string; count: number }[], object>("analytics.top", {
					period: "30d",
					limit: 10,
				});
				return top.length === names.length ? top : undefined;
			},
			{ timeoutMs: 30_000, what: "the hostile products in analytics' top list" },
		);
		assert.deepEqual(ranked.map((p) => p.name).sort(), [...names].sort());

		await page.goto(`${system.url}/kpis`);
		const chart = page.getByTestId("chart-top");
		const bars = chart.locator("path.apexcharts-bar-area");
		await waitFor(async () => (await bars.count()) === names.length, {
			timeoutMs: 30_000,
			what: "one bar per product in the top chart",
		});
		// The wrapper's data table: one row per bar, in the bars' order.
		const rows = (await chart.locator(".chart-table tbody th").allTextContents()).map((t) => t.trim());
		assert.deepEqual([...rows].sort(), [...names].sort());

		const title = chart.locator(".apexcharts-tooltip-title");
		const shown: string[] = [];
		const wanted: string[] = [];
		const found: string[] = [];
		for (let index = 0; index < names.length; index++) {
			const bar = bars.nth(index);
			const expected = rows[Number(await bar.getAttribute("j"))] ?? "";
			wanted.push(expected);
			await bar.hover({ force: true });
			// Its first two words are plain text: the tooltip names this bar, escaped or not.
			const plain = expected.split(" ").slice(0, 2).join(" ");
			shown.push(
				await waitFor(
					async () => {
						const text = ((await title.textContent()) ?? "").trim();
						return text.startsWith(plain) ? text : undefined;
					},
					{ what: `the tooltip of bar ${index} naming ${expected}` },
				),
			);
			found.push(...(await injected(page)));
		}
		await assertNothingRan("the top-products tooltips");
		assert.deepEqual(found, [], "no element from a product name while the tooltips showed");
		assert.deepEqual(shown, wanted, "each tooltip names its product literally");
		// Nothing in the chart's own text (axis labels, legend) is markup either.
		const legend = chart.locator(".apexcharts-legend");
		if (await legend.count()) assert.doesNotMatch(await legend.innerHTML(), /<(img|svg|script|iframe)\b/i);
		const frequencyBar = page
			.getByTestId("chart-frequency")
			.locator('path.apexcharts-bar-area:not([val="0"])')
			.first();
		await frequencyBar.hover({ force: true });
		await page.getByTestId("chart-frequency").locator(".apexcharts-tooltip.apexcharts-active").waitFor();
		const text = (await page.locator("body").textContent()) ?? "";
		assert.ok(
			text.includes('<img src=x onerror="window.__pwned=1">'),
			"the KPIs page shows the markup as text",
		);
		assert.deepEqual(await injected(page), []);
		await assertNothingRan("KPIs");
	});

	it("escapes the names in the client's e-mail", async () => {
		const outbox = join(data.path, "outbox");
		const html = await waitFor(
			async () => {
				for (const file of readdirSync(outbox).filter((f) => f.endsWith(".eml"))) {
					const mail = await simpleParser(readFileSync(join(outbox, file)));
					const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
					if (!to.some((a) => a.value.some((v) => v.address === email))) continue;
					if (typeof mail.html === "string" && mail.html.includes("BTG Cometa")) return mail.html;
				}
				return undefined;
			},
			{ timeoutMs: 30_000, what: `the e-mail about the hostile products to ${email}` },
		);
		const $ = cheerio.load(html);
		assert.equal($('img[src="x"], svg, script, iframe').length, 0, "no element from a product name");
		const handlers = $("*")
			.toArray()
			.flatMap((element) => Object.keys($(element).attr() ?? {}).filter((name) => /^on/i.test(name)));
		assert.deepEqual(handlers, []);
		const text = $.text().replace(/\s+/g, " ");
		for (const literal of [...names, stored.iframe, stored.gestora])
			assert.ok(text.includes(literal), `the e-mail reads ${literal}`);
		assert.ok(html.includes("&lt;img src"), "the markup is escaped in the HTML part");
	});
});
