/**
 * The analytics view against a full recount: whatever facts arrive, in whatever order and
 * however often, folded or not, restarted or not, the counters equal counting the distinct
 * facts from scratch.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type DistributionBatch, distributionBatch } from "../../domain/contracts.ts";
import { addDays } from "../../domain/dates.ts";
import { notificationKey } from "../../domain/notification.ts";
import { categories } from "../../domain/product.ts";
import {
	type Fact,
	groupsOf,
	type NotificationFact,
	notifiedGroups,
	publicationFact,
	readFacts,
	storedNotificationDays,
} from "../../services/analytics/facts.ts";
import { type FoldedCounts, foldChunks, readFold } from "../../services/analytics/fold.ts";
import { DistributionView } from "../../services/analytics/view.ts";

const today = "2026-11-26";
const sources = ["btg-funds", "xp-funds"];

const notificationArb = fc
	.record({
		subscriber: fc.integer({ min: 0, max: 5 }),
		publication: fc.integer({ min: 0, max: 3 }),
		source: fc.constantFrom(...sources),
		category: fc.constantFrom(...categories),
		product: fc.integer({ min: 0, max: 3 }),
		daysAgo: fc.integer({ min: 0, max: 40 }),
	})
	.map((n): NotificationFact => {
		const productId = `${n.source}:${n.category}:${n.product}`;
		return {
			// One per client, publication and product: its key, as the store's.
			_id: notificationKey(`s${n.subscriber}`, `p${n.publication}`, productId),
			kind: "notification",
			subscriberId: `s${n.subscriber}`,
			publicationId: `p${n.publication}`,
			productId,
			category: n.category,
			source: n.source,
			day: addDays(today, -n.daysAgo),
		};
	});

/** A notification is created on one day: every copy of a fact gets its first copy's day. */
function oneDayEach(facts: Fact[]): Fact[] {
	const days = new Map<string, string>();
	return facts.map((fact) => {
		if (fact.kind !== "notification") return fact;
		const day = days.get(fact._id) ?? fact.day;
		days.set(fact._id, day);
		return { ...fact, day };
	});
}

const publicationArb = fc
	.record({
		publication: fc.integer({ min: 0, max: 3 }),
		daysAgo: fc.integer({ min: 0, max: 40 }),
		products: fc.array(
			fc.tuple(fc.constantFrom(...sources), fc.constantFrom(...categories), fc.integer({ min: 0, max: 3 })),
			{ minLength: 1, maxLength: 8 },
		),
		audience: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
	})
	.map(({ publication, daysAgo, products, audience }) =>
		publicationFact({
			id: `p${publication}`,
			publishedAt: `${addDays(today, -daysAgo)}T15:00:00.000Z`,
			sources,
			productIds: [...new Set(products.map(([s, c, n]) => `${s}:${c}:${n}`))],
			counts: {},
			...(audience === undefined ? {} : { audience }),
		}),
	);

/** The first fact per key wins, as the unique key in the store decides. */
function distinct(facts: Fact[]): Fact[] {
	const byId = new Map<string, Fact>();
	for (const fact of facts) if (!byId.has(fact._id)) byId.set(fact._id, fact);
	return [...byId.values()];
}

function recountTop(facts: Fact[], since: string | undefined) {
	const pairs = new Set<string>();
	const counts = new Map<string, number>();
	for (const f of facts) {
		if (f.kind !== "notification" || (since && f.day < since)) continue;
		const pair = `${f.productId}|${f.subscriberId}`;
		if (pairs.has(pair)) continue;
		pairs.add(pair);
		counts.set(f.productId, (counts.get(f.productId) ?? 0) + 1);
	}
	return [...counts]
		.map(([productId, count]) => ({ productId, count }))
		.sort((a, b) => b.count - a.count || (a.productId < b.productId ? -1 : 1));
}

function recountDay(facts: Fact[], day: string, groupBy: "category" | "source", key: string) {
	let published = 0;
	let distributed = 0;
	for (const f of facts) {
		if (f.day !== day) continue;
		if (f.kind === "notification") distributed += f[groupBy] === key ? 1 : 0;
		else
			for (const [origin, n] of Object.entries(f.byOrigin))
				if (origin.split(":")[groupBy === "source" ? 0 : 1] === key) published += n;
	}
	return { published, distributed };
}

