/**
 * The interest index: every subscriber's interests, organised so that matching a product
 * looks only at the rules that could hold for it, never at every subscriber. Results and
 * reasons are exactly `matchOne`'s (reference.ts). Structure and costs: docs/matching.md.
 *
 * Per category and partition (risk profile × investor category), each rule (one
 * subscriber's interest in the category) hangs under one access key — a value of its most
 * selective `in` list or its flag, or the open bucket — and within it in a list sorted by its
 * most selective range bound. A product visits the partitions whose profile it suits and
 * whose category its audience admits, there the open bucket and the buckets of its own
 * values, takes the satisfied prefix or suffix of each sorted list by binary search, and
 * verifies those candidates in full — the expiry of the profile among their predicates.
 */
import type { InterestField } from "../../domain/interests.ts";
import { audiences, type Category, categories, type Product } from "../../domain/product.ts";
import { suits } from "../../domain/risk.ts";
import { riskProfiles } from "../../domain/subscriber.ts";
import { chosenProfile, investorRank, isOpen, profileExpiry, requiredRank } from "./gates.ts";
import {
	type Bucket,
	type CategoryIndex,
	type CategoryStatsView,
	mergeAll,
	newCategory,
	newPartitions,
	noRule,
	partitionOf,
	place,
	placeAll,
	statsOf,
} from "./index-category.ts";
import { firstAbove, firstAtLeast, minSide, type Postings, plain } from "./index-postings.ts";
import { predicatesOf, RuleStore } from "./index-rules.ts";
import { holds, reasons } from "./index-verify.ts";
import type { MatchResult, Subscription } from "./reference.ts";
import { grow, resized } from "./typed-arrays.ts";

export type { CategoryStatsView } from "./index-category.ts";

export interface IndexStats {
	subscribers: number;
	/** Subscribers filed under a profile above conservative that will lapse (until `expire` demotes them). */
	expiring: number;
	categories: Record<Category, CategoryStatsView>;
}

export interface IndexOptions {
	/** Rebuild a category once this share of its rules is dead (removed or replaced)… */
	compactRatio?: number;
	/** …and at least this many: small amounts of dead rules cost less than a rebuild. */
	compactMin?: number;
	/** Unsorted additions a sorted list may hold before they are merged in (and more than 1/8 of it). */
	mergeLimit?: number;
}

const perSlot = categories.length;

export class InterestIndex {
	readonly #options: Required<IndexOptions>;
	readonly #categories = new Map<string, CategoryIndex>();
	/** The same, by category position. */
	readonly #all: CategoryIndex[] = [];
	/** Scratch: the rules an upsert is adding, by category position. */
	readonly #added = new Int32Array(perSlot);
	readonly #slotOf = new Map<string, number>();
	/** Subscriber id per slot (undefined when free). */
	#ids: (string | undefined)[] = [];
	/** Rule id per slot and category position, or noRule. */
	#rules = new Int32Array(0);
	/** Per slot: when the profile its rules are filed under lapses (ms); NaN when it cannot. */
	#validUntil = new Float64Array(0);
	#expiring = 0;
	/** No slot's profile lapses before this instant: `expire` before it has nothing to do. */
	#nextExpiry = Number.POSITIVE_INFINITY;
	#free: number[] = [];
	/** During load: no compaction until the end. */
	#bulk = false;

	constructor(options: IndexOptions = {}) {
		this.#options = { compactRatio: 0.25, compactMin: 4_096, mergeLimit: 256, ...options };
		categories.forEach((category, position) => {
			const index = newCategory(category, position);
			this.#categories.set(category, index);
			this.#all.push(index);
		});
	}

	/** Subscriptions held. */
	get size(): number {
		return this.#slotOf.size;
	}

