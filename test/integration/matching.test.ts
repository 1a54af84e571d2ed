/**
 * Matching end to end in the embedded default: verified clients with interests, a
 * publication, and each client's inbox — with reasons, exactly once under redelivery, a
 * backfill for newcomers, the live preview, isolation, and catch-up after the matcher was
 * not running when a publication was made.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Product } from "../../domain/product.ts";
import { acquireQueue, releaseQueue } from "../../lib/durable-queue.ts";
import { type Client, inbox, verifiedClient } from "../fixtures/clients.ts";
import { getJson, type RunningSystem, sharedClock, startSystem, tempDir, waitFor } from "../harness.ts";

const collectedAt = new Date(sharedClock.now()).toISOString();
const fund = (
	nativeId: string,
	adminFee: number,
	riskLevel: 1 | 2 | 3 | 4 | 5 = 2,
	fundType = "Renda Fixa",
): Product => ({
	id: `house:fund:${nativeId}`,
	source: "house",
	category: "fund",
	nativeId,
	name: `Fundo ${nativeId}`,
	adminFee,
	riskLevel,
	fundType,
	collectedAt,
});
const cdb = (nativeId: string, spread: number): Product => ({
	id: `house:fixed_income:${nativeId}`,
	source: "house",
	category: "fixed_income",
	nativeId,
	name: `CDB ${nativeId}`,
	instrument: "CDB",
	rate: { index: "IPCA", spread },
	riskLevel: 1,
	collectedAt,
});

describe("matching and inbox in the embedded default", () => {
	const data = tempDir();
	let system: RunningSystem;
	let cheap: Client;
	let ipca: Client;
	let careful: Client;

	const publish = (id: string, products: Product[]) =>
		system.broker.call("products.publish", { id, sources: ["house"], products });

	before(async () => {
		system = await startSystem({ DATA_DIR: data.path });
		cheap = await verifiedClient(system.url, data.path, "cheap@example.com", {
			fund: { adminFee: { max: 0.01 }, fundType: { in: ["Renda Fixa"] } },
		});
		ipca = await verifiedClient(system.url, data.path, "ipca@example.com", {
			fixed_income: { rateIndex: { in: ["IPCA"] }, spread: { min: 0.06 } },
		});
		careful = await verifiedClient(
			system.url,
			data.path,
			"careful@example.com",
			{ fund: {} },
			"conservative",
		);
	});
	after(async () => {
		await system.stop();
		data.remove();
	});

	it("puts each match in the right inbox with its reasons, and nothing else", async () => {
		await publish("pub-1", [
			fund("a", 0.005),
			fund("b", 0.02),
			fund("c", 0.008, 4),
			cdb("x", 0.065),
			cdb("y", 0.05),
		]);
		const cheapInbox = await waitFor(async () => {
			const box = await inbox(system.url, cheap);
			return box.rows.length >= 2 ? box : undefined;
		});
		assert.deepEqual(cheapInbox.rows.map((n) => n.productId).sort(), ["house:fund:a", "house:fund:c"]);
		const reasonsA = cheapInbox.rows.find((n) => n.productId === "house:fund:a")?.reasons;
		assert.deepEqual(reasonsA, [
			{ field: "adminFee", operator: "≤", value: 0.005, bound: 0.01 },
			{ field: "fundType", operator: "∈", value: "Renda Fixa", bound: ["Renda Fixa"] },
		]);
		assert.equal(cheapInbox.rows[0]?.product?.name.startsWith("Fundo"), true, "rows carry the product");
		assert.equal(cheapInbox.unread, 2);

		const ipcaInbox = await waitFor(async () => {
			const box = await inbox(system.url, ipca);
			return box.rows.length >= 1 ? box : undefined;
		});
		assert.deepEqual(
			ipcaInbox.rows.map((n) => n.productId),
			["house:fixed_income:x"],
		);
		// Suitability: the conservative client wants every fund, but not one of risk 4.
		const carefulInbox = await waitFor(async () => {
			const box = await inbox(system.url, careful);
			return box.rows.length >= 2 ? box : undefined;
		});
		assert.deepEqual(carefulInbox.rows.map((n) => n.productId).sort(), ["house:fund:a", "house:fund:b"]);
	});

	it("changes nothing when the same publication is delivered again", async () => {
		const matcher = system.broker.getLocalService("matcher") as unknown as { tasksHandled: number };
		const handled = matcher.tasksHandled;
		const queue = await acquireQueue(system.broker);
		// The same chunk once more, as a redelivery after a crash before its acknowledgement.
		const productIds = [
			"house:fund:a",
			"house:fund:b",
			"house:fund:c",
			"house:fixed_income:x",
			"house:fixed_income:y",
		];
		await queue.publish("match-tasks", { publicationId: "pub-1", productIds }, "pub-1:0:redelivered");
		await releaseQueue(system.broker);
		await waitFor(() => matcher.tasksHandled > handled, { what: "the redelivered publication matched" });
		assert.equal((await inbox(system.url, cheap)).rows.length, 2);
		assert.equal((await inbox(system.url, careful)).rows.length, 2);
		// A retried publish is announced again and changes nothing either.
		await system.broker.call("products.publish", { id: "pub-1", sources: ["house"] });
		await new Promise((resolve) => setTimeout(resolve, 300));
		assert.equal((await inbox(system.url, ipca)).rows.length, 1);
	});

	it("backfills a newcomer's inbox with the last 24 hours' matches", async () => {
		const late = await verifiedClient(system.url, data.path, "late@example.com", {
			fixed_income: { spread: { min: 0.06 } },
		});
		const box = await waitFor(async () => {
			const rows = (await inbox(system.url, late)).rows;
			return rows.length >= 1 ? rows : undefined;
		});
		assert.deepEqual(
			box.map((n) => [n.productId, n.publicationId]),
			[["house:fixed_income:x", "pub-1"]],
		);
	});

	it("pages the inbox by cursor, filters unread, and marks only the caller's notifications read", async () => {
		const first = await inbox(system.url, cheap, "limit=1");
		assert.equal(first.rows.length, 1);
		assert.equal(first.hasMore, true);
		const second = await inbox(system.url, cheap, `limit=1&before=${encodeURIComponent(first.next ?? "")}`);
		assert.equal(second.rows.length, 1);
		assert.notEqual(second.rows[0]?.id, first.rows[0]?.id);
		assert.equal(second.hasMore, false);

		const careful1 = (await inbox(system.url, careful)).rows[0]?.id ?? "";
		const mark = (client: Client, body: object) =>
			getJson(`${system.url}/api/me/notifications/read`, {
				method: "POST",
				headers: { authorization: `Bearer ${client.token}`, "content-type": "application/json" },
				body: JSON.stringify(body),
			});
		// Cheap cannot mark Careful's notification.
		assert.deepEqual((await mark(cheap, { ids: [careful1] })).body, { updated: 0 });
		assert.equal((await inbox(system.url, careful)).unread, 2);
		assert.deepEqual((await mark(cheap, { ids: [first.rows[0]?.id] })).body, { updated: 1 });
		const unread = await inbox(system.url, cheap, "unread=true");
		assert.deepEqual(
			unread.rows.map((n) => n.id),
			[second.rows[0]?.id],
		);
		assert.equal(unread.unread, 1);
		assert.deepEqual((await mark(cheap, { all: true })).body, { updated: 1 });
		const count = await getJson(`${system.url}/api/me/notifications/unread`, {
			headers: { authorization: `Bearer ${cheap.token}` },
		});
		assert.deepEqual(count.body, { unread: 0, display: "0", hasMore: false });
		assert.equal((await mark(cheap, {})).status, 422);
		assert.equal((await getJson(`${system.url}/api/me/notifications`)).status, 401);
	});

	it("previews what interests would have matched in the last 30 days", async () => {
		const preview = (body: object, client = cheap) =>
			getJson(`${system.url}/api/me/interests/preview`, {
				method: "POST",
				headers: { authorization: `Bearer ${client.token}`, "content-type": "application/json" },
				body: JSON.stringify(body),
			});
		const wide = await preview({ interests: { fund: {} } });
		assert.equal(wide.status, 200);
		assert.equal(wide.body.count, 3, "aggressive client: every fund");
		const narrow = await preview({ interests: { fund: {} }, riskProfile: "conservative" });
		assert.equal(narrow.body.count, 2);
		assert.ok(narrow.body.products.every((p: { reasons: unknown[] }) => Array.isArray(p.reasons)));
		const bad = await preview({ interests: { fund: { adminFee: { min: 1, max: 0 } } } });
		assert.equal(bad.status, 422);
	});

	it("catches up with subscriber changes whose events it missed", async () => {
		const missed = await verifiedClient(system.url, data.path, "missed@example.com", { coe: {} });
		const gone = await verifiedClient(system.url, data.path, "gone@example.com", { fund: {} });
		// Changed in the store without the broadcast: as if this matcher had not been known yet.
		const subscribers = system.broker.getLocalService("subscribers") as unknown as {
			updateWhere(query: object, update: object): Promise<number>;
		};
		const now = () => new Date(sharedClock.now()).toISOString();
		await subscribers.updateWhere(
			{ _id: missed.id },
			{ $set: { interests: { fund: {} }, updatedAt: now() } },
		);
		await subscribers.updateWhere({ _id: gone.id }, { $set: { status: "unsubscribed", updatedAt: now() } });

		await publish("pub-r1", [fund("r1", 0.001)]);
		await waitFor(async () => (await inbox(system.url, gone)).rows.some((n) => n.publicationId === "pub-r1"));
		assert.equal((await inbox(system.url, missed)).rows.length, 0, "the stale index missed the change");

		const matcher = system.broker.getLocalService("matcher") as unknown as { reconcile(): Promise<void> };
		await matcher.reconcile();
		await publish("pub-r2", [fund("r2", 0.001)]);
		await waitFor(
			async () => (await inbox(system.url, missed)).rows.some((n) => n.publicationId === "pub-r2"),
			{
				what: "the changed interests matched",
			},
		);
		await new Promise((resolve) => setTimeout(resolve, 300));
		const goneBox = (await inbox(system.url, gone)).rows.map((n) => n.publicationId);
		assert.ok(!goneBox.includes("pub-r2"), "an unsubscribed client is out of the index");
	});

	it("matches a publication made while no matcher ran, once the matcher starts", async () => {
		const other = tempDir();
		try {
			const first = await startSystem({ DATA_DIR: other.path });
			const client = await verifiedClient(first.url, other.path, "later@example.com", { fund: {} });
			await first.stop();
			const noMatcher = await startSystem({
				DATA_DIR: other.path,
				SERVICES: "api,products,subscribers,notifications,mailer",
			});
			await noMatcher.broker.call("products.publish", {
				id: "while-down",
				sources: ["house"],
				products: [fund("z", 0.01)],
			});
			await new Promise((resolve) => setTimeout(resolve, 300));
			assert.equal((await inbox(noMatcher.url, client)).rows.length, 0);
			await noMatcher.stop();
			const again = await startSystem({ DATA_DIR: other.path });
			try {
				const rows = await waitFor(async () => {
					const box = await inbox(again.url, client);
					return box.rows.length > 0 ? box.rows : undefined;
				});
				assert.deepEqual(
					rows.map((n) => n.publicationId),
					["while-down"],
				);
			} finally {
				await again.stop();
			}
		} finally {
			other.remove();
		}
	});
});

describe("a matcher process killed mid-publication, in the embedded default", () => {
	it("has every notification exactly once after the restart", async () => {
		const { spawn } = await import("node:child_process");
		const { writeFileSync } = await import("node:fs");
		const { join } = await import("node:path");
		const { freePort } = await import("../harness.ts");
		const root = new URL("../../", import.meta.url).pathname;
		const data = tempDir();
		const port = await freePort();
		const operator = "embedded-operator-token-12345";
		writeFileSync(
			join(data.path, "funds.json"),
			JSON.stringify(
				Array.from({ length: 6_000 }, (_, i) => ({
					id: `f${i}`,
					category: "fund",
					name: `Fundo ${i}`,
					adminFee: 0.005,
				})),
			),
		);
		writeFileSync(
			join(data.path, "sources.json"),
			JSON.stringify({
				limits: { maxBytes: 10_000_000 },
				sources: [{ name: "house", type: "file", path: "funds.json" }],
			}),
		);
		const start = () =>
			spawn(process.execPath, [join(root, "index.ts")], {
				cwd: root,
				env: {
					...process.env,
					DATA_DIR: data.path,
					PORT: String(port),
					METRICS_PORT: "0",
					LOG_LEVEL: "warn",
					OPERATOR_TOKEN: operator,
					SOURCES_FILE: join(data.path, "sources.json"),
				},
				stdio: "ignore",
			});
		const url = `http://127.0.0.1:${port}`;
		let child = start();
		try {
			await waitFor(async () => (await fetch(`${url}/api/ready`)).status === 200, {
				timeoutMs: 60_000,
				what: "ready",
			});
			const clients: Client[] = [];
			for (const email of ["k1@example.com", "k2@example.com"])
				clients.push(await verifiedClient(url, data.path, email, { fund: {} }));
			const unread = async (client: Client) =>
				(
					await getJson(`${url}/api/me/notifications/unread`, {
						headers: { authorization: `Bearer ${client.token}` },
					})
				).body.unread as number;
			void getJson(`${url}/api/collector/run`, {
				method: "POST",
				headers: { authorization: `Bearer ${operator}`, "content-type": "application/json" },
				body: "{}",
			}).catch(() => undefined);
			await waitFor(async () => (await unread(clients[0] as Client)) > 0, {
				timeoutMs: 60_000,
				what: "first notifications",
			});
			child.kill("SIGKILL");
			await new Promise((resolve) => child.once("exit", resolve));
			const atKill = await new Promise<number>((resolve) => setTimeout(resolve, 0, 0));
			void atKill;

			child = start();
			await waitFor(async () => (await fetch(`${url}/api/ready`)).status === 200, {
				timeoutMs: 60_000,
				what: "ready again",
			});
			for (const client of clients)
				await waitFor(async () => (await unread(client)) === 6_000, {
					timeoutMs: 60_000,
					what: "6,000 notifications",
				});
			await new Promise((resolve) => setTimeout(resolve, 500));
			for (const client of clients) assert.equal(await unread(client), 6_000);
		} finally {
			child.kill("SIGKILL");
			data.remove();
		}
	});
});