/**
 * What the service does with facts, in memory: stores each new one, counts it, folds the old
 * ones into counters that go through their stored form (JSON in chunks), and restarts from
 * the counters and the facts left.
 */
class Node {
	view = new DistributionView();
	private stored = new Map<string, Fact>();
	private counts?: FoldedCounts;

	/** As the service ingests: what is not counted yet is stored, then counted. */
	deliver(fact: Fact): void {
		if (fact.kind === "publication") {
			if (this.view.hasPublication(fact.publicationId)) return;
			this.stored.set(fact._id, fact);
			this.view.apply(fact);
			return;
		}
		// A notification as a message's group carries it (analytics.service.ts ingestDistributions).
		const { publicationId, productId, day, subscriberId } = fact;
		const group = { publicationId, productId, day, subscriberIds: [subscriberId] };
		if (this.view.uncounted(group).length === 0) return;
		this.stored.set(fact._id, fact);
		this.view.applyNotified(group);
	}

	fold(before: string): void {
		if (before <= this.view.folded) return;
		const scratch = new DistributionView(this.counts);
		const old = [...this.stored.values()].filter((f) => f.kind === "notification" && f.day < before);
		for (const fact of old) scratch.apply(fact);
		const pointer = { _id: "fold" as const, kind: "fold" as const, generation: "g", chunks: 0, before };
		const chunks = foldChunks(scratch.foldedCounts(before), "g");
		this.counts = readFold({ ...pointer, chunks: chunks.length }, chunks.reverse());
		this.view.fold(before, old as NotificationFact[]);
		for (const fact of old) this.stored.delete(fact._id);
	}

	restart(): void {
		this.view = new DistributionView(this.counts);
		for (const fact of this.stored.values()) this.view.apply(fact);
	}
}

/** The answers a view gives, against a recount of `truth`. */
function assertRecount(view: DistributionView, truth: Fact[]) {
	const notifications = truth.filter((f) => f.kind === "notification");
	const pubs = truth.filter((f) => f.kind === "publication");
	assert.deepEqual(view.totals, {
		publications: pubs.length,
		productsPublished: pubs.reduce((n, p) => n + p.products, 0),
		notifications: notifications.length,
	});
	const from = addDays(today, -40);
	for (const groupBy of ["category", "source"] as const) {
		const { rows } = view.frequency(from, today, groupBy);
		for (const row of rows)
			assert.deepEqual(
				{ published: row.published, distributed: row.distributed },
				recountDay(truth, row.day, groupBy, row.key),
				`${groupBy} ${row.key} on ${row.day}`,
			);
	}
	for (const since of [addDays(today, -6), addDays(today, -29), undefined])
		assert.deepEqual(view.top(since, 100), recountTop(truth, since).slice(0, 100), `top since ${since}`);

	for (const reach of view.recentPublications(100)) {
		const own = notifications.filter((n) => n.publicationId === reach.publicationId);
		const subscribers = new Set(own.map((n) => n.subscriberId)).size;
		assert.equal(reach.notifications, own.length);
		assert.equal(reach.subscribersNotified, subscribers);
		if (reach.audience) assert.equal(reach.matchRate, subscribers / reach.audience);
	}
}

/** Subscriber s1 told of an XP fund in publication "run|7", in São Paulo's 25 November. */
const s1Fact: NotificationFact = {
	_id: "s1|run|7|xp-funds:fund:a|b",
	kind: "notification",
	subscriberId: "s1",
	publicationId: "run|7",
	productId: "xp-funds:fund:a|b",
	category: "fund",
	source: "xp-funds",
	day: "2026-11-25",
};

