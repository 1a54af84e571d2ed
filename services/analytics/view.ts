/**
 * Counters over the stored facts, kept in memory and answered from there: each fact is
 * applied at most once (by its key), and every counter only adds facts up or takes a maximum,
 * so the result does not depend on the order facts arrive in, or on how often.
 * At start it is rebuilt from the folded counters and the facts since;
 * test/unit/analytics.test.ts checks it against a recount, folded or not.
 *
 * Folding (fold.ts): notification facts dated before a day leave memory and the store, and
 * what they added stays in counters that do not grow with them — per day and key, per
 * publication and per product, subscribers as bits. The one thing that needs each fact, the
 * last day a subscriber was told of a product, is only asked for the last 30 days, which
 * folding never reaches.
 */
import type { AnalyticsGrouping, FrequencyRow, PublicationReach } from "../../domain/contracts.ts";
import { addDays } from "../../domain/dates.ts";
import { categories } from "../../domain/product.ts";
import type { Fact, NotificationFact, PublicationFact } from "./facts.ts";
import type { FoldedCounts } from "./fold.ts";
import { SubscriberSet, Subscribers } from "./subscriber-set.ts";

type Metric = "published" | "distributed";

interface PublicationTally {
	fact?: PublicationFact;
	notifications: number;
	subscribers: SubscriberSet;
}

export interface Ranked {
	productId: string;
	count: number;
}

/** Totals per category and source, for the Prometheus export. */
export interface LabelledTotal {
	category: string;
	source: string;
	published: number;
	distributed: number;
}

export class DistributionView {
	readonly totals = { publications: 0, productsPublished: 0, notifications: 0 };
	/** Notification facts dated before this day are folded: counted, no longer kept one by one. */
	private foldedBefore = "";
	private readonly applied = new Set<string>();
	private readonly subscribers: Subscribers;
	/** productId → every subscriber ever notified of it (folded or not): `top` of all time. */
	private readonly reachedEver = new Map<string, SubscriberSet>();
	/** `${metric}|${grouping}|${day}|${key}` → count. */
	private readonly daily = new Map<string, number>();
	private readonly sources = new Set<string>();
	private readonly labelled = new Map<string, LabelledTotal>();
	/**
	 * productId → subscriber (their number in `subscribers`) → the last day they were notified
	 * of it. By number, not by a key text per pair: no text to build and hash per fact, and
	 * an erasure keeps the number (`rename`).
	 */
	private readonly lastReached = new Map<string, Map<number, string>>();
	/** productId → day → subscribers whose last notification of the product fell on that day. */
	private readonly reachByLastDay = new Map<string, Map<string, number>>();
	private readonly publications = new Map<string, PublicationTally>();
	private latestPublication?: PublicationTally;

	/** A view holding the folded counters (none: an empty view). */
	constructor(folded?: FoldedCounts) {
		this.subscribers = new Subscribers(folded?.subscribers);
		if (!folded) return;
		this.foldedBefore = folded.before;
		this.totals.notifications = folded.notifications;
		for (const [id, n] of folded.daily) this.daily.set(id, n);
		for (const source of folded.sources) this.sources.add(source);
		for (const [category, source, distributed] of folded.labelled)
			this.labelOf(category, source).distributed = distributed;
		for (const [productId, reached] of folded.reached)
			this.reachedEver.set(productId, new SubscriberSet(reached));
		for (const [publicationId, notifications, subscribers] of folded.publications)
			this.publications.set(publicationId, { notifications, subscribers: new SubscriberSet(subscribers) });
	}

	/** Facts dated before this day are folded; one arriving now is a copy of a counted one. */
	get folded(): string {
		return this.foldedBefore;
	}

	/** True when the fact under `id` is counted already, or is a notification fact dated `day`, folded. */
	has(id: string, day?: string): boolean {
		return this.applied.has(id) || (day !== undefined && day < this.foldedBefore);
	}

	/** Counts `fact` unless it was counted before; true when it was new. */
	apply(fact: Fact): boolean {
		return this.applyAll([fact]) === 1;
	}

