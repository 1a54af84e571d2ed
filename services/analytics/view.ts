/**
 * Counters over the stored facts, kept in memory and answered from there: each fact is
 * applied at most once (by what it is of: a publication; a client, product and publication),
 * and every counter only adds facts up or takes a maximum, so the result does not depend on
 * the order facts arrive in, or on how often.
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
import { categories, productOrigin } from "../../domain/product.ts";
import {
	type Fact,
	groupsOf,
	type NotificationFact,
	type NotifiedGroup,
	type PublicationFact,
} from "./facts.ts";
import type { FoldedCounts } from "./fold.ts";
import { SubscriberSet, Subscribers } from "./subscriber-set.ts";

type Metric = "published" | "distributed";

interface PublicationTally {
	fact?: PublicationFact;
	notifications: number;
	subscribers: SubscriberSet;
}

/** Whom a product reached: by subscriber number (`subscribers`), so an erasure keeps it (`rename`). */
interface ProductReach {
	/** Every subscriber ever notified of it (folded or not): `top` of all time. */
	ever: SubscriberSet;
	/** Subscriber → the last day they were notified of it; days before the fold leave (`top` never asks). */
	lastDays: Map<number, string>;
	/** Day → subscribers whose last notification of it fell on that day. */
	byDay: Map<string, number>;
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
	/** Publications whose fact is counted. */
	private readonly publicationsCounted = new Set<string>();
	/**
	 * `${publicationId}\n${productId}` → the subscribers (by number) counted as told of it in
	 * that publication: a notification fact's identity, without a key text to build and hash
	 * per fact (bench pipeline: the view's `has` on such texts was its largest cost).
	 */
	private readonly told = new Map<string, Set<number>>();
	private readonly subscribers: Subscribers;
	/** productId → who it reached (reachOf). */
	private readonly products = new Map<string, ProductReach>();
	/** `${metric}|${grouping}|${day}|${key}` → count. */
	private readonly daily = new Map<string, number>();
	private readonly sources = new Set<string>();
	private readonly labelled = new Map<string, LabelledTotal>();
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
			this.reachOf(productId).ever = new SubscriberSet(reached);
		for (const [publicationId, notifications, subscribers] of folded.publications)
			this.publications.set(publicationId, { notifications, subscribers: new SubscriberSet(subscribers) });
	}

	/** Facts dated before this day are folded; one arriving now is a copy of a counted one. */
	get folded(): string {
		return this.foldedBefore;
	}

	/** Whether the publication's own fact is counted. */
	hasPublication(publicationId: string): boolean {
		return this.publicationsCounted.has(publicationId);
	}

	/** Of the group's clients, those not counted yet as told of its product in its publication. */
	uncounted({ publicationId, productId, day, subscriberIds }: NotifiedGroup): string[] {
		if (day < this.foldedBefore) return [];
		const told = this.told.get(toldKey(publicationId, productId));
		if (!told) return [...subscriberIds];
		return subscriberIds.filter((id) => {
			const number = this.subscribers.seen(id);
			return number === undefined || !told.has(number);
		});
	}

	/** Counts `fact` unless it was counted before; true when it was new. */
	apply(fact: Fact): boolean {
		return this.applyAll([fact]) === 1;
	}

	/**
	 * Counts each of `facts` not counted before, as `apply` would one by one: the answers are
	 * the same for any split of a sequence into batches (test/unit/analytics.test.ts).
	 * Notification facts in a row of the same publication, product and day (a stored document
	 * lists a group's clients together) are counted as one `applyNotified`. Returns how many
	 * facts were new.
	 */
	applyAll(facts: readonly Fact[]): number {
		let applied = 0;
		let run: NotificationFact[] = [];
		const countRun = () => {
			for (const group of groupsOf(run)) applied += this.applyNotified(group);
			run = [];
		};
		for (const fact of facts) {
			if (fact.kind === "notification") {
				run.push(fact);
				continue;
			}
			countRun();
			if (this.publicationsCounted.has(fact.publicationId)) continue;
			this.publicationsCounted.add(fact.publicationId);
			this.applyPublication(fact);
			applied++;
		}
		countRun();
		return applied;
	}

	/**
	 * Counts that each of the group's clients was told of its product in its publication on
	 * its day, each unless counted before. The counters they share (the day's, the
	 * publication's, the product's origin's) are added to once. Returns how many were new.
	 */
	applyNotified({ publicationId, productId, day, subscriberIds }: NotifiedGroup): number {
		if (day < this.foldedBefore || subscriberIds.length === 0) return 0;
		const key = toldKey(publicationId, productId);
		let told = this.told.get(key);
		if (!told) {
			told = new Set();
			this.told.set(key, told);
		}
		const tally = this.tallyOf(publicationId);
		const reach = this.reachOf(productId);
		let applied = 0;
		for (const id of subscriberIds) {
			const subscriber = this.subscribers.numberOf(id);
			if (told.has(subscriber)) continue;
			told.add(subscriber);
			applied++;
			tally.subscribers.add(subscriber);
			reach.ever.add(subscriber);
			this.reachOn(reach, subscriber, day);
		}
		if (applied > 0) this.countRun(productOrigin(productId), publicationId, day, applied);
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
			reached: [...this.products].map(([productId, { ever }]) => [productId, ever.stored()]),
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
	fold(before: string, facts: Iterable<NotificationFact>): void {
		if (before > this.foldedBefore) this.foldedBefore = before;
		for (const fact of facts) {
			const key = toldKey(fact.publicationId, fact.productId);
			const told = this.told.get(key);
			const number = this.subscribers.seen(fact.subscriberId);
			if (!told || number === undefined) continue;
			told.delete(number);
			if (told.size === 0) this.told.delete(key);
		}
		for (const { lastDays, byDay } of this.products.values()) {
			for (const [subscriber, day] of lastDays) if (day < before) lastDays.delete(subscriber);
			for (const day of byDay.keys()) if (day < before) byDay.delete(day);
		}
	}

	/**
	 * An erased client's facts, counted as before under `replacement` (erasures.ts): their
	 * number now stands for the replacement, and everything here is kept by number.
	 */
	rename(subscriberId: string, replacement: string): void {
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
			for (const [productId, { ever }] of this.products) ranked.push({ productId, count: ever.size });
		else
			for (const [productId, { byDay }] of this.products) {
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

	/** What `count` notifications of one publication, day and origin add to the counters they share. */
	private countRun(
		origin: { source: string; category: string },
		publicationId: string,
		day: string,
		count: number,
	) {
		const { source, category } = origin;
		this.totals.notifications += count;
		this.sources.add(source);
		this.add("distributed", "category", day, category, count);
		this.add("distributed", "source", day, source, count);
		this.labelOf(category, source).distributed += count;
		this.tallyOf(publicationId).notifications += count;
	}

	private reachOf(productId: string): ProductReach {
		let reach = this.products.get(productId);
		if (!reach) {
			reach = { ever: new SubscriberSet(), lastDays: new Map(), byDay: new Map() };
			this.products.set(productId, reach);
		}
		return reach;
	}

	/** A subscriber told of the product on `day`: their last day moves there if it is later. */
	private reachOn({ lastDays, byDay }: ProductReach, subscriber: number, day: string) {
		const last = lastDays.get(subscriber);
		if (last !== undefined && last >= day) return;
		lastDays.set(subscriber, day);
		if (last !== undefined) {
			const left = (byDay.get(last) ?? 0) - 1;
			if (left > 0) byDay.set(last, left);
			else byDay.delete(last);
		}
		byDay.set(day, (byDay.get(day) ?? 0) + 1);
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

function toldKey(publicationId: string, productId: string): string {
	return `${publicationId}\n${productId}`;
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
