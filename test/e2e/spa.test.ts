/**
 * The SPA end to end in Debian's Chromium against the real system (embedded default,
 * sample sources): sign up → the verification link from the outbox → interests with the
 * preview count → a collection triggered on the operator page → the matching card appears
 * in the open feed without a reload → KPIs render the new data → switch to en.
 * Saves a screenshot of every page at 1280 px and 390 px into docs/screenshots/.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { launchBrowser } from "../fixtures/browser.ts";
import { mailedLink } from "../fixtures/clients.ts";
import { freePort, type RunningSystem, startSystem, tempDir, waitFor } from "../harness.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const shots = process.env.SCREENSHOTS_DIR || `${root}docs/screenshots`;
const operatorToken = "e2e-operator-token-0123456789abcdef";
const email = "ana.e2e@example.com";

describe("the SPA in a real browser", () => {
	const data = tempDir();
	let system: RunningSystem;
	let browser: Awaited<ReturnType<typeof launchBrowser>>;
	let client: Page;

	/** Both widths of the page as it is now. */
	async function screenshot(page: Page, name: string) {
		for (const width of [1280, 390]) {
			await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
			await page.waitForTimeout(150);
			await page.screenshot({ path: `${shots}/${name}-${width}.png`, fullPage: true });
		}
		await page.setViewportSize({ width: 1280, height: 900 });
	}

	before(async () => {
		assert.ok(existsSync(`${root}public/index.html`), "the SPA is built (npm run build)");
		mkdirSync(shots, { recursive: true });
		const port = await freePort();
		system = await startSystem({
			DATA_DIR: data.path,
			PORT: String(port),
			PUBLIC_URL: `http://127.0.0.1:${port}`,
			OPERATOR_TOKEN: operatorToken,
			PRICES_PROVIDER: "sample",
			SOURCES_FILE: new URL("../fixtures/sources.e2e.json", import.meta.url).pathname,
		});
		// A first collection, so the interests preview has recent products to count.
		await system.broker.call("collector.run", {});
		browser = await launchBrowser();
		// The page's "today" is the node's: both read the test's clock, not the wall's.
		await browser.context.clock.setFixedTime(system.clock.now());
		client = await browser.context.newPage();
	});
	after(async () => {
		await browser?.close();
		await system?.stop();
		data.remove();
	});

	it("signs up, verifies by the e-mailed link, and previews interests", async () => {
		await client.goto(`${system.url}/`);
		await client.locator('input[name="name"]').fill("Ana");
		await screenshot(client, "inicio");
		await client.locator('input[name="email"]').fill(email);
		await client.locator('input[name="consent"]').check();
		await client.getByTestId("signup-submit").click();
		await client.getByTestId("signup-done").waitFor();

		await client.goto(`${system.url}${await mailedLink(data.path, email)}`);
		await client.waitForURL(/\/interesses$/);
		// The session is an HttpOnly cookie: no script on the page (an injected one included) reads it.
		const [session] = (await browser.context.cookies()).filter((c) => c.name === "insights_session");
		assert.ok(session?.httpOnly && session.sameSite === "Strict", "an HttpOnly, SameSite=Strict cookie");
		const readable = await client.evaluate(() => document.cookie + JSON.stringify({ ...localStorage }));
		assert.ok(!readable.includes(session.value.split(".")[2] as string), "no script can read the session");
		await wantEveryFund(client);
		const count = Number(
			await waitFor(
				async () => {
					const text = (await client.getByTestId("preview-count").textContent()) ?? "";
					const n = /\d+/.exec(text)?.[0];
					return n && Number(n) > 0 ? n : undefined;
				},
				{ what: "a preview count above zero" },
			),
		);
		assert.ok(count > 0);
		await client.getByTestId("save-interests").click();
		await client.locator('[role="status"]').filter({ hasText: /salv/i }).first().waitFor();
		await screenshot(client, "interesses");
	});

	it("shows a new match in the open feed without a reload when the operator collects", async () => {
		await client.goto(`${system.url}/dicas`);
		await client.locator("h1").waitFor();
		const before = await client.getByTestId("tip-card").count();
		const unreadBefore = await client.evaluate(() =>
			Number(document.querySelector('[data-testid="unread-badge"]')?.textContent?.trim() ?? 0),
		);
		// Mark the document: a reload would lose it.
		await client.evaluate(() => {
			(window as unknown as { stillHere: boolean }).stillHere = true;
		});

		const operator = await browser.context.newPage();
		await operator.goto(`${system.url}/operador`);
		await operator.locator('input[name="operatorToken"]').fill(operatorToken);
		await operator.getByTestId("operator-signin").click();
		await operator.getByTestId("run-now").click();
		await client.getByTestId("tip-card").nth(before).waitFor({ timeout: 30_000 });
		assert.equal(await client.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere), true);
		// The badge counts it too: the new count came with the notification, not in a message of its own.
		await client.waitForFunction(
			(was) => Number(document.querySelector('[data-testid="unread-badge"]')?.textContent?.trim() ?? 0) > was,
			unreadBefore,
			{ timeout: 10_000 },
		);
		await screenshot(client, "dicas");
		await operator.getByTestId("run-now").isEnabled();
		await screenshot(operator, "operador");
		await operator.close();
	});

	it("renders the KPIs with the new data, the account page, and switches to English", async () => {
		await client.goto(`${system.url}/kpis`);
		await client.getByTestId("kpi-tiles").waitFor();
		await client.getByTestId("chart-frequency").locator("svg").first().waitFor();
		await client.getByTestId("chart-top").locator("svg").first().waitFor();
		const tiles = (await client.getByTestId("kpi-tiles").textContent()) ?? "";
		assert.match(tiles, /[1-9]/, "the tiles show the distributed numbers");
		await screenshot(client, "kpis");

		await client.goto(`${system.url}/conta`);
		await client.getByTestId("account-sections").waitFor();
		await screenshot(client, "conta");

		await client.getByTestId("language").selectOption("en");
		await client.locator("nav").getByText("Tips").waitFor();
		assert.equal(await client.evaluate(() => document.documentElement.lang), "en");
		await client.goto(`${system.url}/kpis`);
		await client.getByTestId("kpi-tiles").waitFor();
		await screenshot(client, "kpis-en");
	});
});

/** On the interests page: every fund, nothing else. */
async function wantEveryFund(page: Page) {
	await page.getByTestId("category-fund").check();
}