	/**
	 * Counts each of `facts` not counted before, as `apply` would one by one: the answers are
	 * the same for any split of a sequence into batches (test/unit/analytics.test.ts). The
	 * counters that notification facts in a row share (their publication, day, category and
	 * source: a stored batch lists a product's clients together) are added to once per run
	 * instead of once per fact. Returns how many facts were new.
	 */
	applyAll(facts: readonly Fact[]): number {
		let applied = 0;
		let run: NotificationFact | undefined;
		let inRun = 0;
		let tally: PublicationTally | undefined;
		for (const fact of facts) {
			if (this.has(fact._id, fact.kind === "notification" ? fact.day : undefined)) continue;
			this.applied.add(fact._id);
			applied++;
			if (fact.kind === "publication") {
				this.applyPublication(fact);
				continue;
			}
			if (!run || !sharesCounters(run, fact)) {
				if (run) this.countRun(run, inRun);
				run = fact;
				inRun = 0;
				tally = this.tallyOf(fact.publicationId);
			}
			inRun++;
			this.reach(fact, tally as PublicationTally);
		}
		if (run) this.countRun(run, inRun);
		return applied;
	}

	/**
	 * What this view's notification facts add up to, as folded counters said to hold every
	 * fact before `before`. Only for a view of notification facts (publications stay facts).
	 */
	foldedCounts(before: string): FoldedCounts {
		return {
			before,
			notifications: this.totals.notifications,
			daily: [...this.daily].filter(([id]) => id.startsWith("distributed|")),
			sources: [...this.sources],
			labelled: [...this.labelled.values()].map((t) => [t.category, t.source, t.distributed]),
			subscribers: this.subscribers.list(),
			reached: [...this.reachedEver].map(([productId, set]) => [productId, set.stored()]),
			publications: [...this.publications].map(([id, tally]) => [
				id,
				tally.notifications,
				tally.subscribers.stored(),
			]),
		};
	}

	/**
	 * The facts dated before `before` are now in the folded counters: their keys leave memory,
	 * as does the last day of each (product, subscriber) told before it (`top` never asks that
	 * far back), and any copy of them that arrives later is a duplicate.
	 */
	fold(before: string, keys: Iterable<string>): void {
		if (before > this.foldedBefore) this.foldedBefore = before;
		for (const key of keys) this.applied.delete(key);
		for (const lastDays of this.lastReached.values())
			for (const [subscriber, day] of lastDays) if (day < before) lastDays.delete(subscriber);
		for (const byDay of this.reachByLastDay.values())
			for (const day of byDay.keys()) if (day < before) byDay.delete(day);
	}

	/**
	 * An erased client's facts, counted as before under `replacement` (erasures.ts). Entries
	 * added while iterating are visited too, but start or end with the replacement: left alone.
	 */
	rename(subscriberId: string, replacement: string): void {
		const prefix = `${subscriberId}|`;
		for (const id of this.applied)
			if (id.startsWith(prefix)) {
				this.applied.delete(id);
				this.applied.add(replacement + id.slice(subscriberId.length));
			}
		// Their number now stands for the replacement: what is kept by number follows.
		this.subscribers.rename(subscriberId, replacement);
	}

	/** One row per day from `from` to `to` (inclusive) and per key, zeros included. */
	frequency(from: string, to: string, groupBy: AnalyticsGrouping): { keys: string[]; rows: FrequencyRow[] } {
		const keys = groupBy === "category" ? [...categories] : [...this.sources].sort();
		const rows: FrequencyRow[] = [];
		for (let day = from; day <= to; day = addDays(day, 1))
			for (const key of keys)
				rows.push({
					day,
					key,
					published: this.daily.get(`published|${groupBy}|${day}|${key}`) ?? 0,
					distributed: this.daily.get(`distributed|${groupBy}|${day}|${key}`) ?? 0,
				});
		return { keys, rows };
	}

	/**
	 * Products by distinct subscribers notified on `since` or later (all time without it),
	 * most first, then by id. A subscriber notified in the period has their last
	 * notification in it, so summing "last day" counts from `since` on counts each once.
	 */
	top(since: string | undefined, limit: number): Ranked[] {
		if (since !== undefined && since < this.foldedBefore)
			throw new RangeError(`'top' since ${since} asks for folded days (before ${this.foldedBefore})`);
		const ranked: Ranked[] = [];
		if (since === undefined)
			for (const [productId, reached] of this.reachedEver) ranked.push({ productId, count: reached.size });
		else
			for (const [productId, byDay] of this.reachByLastDay) {
				let count = 0;
				for (const [day, n] of byDay) if (day >= since) count += n;
				if (count > 0) ranked.push({ productId, count });
			}
		ranked.sort((a, b) => b.count - a.count || (a.productId < b.productId ? -1 : 1));
		return ranked.slice(0, limit);
	}

	/** Publications newest first, with their reach. */
	recentPublications(limit: number): PublicationReach[] {
		const known = [...this.publications.values()].filter((p) => p.fact);
		known.sort((a, b) => newestFirst(a.fact as PublicationFact, b.fact as PublicationFact));
		return known.slice(0, limit).map((tally) => reachOf(tally));
	}

