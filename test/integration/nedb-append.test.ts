/**
 * NeDB's file kept open for appends (lib/nedb-append.ts): the file holds, line for line, what
 * NeDB's own appends would have written; and every change after NeDB replaced the file
 * (compaction) or deleted it (drop) lands in the file that is there, so a reload finds it.
 * A handle left on the replaced file would write into a file nobody reads again.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import NeDB from "@seald-io/nedb";
import { keepFileOpen } from "../../lib/nedb-append.ts";
import { tempDir } from "../harness.ts";

const Datastore = "default" in NeDB ? NeDB.default : NeDB;
type Doc = { _id: string; n: number; at?: Date; tags?: string[] };

describe("a NeDB file kept open for appends", () => {
	const data = tempDir();
	after(() => data.remove());

	async function store(name: string, kept: boolean) {
		const db = new Datastore<Doc>({ filename: join(data.path, name) });
		const appends = kept ? keepFileOpen(db) : undefined;
		await db.loadDatabaseAsync();
		return { db, close: async () => appends?.close() };
	}

	/** The same inserts, updates and removals, on any store. */
	async function changes(db: InstanceType<typeof Datastore<Doc>>, from: number) {
		await db.insertAsync([
			{ _id: `a${from}`, n: from, at: new Date(Date.UTC(2026, 0, 2)) },
			{ _id: `b${from}`, n: from + 1, tags: ["≤ 1%", "Ações"] },
		]);
		await db.updateAsync({ _id: `a${from}` }, { $set: { n: from + 10 } }, {});
		await db.removeAsync({ _id: `b${from}` }, {});
		await db.insertAsync({ _id: `d${from}`, n: from + 3, tags: ["∈ Renda Fixa"] });
		await db.insertAsync({ _id: `c${from}`, n: from + 2 });
	}

	const reload = async (name: string) => {
		const db = new Datastore<Doc>({ filename: join(data.path, name) });
		await db.loadDatabaseAsync();
		return (await db.findAsync({})).sort((x, y) => x._id.localeCompare(y._id));
	};

	it("writes the lines NeDB's own appends write", async () => {
		const own = await store("own.db", false);
		const kept = await store("kept.db", true);
		await changes(own.db, 0);
		await changes(kept.db, 0);
		await kept.close();
		assert.equal(
			readFileSync(join(data.path, "kept.db"), "utf8"),
			readFileSync(join(data.path, "own.db"), "utf8"),
		);
		assert.deepEqual(await reload("kept.db"), await reload("own.db"));
	});

	it("appends to the new file after a compaction replaced it, and after a drop", async () => {
		const kept = await store("compacted.db", true);
		await changes(kept.db, 0);
		await kept.db.compactDatafileAsync();
		await changes(kept.db, 100);
		assert.deepEqual(
			(await reload("compacted.db")).map((doc) => [doc._id, doc.n]),
			[
				["a0", 10],
				["a100", 110],
				["c0", 2],
				["c100", 102],
				["d0", 3],
				["d100", 103],
			],
		);
		await kept.db.dropDatabaseAsync();
		// NeDB takes no change after a drop until the datastore is loaded again.
		await kept.db.loadDatabaseAsync();
		await kept.db.insertAsync({ _id: "after-drop", n: 1 });
		assert.deepEqual(await reload("compacted.db"), [{ _id: "after-drop", n: 1 }]);
		await kept.close();
	});

	it("fails a change whose file cannot be opened, then opens the file once it can", async () => {
		const kept = await store("blocked.db", true);
		const path = join(data.path, "blocked.db");
		// Where the file was, a directory: opening it to append fails (EISDIR, even as root).
		rmSync(path);
		mkdirSync(path);
		await assert.rejects(kept.db.insertAsync({ _id: "lost", n: 0 }));
		rmdirSync(path);
		await kept.db.insertAsync({ _id: "kept", n: 1 });
		await kept.close();
		assert.deepEqual(
			(await reload("blocked.db")).map((doc) => doc._id),
			["kept"],
		);
	});
});
