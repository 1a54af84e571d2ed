/**
 * The internal feeds' pages stay under NATS's message limit: a page asked for 5,000 clients
 * with big interests stops at maxPageBytes of JSON, and paging on from its `next` still
 * reads every row exactly once.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { feedPage, maxPageBytes } from "../../services/subscribers/feed.ts";

interface Doc {
	_id: string;
	interests: string;
}

/** A store of `count` documents, each with about `size` bytes of interests, read as NeDB reads. */
function store(count: number, size: number) {
	const docs: Doc[] = Array.from({ length: count }, (_, i) => ({
		_id: `s${String(i).padStart(6, "0")}`,
		interests: "é".repeat(size / 2),
	}));
	return {
		async pageById<T>(_query: object, after: string | undefined, limit: number): Promise<T[]> {
			return docs.filter((d) => d._id > (after ?? "")).slice(0, limit) as T[];
		},
	};
}

describe("feed pages", () => {
	it("stop at maxPageBytes of JSON, and paging on reads every row once", async () => {
		const feed = store(5_000, 600);
		const seen: string[] = [];
		let after: string | undefined;
		let pages = 0;
		do {
			const page = await feedPage(feed, {}, { pageSize: 5_000, ...(after ? { after } : {}) }, (d) => d);
			assert.ok(
				Buffer.byteLength(JSON.stringify(page.rows)) <= maxPageBytes + 1_000,
				`page ${pages} too big`,
			);
			seen.push(...page.rows.map((r) => r._id));
			after = page.next;
			pages++;
		} while (after && pages < 100);
		assert.ok(pages > 1, "5,000 rows of 600 bytes take more than one page");
		assert.equal(seen.length, 5_000);
		assert.equal(new Set(seen).size, 5_000);
	});

	it("gives at least one row a page, however big", async () => {
		const page = await feedPage(store(3, maxPageBytes * 2), {}, { pageSize: 10 }, (d) => d);
		assert.deepEqual(
			page.rows.map((r) => r._id),
			["s000000"],
		);
		assert.equal(page.next, "s000000");
	});
});
