/** The order a match task hands its matches to the store in (services/matcher/store-order.ts). */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import fc from "fast-check";
import { inStoreOrder } from "../../services/matcher/store-order.ts";

interface Found {
	subscriberId: string;
	productId: string;
}

/** Each client's products in the order found. */
const productsByClient = (matches: readonly Found[]) => {
	const by = new Map<string, string[]>();
	for (const { subscriberId, productId } of matches)
		by.set(subscriberId, [...(by.get(subscriberId) ?? []), productId]);
	return by;
};

describe("a match task's store order", () => {
	it("puts UUID clients in id order, each client's matches together in the order found, none lost or repeated", () => {
		fc.assert(
			fc.property(
				// Distinct first eight digits: clients sharing them stay in the order found (below).
				fc.uniqueArray(fc.uuid(), { selector: (id) => id.slice(0, 8), minLength: 1, maxLength: 40 }),
				fc.array(fc.tuple(fc.nat(), fc.nat(30)), { maxLength: 400 }),
				(clients, picks) => {
					const found = picks.map(([c, p], i) => ({
						subscriberId: clients[c % clients.length] as string,
						productId: `p${p}-${i}`,
					}));
					const ordered = inStoreOrder(found);
					assert.equal(ordered.length, found.length);
					assert.deepEqual(new Set(ordered), new Set(found), "the same matches");
					const ids = ordered.map((m) => m.subscriberId);
					for (let i = 1; i < ids.length; i++)
						assert.ok((ids[i - 1] as string) <= (ids[i] as string), "id order");
					// Each client's matches in one run, in the order found.
					const runs = ids.filter((id, i) => id !== ids[i - 1]);
					assert.equal(new Set(runs).size, runs.length, "one run per client");
					assert.deepEqual(productsByClient(ordered), productsByClient(found));
				},
			),
			{ numRuns: 300 },
		);
	});

	it("sorts a task of randomUUID clients exactly as comparing the ids does", () => {
		// Distinct first eight digits (two of 5,000 random ids share them about once in 300 draws).
		const clients = [
			...new Map(
				Array.from({ length: 5_000 }, () => randomUUID()).map((id) => [id.slice(0, 8), id]),
			).values(),
		];
		const found = Array.from({ length: 20_000 }, (_, i) => ({
			subscriberId: clients[(i * 7_919) % clients.length] as string,
			productId: `p${i}`,
		}));
		const byComparing = [...found].sort((a, b) =>
			a.subscriberId < b.subscriberId ? -1 : a.subscriberId > b.subscriberId ? 1 : 0,
		);
		assert.deepEqual(
			inStoreOrder(found).map((m) => m.subscriberId),
			byComparing.map((m) => m.subscriberId),
		);
	});

	it("keeps every match of clients whose ids are not hex", () => {
		const found = ["ana", "zé", "someone-1", "", "-1", "-ffffffff", "bia", "ana"].map((subscriberId, i) => ({
			subscriberId,
			productId: `p${i}`,
		}));
		const ordered = inStoreOrder(found);
		assert.deepEqual(new Set(ordered), new Set(found));
		assert.equal(ordered.length, found.length);
	});
});
