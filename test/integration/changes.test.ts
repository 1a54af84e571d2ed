/**
 * Change-aware tips through the API and the real services (docs/changes.md): a changed
 * product reaches only the clients it newly fits or whose constrained field moved, saying
 * what changed; republishing it unchanged tells nobody; a client told about it gets one
 * "no longer…" notice when it stops fitting them or closes.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { CollectorRunSummary } from "../../domain/contracts.ts";
import { call } from "../../domain/contracts.ts";
import type { Product } from "../../domain/product.ts";
import { acquireQueue, releaseQueue } from "../../lib/durable-queue.ts";
import { type BrokerFixture, startBrokerFixture, xpFund } from "../fixtures/brokers.ts";
import { type Client, inbox, verifiedClient } from "../fixtures/clients.ts";
import { type RunningSystem, sharedClock, startSystem, tempDir, waitFor } from "../harness.ts";

const collectedAt = new Date(sharedClock.now()).toISOString();
const fund = (adminFee: number, extra: Partial<Product> = {}): Product =>
	({
		id: "house:fund:alpha",
		source: "house",
		category: "fund",
		nativeId: "alpha",
		name: "Fundo Alpha",
		adminFee,
		riskLevel: 2,
		fundType: "Renda Fixa",
		collectedAt,
		...extra,
	}) as Product;

type Row = Awaited<ReturnType<typeof inbox>>["rows"][number] & {
	changes?: { field: string; before?: unknown; after?: unknown }[];
	notice?: string;
};

describe("change-aware tips", () => {
	const data = tempDir();
	let system: RunningSystem;
	let fees: Client;
	let anyFund: Client;
	let cheapest: Client;
	let published = 0;

	const rowsOf = async (client: Client) => (await inbox(system.url, client)).rows as Row[];
	/** Publishes and waits until the matcher handled its task and notifications stored its matches. */
	async function publish(product: Product): Promise<string> {
		const matcher = system.broker.getLocalService("matcher") as unknown as { tasksHandled?: number };
		const handled = matcher.tasksHandled ?? 0;
		const id = `pub-${++published}`;
		await system.broker.call("products.publish", { id, sources: ["house"], products: [product] });
		await waitFor(() => (matcher.tasksHandled ?? 0) > handled, { what: `${id} matched` });
		return id;
	}

	before(async () => {
		system = await startSystem({ DATA_DIR: data.path });
		fees = await verifiedClient(system.url, data.path, "fees@example.com", {
			fund: { adminFee: { max: 0.01 } },
		});
		anyFund = await verifiedClient(system.url, data.path, "anyfund@example.com", { fund: {} });
		cheapest = await verifiedClient(system.url, data.path, "cheapest@example.com", {
			fund: { adminFee: { max: 0.0045 } },
		});
	});
	after(async () => {
		await system.stop();
		data.remove();
	});

	it("a fee change reaches only clients who constrain fees, saying what changed", async () => {
		const first = await publish(fund(0.005));
		assert.deepEqual(
			(await rowsOf(fees)).map((n) => [n.publicationId, n.changes]),
			[[first, undefined]],
		);
		assert.equal((await rowsOf(anyFund)).length, 1);
		assert.equal((await rowsOf(cheapest)).length, 0, "0.50% is above their 0.45%");

		const second = await publish(fund(0.0049));
		const told = await rowsOf(fees);
		assert.equal(told.length, 2);
		assert.equal(told[0]?.publicationId, second);
		assert.deepEqual(told[0]?.changes, [{ field: "adminFee", before: 0.005, after: 0.0049 }]);
		assert.equal(told[0]?.notice, undefined);
		assert.equal((await rowsOf(anyFund)).length, 1, "no fee constraint: not told again");
		assert.equal((await rowsOf(cheapest)).length, 0);
	});

	it("reaches a client it newly fits, with what changed", async () => {
		const third = await publish(fund(0.004));
		const rows = await rowsOf(cheapest);
		assert.deepEqual(
			rows.map((n) => [n.publicationId, n.changes]),
			[[third, [{ field: "adminFee", before: 0.0049, after: 0.004 }]]],
		);
		assert.equal((await rowsOf(anyFund)).length, 1);
	});

	it("tells nobody again over 25 publications of the same product", async () => {
		const before = await Promise.all([fees, anyFund, cheapest].map(async (c) => (await rowsOf(c)).length));
		// A later collection time is bookkeeping, not a change.
		for (let run = 0; run < 25; run++)
			await publish(
				fund(0.004, { collectedAt: new Date(sharedClock.now() + run * 3_600_000).toISOString() }),
			);
		const afterwards = await Promise.all(
			[fees, anyFund, cheapest].map(async (c) => (await rowsOf(c)).length),
		);
		assert.deepEqual(afterwards, before);
	});

	it("says once that a product no longer fits, and once that it is no longer available", async () => {
		const feeRose = await publish(fund(0.02));
		for (const client of [fees, cheapest]) {
			const [latest] = await rowsOf(client);
			assert.equal(latest?.publicationId, feeRose);
			assert.equal(latest?.notice, "no-longer-fits");
			assert.deepEqual(latest?.changes, [{ field: "adminFee", before: 0.004, after: 0.02 }]);
		}
		assert.equal((await rowsOf(anyFund)).length, 1, "still fits, no constrained field");
		const feesBefore = (await rowsOf(fees)).length;
		await publish(fund(0.03));
		assert.equal((await rowsOf(fees)).length, feesBefore, "fits neither version: nothing");

		const closed = await publish(fund(0.03, { openToInvestment: false }));
		const [notice] = await rowsOf(anyFund);
		assert.equal(notice?.publicationId, closed);
		assert.equal(notice?.notice, "no-longer-available");
		assert.equal((await rowsOf(fees)).length, feesBefore, "already told it no longer fits");

		// The same task delivered again, and the product changing while closed: no second notice.
		const matcher = system.broker.getLocalService("matcher") as unknown as { tasksHandled: number };
		const handled = matcher.tasksHandled;
		const queue = await acquireQueue(system.broker);
		const changes = await call(system.broker, "publications.changesOf", {
			id: closed,
			productIds: ["house:fund:alpha"],
		});
		await queue.publish(
			"match-tasks",
			{ publicationId: closed, productIds: ["house:fund:alpha"], changes },
			`${closed}:0:redelivered`,
		);
		await releaseQueue(system.broker);
		await waitFor(() => matcher.tasksHandled > handled, { what: "the redelivered task" });
		await publish(fund(0.025, { openToInvestment: false }));
		const notices = (await rowsOf(anyFund)).filter((n) => n.notice);
		assert.equal(notices.length, 1);
	});
});

