/**
 * The storage contract every service relies on, run against each database we support:
 * NeDB always, MongoDB whenever MONGO_URI is set (no MongoDB server exists on CI machines).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ServiceBroker as Broker, type ServiceBroker } from "moleculer";
import { bindConfig } from "../../config.ts";
import { DbMixin } from "../../mixins/db.mixin.ts";
import { tempDir, testConfig } from "../harness.ts";

const backends = [{ name: "NeDB", mongoUri: undefined as string | undefined }];
if (process.env.MONGO_URI) backends.push({ name: "MongoDB", mongoUri: process.env.MONGO_URI });
else console.log("# db contract: MONGO_URI is not set, so only the NeDB half runs (no MongoDB server here)");

for (const backend of backends) {
	describe(`storage contract on ${backend.name}`, () => {
		const data = tempDir();
		const collection = `contract_${Date.now()}`;
		let broker: ServiceBroker;

		before(async () => {
			const config = testConfig({ DATA_DIR: data.path, MONGO_URI: backend.mongoUri });
			broker = new Broker({ logger: false, nodeID: "contract" });
			bindConfig(broker, config);
			broker.createService({
				name: "things",
				mixins: [
					DbMixin({ collection, unique: ["email"], indexed: ["kind"], sparse: ["due"], crudActions: true }),
				],
				actions: {
					upsert: {
						handler(ctx) {
							return this.upsert(ctx.params.id, ctx.params);
						},
					},
					insertNew: {
						handler(ctx) {
							return this.insertNew(ctx.params.docs);
						},
					},
					pageById: {
						handler(ctx) {
							return this.pageById(ctx.params.query, ctx.params.after, ctx.params.limit);
						},
					},
					firstBy: {
						handler(ctx) {
							return this.firstBy(ctx.params.query, "due", ctx.params.bound, ctx.params.limit);
						},
					},
					increment: {
						async handler(ctx) {
							await this.adapter.updateById(ctx.params.id, { $inc: { count: 1 } });
						},
					},
				},
			});
			await broker.start();
		});

		after(async () => {
			// MongoDB outlives the test: leave no collection behind.
			const service = broker.getLocalService("things") as unknown as {
				adapter: { collection?: { drop(): Promise<unknown> } };
			};
			await service.adapter.collection?.drop();
			await broker.stop();
			data.remove();
		});

		it("inserts only the documents not stored yet, also when batches race", async () => {
			const docs = (ids: string[]) => ids.map((id) => ({ _id: `new-${id}`, email: `${id}@insert.example` }));
			const first = await broker.call<{ _id: string }[], object>("things.insertNew", {
				docs: docs(["a", "b"]),
			});
			assert.deepEqual(
				first.map((d) => d._id),
				["new-a", "new-b"],
			);
			const again = await broker.call<{ _id: string }[], object>("things.insertNew", {
				docs: docs(["a", "b", "c"]),
			});
			assert.deepEqual(
				again.map((d) => d._id),
				["new-c"],
			);
			// Two overlapping batches at once: every document stored once, each reported by one caller.
			const [x, y] = await Promise.all([
				broker.call<{ _id: string }[], object>("things.insertNew", { docs: docs(["d", "e", "f"]) }),
				broker.call<{ _id: string }[], object>("things.insertNew", { docs: docs(["e", "f", "g"]) }),
			]);
			const reported = [...(x ?? []), ...(y ?? [])].map((d) => d._id).sort();
			assert.deepEqual(reported, ["new-d", "new-e", "new-f", "new-g"]);
		});

		it("pages the documents of a query by id: in id order, each once, the others skipped", async () => {
			// Inserted out of order, "page" documents between the others, on an indexed field (as
			// a feed's status is): the index must not decide the order.
			const ids = Array.from({ length: 60 }, (_, i) => `pg-${String((i * 37) % 60).padStart(2, "0")}`);
			await broker.call("things.insertNew", {
				docs: ids.map((id, i) => ({ _id: id, email: `${id}@page.example`, kind: i % 3 ? "page" : "other" })),
			});
			const expected = ids.filter((_, i) => i % 3).sort();
			const seen: string[] = [];
			let after: string | undefined;
			for (let pages = 0; pages < 20; pages++) {
				const page = await broker.call<{ _id: string; kind: string }[], object>("things.pageById", {
					query: { kind: "page" },
					...(after ? { after } : {}),
					limit: 7,
				});
				assert.ok(page.length <= 7);
				assert.ok(page.every((d) => d.kind === "page"));
				seen.push(...page.map((d) => d._id));
				if (page.length < 7) break;
				after = page.at(-1)?._id;
			}
			assert.deepEqual(seen, expected);
		});

		it("reads the first documents of a query by an indexed field: ascending, within the bound, up to the limit", async () => {
			// Due times inserted out of order, ids in another order again, the wanted ones among
			// others: neither the id nor the insertion may decide the order.
			const docs = Array.from({ length: 40 }, (_, i) => ({
				_id: `due-${String((i * 13) % 40).padStart(2, "0")}`,
				email: `due-${i}@first.example`,
				kind: i % 4 ? "queued" : "sent",
				due: `2026-01-02T10:${String((i * 7) % 40).padStart(2, "0")}:00.000Z`,
			}));
			await broker.call("things.insertNew", { docs });
			const bound = { $lte: "2026-01-02T10:29:00.000Z" };
			const within = docs
				.filter((d) => d.kind === "queued" && d.due <= bound.$lte)
				.sort((a, b) => a.due.localeCompare(b.due));
			const first = await broker.call<{ _id: string; due: string }[], object>("things.firstBy", {
				query: { kind: "queued" },
				bound,
				limit: 5,
			});
			assert.deepEqual(
				first.map((d) => d._id),
				within.slice(0, 5).map((d) => d._id),
			);
			const all = await broker.call<{ _id: string }[], object>("things.firstBy", {
				query: { kind: "queued" },
				bound,
				limit: 100,
			});
			assert.deepEqual(
				all.map((d) => d._id),
				within.map((d) => d._id),
			);
			const later = await broker.call<{ due: string }[], object>("things.firstBy", {
				query: { kind: "queued" },
				bound: { $gt: "2026-01-02T10:29:00.000Z" },
				limit: 1,
			});
			assert.equal(
				later[0]?.due,
				docs
					.filter((d) => d.kind === "queued" && d.due > bound.$lte)
					.map((d) => d.due)
					.sort()[0],
			);
		});

		it("creates and finds by id and by query", async () => {
			const created = await broker.call<{ id: string }, object>("things.create", {
				id: "t1",
				email: "a@example.com",
				kind: "fund",
			});
			assert.equal(created.id, "t1");
			const got = await broker.call<{ email: string }, object>("things.get", { id: "t1" });
			assert.equal(got.email, "a@example.com");
			const found = await broker.call<{ id: string }[], object>("things.find", { query: { kind: "fund" } });
			assert.deepEqual(
				found.map((f) => f.id),
				["t1"],
			);
		});

		it("updates a document and keeps the change", async () => {
			await broker.call("things.update", { id: "t1", kind: "stock" });
			const got = await broker.call<{ kind: string }, object>("things.get", { id: "t1" });
			assert.equal(got.kind, "stock");
			await broker.call("things.upsert", { id: "t9", email: "u@example.com", kind: "coe" });
			await broker.call("things.upsert", { id: "t9", email: "u@example.com", kind: "reit" });
			const upserted = await broker.call<{ id: string; kind: string }[], object>("things.find", {
				query: { email: "u@example.com" },
			});
			assert.deepEqual(
				upserted.map((u) => [u.id, u.kind]),
				[["t9", "reit"]],
			);
		});

		it("refuses a second document with the same unique key, with a 409", async () => {
			await assert.rejects(
				broker.call("things.create", { id: "t2", email: "a@example.com" }),
				(err: { code: number; type: string }) => {
					assert.equal(err.code, 409);
					assert.equal(err.type, "ALREADY_EXISTS");
					return true;
				},
			);
			await assert.rejects(broker.call("things.create", { id: "t1", email: "other@example.com" }), {
				code: 409,
			});
			assert.equal(await broker.call("things.count", { query: { email: "a@example.com" } }), 1);
		});

		it("keeps every one of many concurrent writes, and exactly one of racing duplicates", async () => {
			await Promise.all(
				Array.from({ length: 100 }, (_, i) =>
					broker.call("things.create", { id: `c${i}`, email: `c${i}@example.com`, kind: "bulk" }),
				),
			);
			assert.equal(await broker.call("things.count", { query: { kind: "bulk" } }), 100);

			const racers = await Promise.allSettled(
				Array.from({ length: 20 }, (_, i) =>
					broker.call("things.create", { id: `r${i}`, email: "race@example.com" }),
				),
			);
			assert.equal(racers.filter((r) => r.status === "fulfilled").length, 1);
			assert.equal(await broker.call("things.count", { query: { email: "race@example.com" } }), 1);

			await broker.call("things.create", { id: "counter", email: "counter@example.com", count: 0 });
			await Promise.all(Array.from({ length: 50 }, () => broker.call("things.increment", { id: "counter" })));
			const counter = await broker.call<{ count: number }, object>("things.get", { id: "counter" });
			assert.equal(counter.count, 50);
		});

		it("keeps documents across a restart", async () => {
			const config = testConfig({ DATA_DIR: data.path, MONGO_URI: backend.mongoUri });
			const again = new Broker({ logger: false, nodeID: "contract-2" });
			bindConfig(again, config);
			again.createService({
				name: "things",
				mixins: [DbMixin({ collection, unique: ["email"], crudActions: true })],
			});
			await again.start();
			try {
				assert.equal(await again.call("things.count", { query: { kind: "bulk" } }), 100);
				// NeDB reloads every index its file names; one no longer declared (kind) is dropped,
				// or every update would keep paying for it. MongoDB's are an operator's to drop.
				const kept = (again.getLocalService("things") as unknown as { adapter: { db?: { indexes: object } } })
					.adapter.db?.indexes;
				if (!backend.mongoUri) assert.deepEqual(Object.keys(kept ?? {}).sort(), ["_id", "email"]);
			} finally {
				await again.stop();
			}
		});
	});
}