describe("analytics view", () => {
	it("equals a full recount after any sequence of facts, repeated and reordered", () => {
		fc.assert(
			fc.property(
				fc.array(fc.oneof(notificationArb, publicationArb), { maxLength: 120 }).map(oneDayEach),
				fc.array(fc.nat(), { maxLength: 60 }),
				(facts, repeats) => {
					// Deliver some facts again, at other points of the sequence.
					const sequence = [...facts];
					for (const r of repeats)
						if (facts.length) sequence.splice(r % (sequence.length + 1), 0, facts[r % facts.length] as Fact);
					const view = new DistributionView();
					for (const fact of sequence) view.apply(fact);
					assertRecount(view, distinct(sequence));
				},
			),
			{ numRuns: 300 },
		);
	});

	it("counts a sequence applied in batches (applyAll) exactly as one fact at a time", () => {
		// Also all on one day, as a publication's facts are: many share their counters.
		const sameDay = notificationArb.map((f) => ({ ...f, day: today }));
		fc.assert(
			fc.property(
				fc.array(fc.oneof(notificationArb, sameDay, publicationArb), { maxLength: 120 }).map(oneDayEach),
				fc.array(fc.nat(), { maxLength: 60 }),
				fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }),
				fc.boolean(),
				(facts, repeats, sizes, grouped) => {
					const sequence = [...facts];
					for (const r of repeats)
						if (facts.length) sequence.splice(r % (sequence.length + 1), 0, facts[r % facts.length] as Fact);
					// As a distributions batch lists them, a product's clients together: long runs of
					// facts of one publication, product and day (applyAll counts each run as one group).
					const shared = (f: Fact) =>
						f.kind === "notification" ? `${f.publicationId}|${f.productId}|${f.day}` : "";
					if (grouped) sequence.sort((a, b) => shared(a).localeCompare(shared(b)));
					const view = new DistributionView();
					let at = 0;
					let counted = 0;
					for (let i = 0; at < sequence.length; i++) {
						const size = sizes[i % sizes.length] as number;
						counted += view.applyAll(sequence.slice(at, at + size));
						at += size;
					}
					assertRecount(view, distinct(sequence));
					assert.equal(counted, distinct(sequence).length, "each distinct fact counted once");
				},
			),
			{ numRuns: 300 },
		);
	});

	it("equals a full recount with old facts folded, before and after a restart, and with copies of folded facts arriving late", () => {
		fc.assert(
			fc.property(
				fc.array(fc.oneof(notificationArb, publicationArb), { maxLength: 120 }).map(oneDayEach),
				fc.array(fc.nat(), { maxLength: 30 }),
				// Where the node folds (or restarts), and the day it folds before: `top` asks 30 days back at most.
				fc.array(
					fc.record({ at: fc.nat(), daysBack: fc.integer({ min: 29, max: 45 }), restart: fc.boolean() }),
					{
						maxLength: 3,
					},
				),
				(facts, repeats, folds) => {
					const sequence = [...facts];
					for (const r of repeats)
						if (facts.length) sequence.splice(r % (sequence.length + 1), 0, facts[r % facts.length] as Fact);
					const node = new Node();
					const seen = new Set<string>();
					const truth: Fact[] = [];
					const foldsAt = new Map(folds.map((f) => [f.at % (sequence.length + 1), f]));
					sequence.forEach((fact, i) => {
						const fold = foldsAt.get(i);
						if (fold) {
							node.fold(addDays(today, -fold.daysBack));
							if (fold.restart) node.restart();
						}
						// A first copy dated before the fold cannot come (the queue keeps messages 7 days): dropped.
						const late = fact.kind === "notification" && fact.day < node.view.folded;
						if (!seen.has(fact._id) && !late) truth.push(fact);
						seen.add(fact._id);
						node.deliver(fact);
					});
					assertRecount(node.view, truth);
					node.restart();
					assertRecount(node.view, truth);
				},
			),
			{ numRuns: 300 },
		);
	});

	it("counts a subscriber once per product in a period, at their latest notification", () => {
		const view = new DistributionView();
		const at = (subscriber: string, publication: string, day: string): NotificationFact => ({
			_id: `${subscriber}|${publication}|b:fund:1`,
			kind: "notification",
			subscriberId: subscriber,
			publicationId: publication,
			productId: "b:fund:1",
			category: "fund",
			source: "b",
			day,
		});
		view.apply(at("ana", "p1", addDays(today, -20)));
		view.apply(at("ana", "p2", addDays(today, -2)));
		view.apply(at("bia", "p1", addDays(today, -20)));
		assert.deepEqual(view.top(addDays(today, -6), 10), [{ productId: "b:fund:1", count: 1 }]);
		assert.deepEqual(view.top(addDays(today, -29), 10), [{ productId: "b:fund:1", count: 2 }]);
		assert.equal(view.totals.notifications, 3);

		// Ana erased: her facts are the replacement's, so a later one of theirs is still one client.
		view.rename("ana", "erased-1");
		view.apply(at("erased-1", "p3", addDays(today, -1)));
		assert.deepEqual(view.top(addDays(today, -6), 10), [{ productId: "b:fund:1", count: 1 }]);
		assert.deepEqual(view.top(addDays(today, -29), 10), [{ productId: "b:fund:1", count: 2 }]);
		assert.deepEqual(view.top(undefined, 10), [{ productId: "b:fund:1", count: 2 }]);
	});

	it("carries a batch grouped by product and time, and reads back every notification, in either form", () => {
		const stored = [
			{ subscriberId: "a", productId: "h:fund:1", createdAt: "2026-11-26T10:00:00.000Z" },
			{ subscriberId: "b", productId: "h:fund:2", createdAt: "2026-11-26T10:00:00.000Z" },
			{ subscriberId: "c", productId: "h:fund:1", createdAt: "2026-11-26T10:00:00.000Z" },
			// Stored earlier (a batch retried after a crash): its own time.
			{ subscriberId: "d", productId: "h:fund:1", createdAt: "2026-11-26T09:00:00.000Z" },
		];
		const batch = distributionBatch("pub", stored);
		assert.deepEqual(batch.notified, [
			{ productId: "h:fund:1", createdAt: "2026-11-26T10:00:00.000Z", subscriberIds: ["a", "c"] },
			{ productId: "h:fund:2", createdAt: "2026-11-26T10:00:00.000Z", subscriberIds: ["b"] },
			{ productId: "h:fund:1", createdAt: "2026-11-26T09:00:00.000Z", subscriberIds: ["d"] },
		]);
		// Every notification read back, with its São Paulo day, in either form of the message.
		const told = (message: DistributionBatch) =>
			notifiedGroups(message)
				.flatMap((g) => g.subscriberIds.map((id) => `${id}|${g.publicationId}|${g.productId}|${g.day}`))
				.sort();
		const expected = stored.map((n) => `${n.subscriberId}|pub|${n.productId}|2026-11-26`).sort();
		assert.deepEqual(told(batch), expected);
		// A message queued before the grouped form: one object per notification, category included.
		const older = { publicationId: "pub", notifications: stored.map((n) => ({ ...n, category: "fund" })) };
		assert.deepEqual(told(older), expected);
	});

	it("stores a batch as one document per publication and day, and reads every fact back", () => {
		// 01:30 UTC is still the previous evening in São Paulo (UTC−3).
		const batch = distributionBatch("run|7", [
			{ subscriberId: "s1", productId: "xp-funds:fund:a|b", createdAt: "2026-11-26T01:30:00Z" },
			{ subscriberId: "s2", productId: "btg-funds:fund:c", createdAt: "2026-11-26T01:30:00Z" },
			{ subscriberId: "s1", productId: "btg-funds:fund:c", createdAt: "2026-11-26T04:00:00Z" },
		]);
		const docs = storedNotificationDays(notifiedGroups(batch));
		assert.deepEqual(
			docs.map(({ day, subscribers, products }) => ({ day, subscribers, products })),
			[
				{ day: "2026-11-25", subscribers: ["s1", "s2"], products: ["xp-funds:fund:a|b", "btg-funds:fund:c"] },
				{ day: "2026-11-26", subscribers: ["s1"], products: ["btg-funds:fund:c"] },
			],
		);
		const facts = docs.flatMap((doc) => readFacts(doc)) as NotificationFact[];
		assert.deepEqual(
			facts.map((f) => f._id),
			["s1|run|7|xp-funds:fund:a|b", "s2|run|7|btg-funds:fund:c", "s1|run|7|btg-funds:fund:c"],
		);
		assert.deepEqual(facts[0], s1Fact);
		// The same facts make the same document, whichever node stores them.
		assert.deepEqual(
			storedNotificationDays(groupsOf([...facts].reverse()))
				.map((d) => d._id)
				.sort(),
			docs.map((d) => d._id).sort(),
		);
	});

	it("reads a fact stored one per document, as before facts were grouped", () => {
		const [fact] = readFacts({
			_id: "s1|run|7|xp-funds:fund:a|b",
			productId: "xp-funds:fund:a|b",
			day: "2026-11-25",
		});
		assert.deepEqual(fact, s1Fact);
	});
});