describe("a product its source stops listing", () => {
	const data = tempDir();
	let site: BrokerFixture;
	let system: RunningSystem;
	let client: Client;
	const token = "changes-operator-token-0123456789";
	const funds = [
		xpFund({ id: 1, cnpj: "11111111000111", name: "XP Um FIM" }),
		xpFund({ id: 2, cnpj: "22222222000122", name: "XP Dois FIM" }),
		xpFund({ id: 3, cnpj: "33333333000133", name: "XP Três FIM" }),
	];
	const serve = (listed: object[]) => {
		const route = site.routes.get("/xp");
		if (route) route.body = JSON.stringify({ data: listed });
	};
	const collect = async () => {
		const res = await fetch(`${system.url}/api/collector/run`, {
			method: "POST",
			headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
			body: JSON.stringify({ sources: ["xp"] }),
		});
		return (await res.json()) as CollectorRunSummary;
	};
	const rows = async () => (await inbox(system.url, client)).rows as Row[];

	before(async () => {
		site = await startBrokerFixture({ "/xp": { body: "{}" } });
		serve(funds);
		const file = join(data.path, "sources.json");
		writeFileSync(
			file,
			JSON.stringify({
				limits: { timeoutMs: 2_000, retries: 0, backoffMs: 20, maxBytes: 1_000_000, perHostConcurrency: 2 },
				sources: [
					{
						name: "xp",
						type: "xp-funds",
						url: `${site.url}/xp`,
						// biome-ignore lint/suspicious/noTemplateCurlyInString: the sources file's own ${VAR} syntax.
						headers: { "ocp-apim-subscription-key": "${XP_API_KEY}" },
					},
				],
			}),
		);
		system = await startSystem({
			DATA_DIR: data.path,
			SOURCES_FILE: file,
			OPERATOR_TOKEN: token,
			XP_API_KEY: "xp-key",
			PRICES_PROVIDER: "sample",
		});
		client = await verifiedClient(system.url, data.path, "listed@example.com", { fund: {} });
	});
	after(async () => {
		await system.stop();
		await site.stop();
		data.remove();
	});

	it("is withdrawn once: closed in the catalogue, one notice to who was told, none again", async () => {
		const first = await collect();
		assert.equal(first.sources.xp?.new, 3);
		const told = await waitFor(async () => ((await rows()).length === 3 ? rows() : undefined));
		const dropped = told.find((n) => n.product?.name === "XP Dois FIM")?.productId as string;

		serve([funds[0] as object, funds[2] as object]);
		const second = await collect();
		assert.equal(second.sources.xp?.withdrawn, 1);
		const product = await system.broker.call<{ openToInvestment?: boolean; withdrawnAt?: string }, object>(
			"products.get",
			{ id: dropped },
		);
		assert.equal(product.openToInvestment, false);
		assert.equal(product.withdrawnAt, second.startedAt);
		const notice = await waitFor(async () => (await rows()).find((n) => n.notice));
		assert.equal(notice.productId, dropped);
		assert.equal(notice.notice, "no-longer-available");

		const third = await collect();
		assert.equal(third.publicationId, undefined, "a withdrawn product is not withdrawn again");
		assert.equal((await rows()).length, 4);
	});

	it("withdraws nothing from a read that lists much less than the catalogue holds", async () => {
		serve(funds);
		const back = await collect();
		assert.equal(back.sources.xp?.changed, 1, "listed again: open again");
		await waitFor(async () => ((await rows()).length === 5 ? true : undefined), { what: "the tip again" });
		serve([funds[0] as object]);
		const partial = await collect();
		assert.equal(partial.sources.xp?.withdrawn, undefined);
		assert.ok(partial.sources.xp?.errors.some((e) => /partial read/.test(e)));
		assert.equal(partial.publicationId, undefined);
	});
});