	/**
	 * Adds a subscription or replaces the previous one of the subscriber. Interests should
	 * have passed checkInterests; a bound that is not a number or a list that is not of texts
	 * throws a TypeError and leaves the previous subscription in place.
	 *
	 * The rules are filed under the profile the subscriber chose (conservative without an
	 * assessment) and their investor category; above conservative, each carries the expiry
	 * of the profile, checked at match time, since a profile lapses with no event.
	 */
	upsert(sub: Subscription): void {
		// The expiry read once (a date parsed per client: a million at a matcher's start).
		const expiry = profileExpiry(sub);
		const profile = riskProfiles.indexOf(chosenProfile(sub, expiry));
		const partition = partitionOf(profile, investorRank(sub));
		const validUntil = profile > 0 ? expiry : Number.NaN;
		let slot = this.#slotOf.get(sub.subscriberId);
		const known = slot !== undefined;
		if (slot === undefined) slot = this.#free.pop() ?? this.#newSlot();
		const all = this.#all;
		const added = this.#added;
		added.fill(noRule);
		try {
			for (let position = 0; position < perSlot; position++) {
				const index = all[position] as CategoryIndex;
				const interest = sub.interests[index.category];
				if (interest === undefined) continue;
				added[position] = index.store.add(slot, partition, interest, validUntil) ?? noRule;
			}
		} catch (error) {
			for (let position = 0; position < perSlot; position++)
				if (added[position] !== noRule)
					(all[position] as CategoryIndex).store.kill(added[position] as number);
			if (!known) this.#free.push(slot);
			throw error;
		}
		if (known) this.#killRules(slot);
		else {
			this.#slotOf.set(sub.subscriberId, slot);
			this.#ids[slot] = sub.subscriberId;
		}
		this.#setValidUntil(slot, validUntil);
		for (let position = 0; position < perSlot; position++) {
			const rule = added[position] as number;
			this.#rules[slot * perSlot + position] = rule;
			const index = all[position] as CategoryIndex;
			if (rule !== noRule && index.placed) place(index, rule, this.#ids);
		}
		if (known) this.#compactIfWorth();
	}

	/**
	 * The slot a subscriber's rules are filed under while they are held: a position that
	 * tables kept beside the index (the audit's standings) can use instead of a map by id.
	 * A removed subscriber's slot goes to the next newcomer.
	 */
	slotOf(subscriberId: string): number | undefined {
		return this.#slotOf.get(subscriberId);
	}

	has(subscriberId: string): boolean {
		return this.#slotOf.has(subscriberId);
	}

	remove(subscriberId: string): void {
		const slot = this.#slotOf.get(subscriberId);
		if (slot === undefined) return;
		this.#killRules(slot);
		this.#setValidUntil(slot, Number.NaN);
		this.#slotOf.delete(subscriberId);
		this.#ids[slot] = undefined;
		this.#free.push(slot);
		this.#compactIfWorth();
	}

	/**
	 * Bulk build: adds every subscription, then places them — in one sorted pass per category
	 * that had none placed yet, by merging the lists' additions otherwise. Given an array it
	 * also sizes the stores first.
	 */
	load(subs: Iterable<Subscription>): void {
		this.#bulk = true;
		if (Array.isArray(subs)) this.reserve(subs.length, subs);
		try {
			for (const sub of subs) this.upsert(sub);
		} finally {
			this.#bulk = false;
			this.flush();
			this.#compactIfWorth();
		}
	}

	/**
	 * Does now what the next matches would otherwise do first: places the rules of categories
	 * never matched yet (a fresh index filled by upserts) and merges the lists' additions.
	 */
	flush(): void {
		for (const index of this.#all) {
			if (index.placed) mergeAll(index);
			else this.#placeAll(index);
		}
	}

	/**
	 * Sizes the stores and the slot table for `count` more subscribers like `sample` (each
	 * category's share of rules and predicates per client read from it): growing typed arrays
	 * by doubling allocates twice the memory, and every allocation of outside-heap memory
	 * brings V8's next full collection closer — which costs most when the heap is large. A
	 * build that pages through a feed calls it with the feed's count and its first page; a
	 * short estimate only means the stores grow as they would have.
	 */
	reserve(count: number, sample: readonly Subscription[]): void {
		if (count <= 0 || sample.length === 0) return;
		const rules = new Float64Array(perSlot);
		const predicates = new Float64Array(perSlot);
		for (const sub of sample)
			for (const index of this.#categories.values()) {
				const interest = sub.interests[index.category];
				if (interest === undefined) continue;
				const at = index.position;
				rules[at] = (rules[at] as number) + 1;
				// One more for the expiry (an estimate: the store grows if it is short).
				predicates[at] = (predicates[at] as number) + predicatesOf(interest) + 1;
			}
		const scale = count / sample.length;
		// An eighth more, so the first upserts after a load do not copy every array at once.
		const slack = (n: number) => Math.ceil(n * 1.125) + 64;
		for (const index of this.#categories.values())
			index.store.reserve(
				slack((rules[index.position] as number) * scale),
				slack((predicates[index.position] as number) * scale),
			);
		const slots = this.#ids.length + count;
		if (slots * perSlot > this.#rules.length) this.#rules = resized(this.#rules, slack(slots) * perSlot);
		if (slots > this.#validUntil.length) this.#validUntil = resized(this.#validUntil, slack(slots));
	}

	/**
	 * Statistics for choosing access keys. `match` observes every product; observing a
	 * sample of recent products before `load` gives the first build good plans too.
	 */
	observe(product: Product): void {
		const index = this.#categories.get(product.category);
		if (index === undefined) return;
		index.values.read(product);
		index.stats.observe(index.values);
	}

	/** Re-plans every rule with the statistics gathered so far, and drops dead rules. */
	rebuild(): void {
		for (const index of this.#categories.values()) this.#rebuild(index);
	}

	/**
	 * Every subscription the product matches at `now` (ms), with reasons; in no particular
	 * order. A product closed to new investment matches nobody; one for qualified or
	 * professional investors only visits those partitions; one above conservative risk
	 * reaches a rule filed under a higher profile only while that profile holds at `now`.
	 */
	match(product: Product, now: number): MatchResult[] {
		const results: MatchResult[] = [];
		const index = this.#categories.get(product.category);
		if (index === undefined || !isOpen(product)) return results;
		const required = requiredRank(product);
		if (!index.placed) this.#placeAll(index);
		const { values, keyFields } = index;
		values.read(product);
		index.stats.observe(values);
		values.profileNeededAfter = suits(product, "conservative") ? Number.NEGATIVE_INFINITY : now;
		for (const partition of index.partitions) {
			if (partition.investor < required || !suits(product, partition.profile)) continue;
			this.#scan(index, partition.open, results);
			for (const f of keyFields) {
				const buckets = partition.keyed[f];
				if (buckets === undefined) continue;
				const flag = values.flags[f] as number;
				const key =
					(index.fields[f] as InterestField).kind === "set"
						? values.texts[f]
						: flag < 0
							? undefined
							: flag === 1;
				const bucket = key === undefined ? undefined : buckets.get(key);
				if (bucket !== undefined) this.#scan(index, bucket, results);
			}
		}
		return results;
	}

	/**
	 * Files every subscriber whose profile lapsed by `now` under conservative, without the
	 * expiry: matching gives the same results before and after (the expiry already turns
	 * them away from riskier products), but their rules stop being candidates for products
	 * they can no longer receive. The service calls it at each reconcile pass. Time must not
	 * run back past `now` afterwards: a match at an earlier instant would find them demoted.
	 * Returns how many subscribers were demoted.
	 */
	expire(now: number): number {
		if (now < this.#nextExpiry) return 0;
		let demoted = 0;
		let next = Number.POSITIVE_INFINITY;
		for (let slot = 0; slot < this.#ids.length; slot++) {
			const validUntil = this.#validUntil[slot] as number;
			if (!(validUntil <= now)) {
				if (validUntil < next) next = validUntil;
				continue;
			}
			this.#demote(slot);
			demoted++;
		}
		this.#nextExpiry = next;
		if (demoted > 0) this.#compactIfWorth();
		return demoted;
	}

	/** Sizes per category: rules, postings, lists, what a match scans unsorted. */
	stats(): IndexStats {
		const categoriesView = {} as Record<Category, CategoryStatsView>;
		for (const index of this.#all) categoriesView[index.category] = statsOf(index);
		return { subscribers: this.size, expiring: this.#expiring, categories: categoriesView };
	}

	/** Re-files a slot's rules under conservative (same investor category), without the expiry. */
	#demote(slot: number): void {
		for (let position = 0; position < perSlot; position++) {
			const at = slot * perSlot + position;
			const rule = this.#rules[at] as number;
			if (rule === noRule) continue;
			const index = this.#categoryAt(position);
			const { store } = index;
			const investor = (store.partition[rule] as number) % audiences.length;
			const copy = store.copy(store, rule, slot, partitionOf(0, investor));
			store.kill(rule);
			this.#rules[at] = copy;
			if (index.placed) place(index, copy, this.#ids);
		}
		this.#setValidUntil(slot, Number.NaN);
	}

	#setValidUntil(slot: number, validUntil: number): void {
		const was = this.#validUntil[slot] as number;
		if (!Number.isNaN(was)) this.#expiring--;
		if (!Number.isNaN(validUntil)) {
			this.#expiring++;
			if (validUntil < this.#nextExpiry) this.#nextExpiry = validUntil;
		}
		this.#validUntil[slot] = validUntil;
	}

	#scan(index: CategoryIndex, bucket: Bucket, results: MatchResult[]): void {
		const { values } = index;
		for (const list of bucket) {
			if (list.field === plain) {
				const { sorted, delta } = list;
				this.#verify(index, sorted, 0, sorted.length, results);
				this.#verify(index, delta, 0, delta.length, results);
				continue;
			}
			const value = values.numbers[list.field] as number;
			// No rule here holds for a product without the value.
			if (Number.isNaN(value)) continue;
			// Merged when first needed, so a burst of upserts costs one merge, not one each.
			if (list.wantsMerge(this.#options.mergeLimit)) list.merge();
			const { sorted, delta } = list;
			const min = list.side === minSide;
			const from = min ? 0 : firstAtLeast(sorted.bounds, sorted.length, value);
			const to = min ? firstAbove(sorted.bounds, sorted.length, value) : sorted.length;
			this.#verify(index, sorted, from, to, results);
			for (let i = 0; i < delta.length; i++) {
				const bound = delta.bounds[i] as number;
				if (min ? bound <= value : bound >= value) this.#verify(index, delta, i, i + 1, results);
			}
		}
	}

	/** Checks postings [from, to) in full; those that hold become results. */
	#verify(index: CategoryIndex, postings: Postings, from: number, to: number, results: MatchResult[]): void {
		const { values, store } = index;
		const { alive, lists, slot } = store;
		const { rules, ids } = postings;
		for (let i = from; i < to; i++) {
			const rule = rules[i] as number;
			if (alive[rule] !== 1 || !holds(postings, i, values, lists)) continue;
			results.push({
				subscriberId: ids[i] as string,
				reasons: reasons(postings, i, values, lists),
				slot: slot[rule] as number,
			});
		}
	}

	#killRules(slot: number): void {
		for (let position = 0; position < perSlot; position++) {
			const rule = this.#rules[slot * perSlot + position] as number;
			if (rule !== noRule) this.#categoryAt(position).store.kill(rule);
			this.#rules[slot * perSlot + position] = noRule;
		}
	}

	#compactIfWorth(): void {
		if (this.#bulk) return;
		const { compactRatio, compactMin } = this.#options;
		for (const index of this.#categories.values()) {
			const dead = index.store.count - index.store.live;
			if (dead > 0 && dead >= compactMin && dead >= index.store.count * compactRatio) this.#rebuild(index);
		}
	}

	/** A fresh store and fresh lists from the live rules, planned with today's statistics. */
	#rebuild(index: CategoryIndex): void {
		const old = index.store;
		index.store = new RuleStore(index.fields);
		index.partitions = newPartitions(index.fields);
		for (let rule = 0; rule < old.count; rule++) {
			if (old.alive[rule] !== 1) continue;
			const slot = old.slot[rule] as number;
			this.#rules[slot * perSlot + index.position] = index.store.copy(old, rule, slot);
		}
		this.#placeAll(index);
	}

	/** Places every live rule of a category whose lists are empty (new, or just rebuilt). */
	#placeAll(index: CategoryIndex): void {
		placeAll(index, this.#ids);
		index.placed = true;
	}

	#newSlot(): number {
		const slot = this.#ids.length;
		this.#ids.push(undefined);
		this.#rules = grow(this.#rules, (slot + 1) * perSlot);
		this.#rules.fill(noRule, slot * perSlot, (slot + 1) * perSlot);
		this.#validUntil = grow(this.#validUntil, slot + 1);
		this.#validUntil[slot] = Number.NaN;
		return slot;
	}

	#categoryAt(position: number): CategoryIndex {
		return this.#all[position] as CategoryIndex;
	}
}
