/**
 * NeDB's indexes updated in place where a document's indexed value did not change
 * (lib/nedb-index.ts): after any run of updates, each index must lead to exactly the
 * documents the datastore holds now, never to an older version, and an update refused by a
 * unique index must leave every index as it was.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import NeDB from "@seald-io/nedb";
import { updateIndexesInPlace } from "../../lib/nedb-index.ts";

const Datastore = "default" in NeDB ? NeDB.default : NeDB;
type Store = InstanceType<typeof Datastore<Doc>>;

interface Doc {
	_id: string;
	subscriberId: string;
	email: string;
	dueAt?: string;
	count: number;
	tags?: string[];
}

/** A small deterministic generator (mulberry32): the same run every time. */
function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

async function store(): Promise<Store> {
	updateIndexesInPlace();
	const db = new Datastore<Doc>({ inMemoryOnly: true });
	await db.ensureIndexAsync({ fieldName: "subscriberId" });
	await db.ensureIndexAsync({ fieldName: "email", unique: true });
	await db.ensureIndexAsync({ fieldName: "dueAt", sparse: true });
	await db.ensureIndexAsync({ fieldName: "tags", sparse: true });
	return db;
}

const byId = (a: Doc, b: Doc) => a._id.localeCompare(b._id);

/** Every indexed value of every document, read through its index, gives what a full scan gives. */
async function assertIndexesAgree(db: Store): Promise<void> {
	const all = (await db.findAsync({ $where: () => true })).sort(byId);
	for (const field of ["_id", "subscriberId", "email", "dueAt"] as const) {
		const values = new Set(all.map((doc) => doc[field]).filter((value) => value !== undefined));
		for (const value of values) {
			const viaIndex = (await db.findAsync({ [field]: value })).sort(byId);
			const scanned = all.filter((doc) => doc[field] === value);
			assert.deepEqual(viaIndex, scanned, `${field} = ${value}`);
		}
	}
	for (const tag of ["a", "b", "c"]) {
		const viaIndex = (await db.findAsync({ tags: tag })).sort(byId);
		assert.deepEqual(
			viaIndex,
			all.filter((doc) => doc.tags?.includes(tag)),
			`tags ∋ ${tag}`,
		);
	}
}

describe("NeDB indexes updated in place", () => {
	it("lead to the current version of every document after any run of updates", async () => {
		const db = await store();
		const next = random(21);
		const pick = (n: number) => Math.floor(next() * n);
		await db.insertAsync(
			Array.from({ length: 60 }, (_, i) => ({
				_id: `n-${i}`,
				subscriberId: `s-${i % 7}`,
				email: `c${i}@example.com`,
				...(i % 3 ? { dueAt: `2026-01-0${1 + (i % 5)}` } : {}),
				count: 0,
				...(i % 4 ? {} : { tags: ["a", i % 8 ? "b" : "c"] }),
			})),
		);
		for (let step = 0; step < 300; step++) {
			const id = `n-${pick(60)}`;
			const change = [
				{ $inc: { count: 1 } }, // no indexed value changes
				{ $set: { subscriberId: `s-${pick(7)}` } },
				{ $set: { dueAt: `2026-01-0${1 + pick(5)}` } },
				{ $unset: { dueAt: true } },
				{ $set: { tags: ["a", pick(2) ? "b" : "c"] } },
			][pick(5)] as object;
			const multi = pick(4) === 0;
			await db.updateAsync(multi ? { subscriberId: `s-${pick(7)}` } : { _id: id }, change, { multi });
			if (step % 25 === 0) await assertIndexesAgree(db);
		}
		await assertIndexesAgree(db);
		const total = (await db.findAsync({})).reduce((sum, doc) => sum + doc.count, 0);
		assert.ok(total > 0, "some updates changed only what is not indexed");
	});

	it("puts every index back when a unique value refuses the update", async () => {
		const db = await store();
		await db.insertAsync([
			{ _id: "a", subscriberId: "s", email: "a@example.com", count: 0 },
			{ _id: "b", subscriberId: "s", email: "b@example.com", count: 0 },
			{ _id: "c", subscriberId: "s", email: "c@example.com", count: 0 },
		]);
		const before = (await db.findAsync({})).sort(byId);
		// One update of three documents: two keep their e-mail, one takes an e-mail in use.
		await assert.rejects(
			db.updateAsync(
				{ subscriberId: "s" },
				{ $inc: { count: 1 }, $set: { email: "taken@example.com" } },
				{ multi: true },
			),
			/unique/i,
		);
		await assert.rejects(
			db.updateAsync(
				{ _id: { $in: ["a", "b"] } },
				{ $set: { email: "b@example.com", count: 5 } },
				{ multi: true },
			),
			/unique/i,
		);
		assert.deepEqual((await db.findAsync({})).sort(byId), before);
		await assertIndexesAgree(db);
		// A document found twice (once per element of its indexed list) is refused, as NeDB does.
		await db.updateAsync({ _id: "c" }, { $set: { tags: ["a", "b"] } }, {});
		const tagged = (await db.findAsync({})).sort(byId);
		await assert.rejects(
			db.updateAsync({ tags: { $gte: "a", $lte: "b" } }, { $inc: { count: 1 } }, { multi: true }),
			/unique/i,
		);
		assert.deepEqual((await db.findAsync({})).sort(byId), tagged);
		await assertIndexesAgree(db);
		// The store still takes changes afterwards.
		await db.updateAsync({ _id: "a" }, { $inc: { count: 1 } }, {});
		assert.equal((await db.findOneAsync({ email: "a@example.com" }))?.count, 1);
	});
});
