/**
 * Change-aware tips through the API and the real services (docs/changes.md): a changed
 * product reaches only the clients it newly fits or whose constrained field moved, saying
 * what changed; republishing it unchanged tells nobody; a client told about it gets one
 * "no longer…" notice when it stops fitting them or closes.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Product } from "../../domain/product.ts";
import { acquireQueue, releaseQueue } from "../../mixins/durable-queue.ts";
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
		const publication = await system.broker.call<{ changes: object }, object>("publications.get", {
			id: closed,
			withProducts: false,
		});
		await queue.publish(
			"match-tasks",
			{ publicationId: closed, productIds: ["house:fund:alpha"], changes: publication.changes },
			`${closed}:0:redelivered`,
		);
		await releaseQueue(system.broker);
		await waitFor(() => matcher.tasksHandled > handled, { what: "the redelivered task" });
		await publish(fund(0.025, { openToInvestment: false }));
		const notices = (await rowsOf(anyFund)).filter((n) => n.notice);
		assert.equal(notices.length, 1);
	});
});