describe("a backfill after interests change", () => {
	const data = tempDir();
	let system: RunningSystem;
	let wide: Client;
	let late: Client;
	const product = (nativeId: string, extra: Partial<Product> = {}) =>
		fund(0.005, { id: `house:fund:${nativeId}`, nativeId, name: `Fundo ${nativeId}`, ...extra });
	const publish = (id: string, products: Product[]) =>
		system.broker.call("products.publish", { id, sources: ["house"], products });
	const setInterests = (client: Client, interests: object) =>
		fetch(`${system.url}/api/me/interests`, {
			method: "PUT",
			headers: { authorization: `Bearer ${client.token}`, "content-type": "application/json" },
			body: JSON.stringify(interests),
		});
	const ids = async (client: Client) => (await inbox(system.url, client)).rows.map((n) => n.productId).sort();

	before(async () => {
		system = await startSystem({ DATA_DIR: data.path });
		wide = await verifiedClient(system.url, data.path, "wide@example.com", { fund: {} });
		late = await verifiedClient(system.url, data.path, "late@example.com", { stock: {} });
	});
	after(async () => {
		await system.stop();
		data.remove();
	});

	it("brings only what is news to the client, not a product they were told about", async () => {
		await publish("b-1", [product("beta")]);
		await waitFor(async () => ((await ids(wide)).length === 1 ? true : undefined));
		// Renamed: nobody constrains the name, nobody is told; the recent products now hold b-2's beta.
		await publish("b-2", [product("beta", { name: "Fundo Beta Novo" })]);
		await publish("b-3", [product("gamma", { adminFee: 0.03 })]);
		await waitFor(async () => ((await ids(wide)).length === 2 ? true : undefined));

		assert.equal((await setInterests(wide, { fund: { adminFee: { max: 0.01 } } })).status, 200);
		assert.equal((await setInterests(late, { fund: {} })).status, 200);
		assert.deepEqual(
			await waitFor(async () => {
				const rows = await ids(late);
				return rows.length === 2 ? rows : undefined;
			}),
			["house:fund:beta", "house:fund:gamma"],
			"a newcomer to funds gets both",
		);
		await new Promise((resolve) => setTimeout(resolve, 300));
		assert.deepEqual(await ids(wide), ["house:fund:beta", "house:fund:gamma"], "told already: nothing again");
	});
});