	/** The latest publication (by publishedAt), with its reach. */
	latest(): PublicationReach | undefined {
		return this.latestPublication && reachOf(this.latestPublication);
	}

	labelledTotals(): LabelledTotal[] {
		return [...this.labelled.values()];
	}

	private applyPublication(fact: PublicationFact) {
		this.totals.publications += 1;
		this.totals.productsPublished += fact.products;
		const tally = this.tallyOf(fact.publicationId);
		tally.fact = fact;
		const latest = this.latestPublication?.fact;
		if (!latest || newestFirst(latest, fact) > 0) this.latestPublication = tally;
		for (const [origin, n] of Object.entries(fact.byOrigin)) {
			const [source = "", category = ""] = origin.split(":");
			this.sources.add(source);
			this.add("published", "category", fact.day, category, n);
			this.add("published", "source", fact.day, source, n);
			this.labelOf(category, source).published += n;
		}
	}

	/** What `count` notification facts like `fact` (sharesCounters) add to the counters they share. */
	private countRun(fact: NotificationFact, count: number) {
		this.totals.notifications += count;
		this.sources.add(fact.source);
		this.add("distributed", "category", fact.day, fact.category, count);
		this.add("distributed", "source", fact.day, fact.source, count);
		this.labelOf(fact.category, fact.source).distributed += count;
		this.tallyOf(fact.publicationId).notifications += count;
	}

	/** What one notification fact adds of its own: its subscriber reached, by publication, product and day. */
	private reach(fact: NotificationFact, tally: PublicationTally) {
		const subscriber = this.subscribers.numberOf(fact.subscriberId);
		tally.subscribers.add(subscriber);
		let reached = this.reachedEver.get(fact.productId);
		if (!reached) {
			reached = new SubscriberSet();
			this.reachedEver.set(fact.productId, reached);
		}
		reached.add(subscriber);

		let lastDays = this.lastReached.get(fact.productId);
		if (!lastDays) {
			lastDays = new Map();
			this.lastReached.set(fact.productId, lastDays);
		}
		const last = lastDays.get(subscriber);
		if (last !== undefined && last >= fact.day) return;
		lastDays.set(subscriber, fact.day);
		let byDay = this.reachByLastDay.get(fact.productId);
		if (!byDay) {
			byDay = new Map();
			this.reachByLastDay.set(fact.productId, byDay);
		}
		if (last !== undefined) {
			const left = (byDay.get(last) ?? 0) - 1;
			if (left > 0) byDay.set(last, left);
			else byDay.delete(last);
		}
		byDay.set(fact.day, (byDay.get(fact.day) ?? 0) + 1);
	}

	private add(metric: Metric, grouping: AnalyticsGrouping, day: string, key: string, n: number) {
		const id = `${metric}|${grouping}|${day}|${key}`;
		this.daily.set(id, (this.daily.get(id) ?? 0) + n);
	}

	private tallyOf(publicationId: string): PublicationTally {
		let tally = this.publications.get(publicationId);
		if (!tally) {
			tally = { notifications: 0, subscribers: new SubscriberSet() };
			this.publications.set(publicationId, tally);
		}
		return tally;
	}

	private labelOf(category: string, source: string): LabelledTotal {
		const id = `${category}|${source}`;
		let total = this.labelled.get(id);
		if (!total) {
			total = { category, source, published: 0, distributed: 0 };
			this.labelled.set(id, total);
		}
		return total;
	}
}

/** Whether two notification facts add to the same counters (all but their subscriber's reach). */
function sharesCounters(a: NotificationFact, b: NotificationFact): boolean {
	return (
		a.publicationId === b.publicationId &&
		a.day === b.day &&
		a.category === b.category &&
		a.source === b.source
	);
}

function newestFirst(a: PublicationFact, b: PublicationFact): number {
	if (a.publishedAt !== b.publishedAt) return a.publishedAt < b.publishedAt ? 1 : -1;
	return a.publicationId < b.publicationId ? 1 : -1;
}

function reachOf({ fact, notifications, subscribers }: PublicationTally): PublicationReach {
	const audience = fact?.audience;
	return {
		publicationId: fact?.publicationId ?? "",
		publishedAt: fact?.publishedAt ?? "",
		products: fact?.products ?? 0,
		notifications,
		subscribersNotified: subscribers.size,
		...(audience === undefined ? {} : { audience }),
		...(audience ? { matchRate: subscribers.size / audience } : {}),
	};
}
