/**
 * One category's part of the interest index: its rules, and per partition (risk profile ×
 * investor category) its buckets of posting lists by access key (docs/matching.md).
 */
import { type InterestField, interestFields } from "../../domain/interests.ts";
import { audiences, type Category } from "../../domain/product.ts";
import { type RiskProfile, riskProfiles } from "../../domain/subscriber.ts";
import { CategoryStats, type Plan, plan } from "./index-plan.ts";
import { maxSide, minSide, PostingList, plain, sortedOrder } from "./index-postings.ts";
import { opFlag, opMin, RuleStore } from "./index-rules.ts";
import { ProductValues } from "./index-verify.ts";

/** No rule, no predicate (a plan without key or range). */
export const noRule = -1;

/** Rules under one access key: one list per sorting range (field, side), one plain list. */
export type Bucket = PostingList[];

/** The rules of one category whose subscribers share a risk profile and an investor category. */
export interface Partition {
	profile: RiskProfile;
	/** The investor category's rank (gates.ts): general 0, qualified 1, professional 2. */
	investor: number;
	open: Bucket;
	/** Per set or boolean field: value (string, or true/false) → bucket. */
	keyed: (Map<string | boolean, Bucket> | undefined)[];
}

export interface CategoryIndex {
	category: Category;
	position: number;
	fields: InterestField[];
	/** Positions of the set and boolean fields, the ones that can be access keys. */
	keyFields: number[];
	store: RuleStore;
	partitions: Partition[];
	stats: CategoryStats;
	values: ProductValues;
	/**
	 * False until the category's first rules are placed: until then upserts only encode
	 * rules, and the first match (or load's end, or flush) places them all at once.
	 */
	placed: boolean;
}

export function newCategory(category: Category, position: number): CategoryIndex {
	const fields = interestFields[category];
	return {
		category,
		position,
		fields,
		keyFields: fields.flatMap((field, f) => (field.kind === "number" ? [] : [f])),
		store: new RuleStore(fields),
		partitions: newPartitions(fields),
		stats: new CategoryStats(fields),
		values: new ProductValues(fields),
		placed: false,
	};
}

/** Scratch written for each rule placed: no garbage per rule. */
const planned: Plan = { key: noRule, range: noRule };
const targets: PostingList[] = [];

/** Puts a rule under its access key(s), into the delta of its sorting range's list. */
export function place(index: CategoryIndex, rule: number, ids: readonly (string | undefined)[]): void {
	const { store } = index;
	plan(store, rule, index.stats, planned);
	const count = targetsOf(index, rule, planned, targets);
	const bound = planned.range === noRule ? 0 : (store.bound[planned.range] as number);
	const id = ids[store.slot[rule] as number] as string;
	for (let t = 0; t < count; t++) {
		const list = targets[t] as PostingList;
		list.delta.append(bound, store, rule, id, planned.key, planned.range);
	}
}

/**
 * Places every live rule of a category whose lists are empty (a load into an empty index,
 * a rebuild): rules go in ascending order of their sorting bound, so every list is filled
 * already sorted, into arrays sized once from a counting pass — no merge, no regrowth.
 */
export function placeAll(index: CategoryIndex, ids: readonly (string | undefined)[]): void {
	const { store } = index;
	const keys = new Int32Array(store.count);
	const ranges = new Int32Array(store.count);
	const bounds = new Float64Array(store.count);
	for (let rule = 0; rule < store.count; rule++) {
		if (store.alive[rule] !== 1) continue;
		plan(store, rule, index.stats, planned);
		keys[rule] = planned.key;
		ranges[rule] = planned.range;
		bounds[rule] = planned.range === noRule ? 0 : (store.bound[planned.range] as number);
		const count = targetsOf(index, rule, planned, targets);
		for (let t = 0; t < count; t++) {
			const list = targets[t] as PostingList;
			list.reserved++;
			list.reservedPredicates += store.size[rule] as number;
		}
	}
	for (const partition of index.partitions)
		for (const bucket of buckets(partition)) for (const list of bucket) list.allocate();
	const order = sortedOrder(bounds, store.count);
	for (const rule of order) {
		if (store.alive[rule] !== 1) continue;
		planned.key = keys[rule] as number;
		planned.range = ranges[rule] as number;
		const count = targetsOf(index, rule, planned, targets);
		const id = ids[store.slot[rule] as number] as string;
		for (let t = 0; t < count; t++)
			(targets[t] as PostingList).sorted.append(
				bounds[rule] as number,
				store,
				rule,
				id,
				planned.key,
				planned.range,
			);
	}
}

/** The lists a planned rule goes into (one per distinct value of its access key), into `out`. */
export function targetsOf(
	index: CategoryIndex,
	rule: number,
	{ key, range }: Plan,
	out: PostingList[],
): number {
	const { store } = index;
	const partition = index.partitions[store.partition[rule] as number] as Partition;
	const field = range === noRule ? plain : (store.field[range] as number);
	const side = range !== noRule && store.op[range] !== opMin ? maxSide : minSide;
	if (key === noRule) {
		out[0] = listOf(partition.open, field, side);
		return 1;
	}
	const f = store.field[key] as number;
	const bound = store.bound[key] as number;
	let buckets = partition.keyed[f];
	if (buckets === undefined) {
		buckets = new Map();
		partition.keyed[f] = buckets;
	}
	if (store.op[key] === opFlag) {
		out[0] = listOf(bucketOf(buckets, bound === 1), field, side);
		return 1;
	}
	const values = store.lists[bound] as readonly string[];
	let count = 0;
	for (let v = 0; v < values.length; v++) {
		const value = values[v] as string;
		// Once per distinct value, or a product would match the rule twice.
		if (values.indexOf(value) === v) out[count++] = listOf(bucketOf(buckets, value), field, side);
	}
	return count;
}

export interface CategoryStatsView {
	/** Live rules: subscribers interested in the category. */
	rules: number;
	/** Removed or replaced rules still in the lists until the next rebuild. */
	deadRules: number;
	predicates: number;
	/** Distinct in/notIn lists stored. */
	lists: number;
	/** Buckets: access keys × partitions, the open ones included. */
	accessKeys: number;
	/** Entries in every list: a rule appears once per value of its access `in` list. */
	postings: number;
	/** Postings in the open buckets (no access key): visited by every product of the category. */
	openPostings: number;
	sortedLists: number;
	/** Postings a match scans without binary search: plain lists and deltas. */
	unsortedPostings: number;
	/** Rules added to a category never matched yet: placed at its first match or flush(). */
	pendingRules: number;
	productsSeen: number;
	/** Typed arrays of the category (rules and postings); ids and lists are on the heap besides. */
	bytes: number;
}

export interface IndexStats {
	subscribers: number;
	categories: Record<Category, CategoryStatsView>;
}

export function statsOf(index: CategoryIndex): CategoryStatsView {
	const { store } = index;
	const view: CategoryStatsView = {
		rules: store.live,
		deadRules: store.count - store.live,
		predicates: store.predicates,
		lists: store.lists.length,
		accessKeys: 0,
		postings: 0,
		openPostings: 0,
		sortedLists: 0,
		unsortedPostings: 0,
		pendingRules: index.placed ? 0 : store.live,
		productsSeen: index.stats.products,
		bytes: store.bytes(),
	};
	for (const partition of index.partitions) {
		for (const list of partition.open) view.openPostings += list.sorted.length + list.delta.length;
		for (const bucket of buckets(partition)) {
			view.accessKeys++;
			for (const list of bucket) {
				view.postings += list.sorted.length + list.delta.length;
				view.bytes += list.sorted.bytes() + list.delta.bytes();
				if (list.field === plain) view.unsortedPostings += list.sorted.length + list.delta.length;
				else {
					view.sortedLists++;
					view.unsortedPostings += list.delta.length;
				}
			}
		}
	}
	return view;
}

/** The partition of a profile (its position in riskProfiles) and an investor rank. */
export function partitionOf(profile: number, investor: number): number {
	return profile * audiences.length + investor;
}

/** Every partition, at the position partitionOf gives it. */
export function newPartitions(fields: InterestField[]): Partition[] {
	return riskProfiles.flatMap((profile) =>
		audiences.map((_, investor) => ({ profile, investor, open: [], keyed: fields.map(() => undefined) })),
	);
}

function bucketOf(buckets: Map<string | boolean, Bucket>, value: string | boolean): Bucket {
	let bucket = buckets.get(value);
	if (bucket === undefined) {
		bucket = [];
		buckets.set(value, bucket);
	}
	return bucket;
}

function listOf(bucket: Bucket, field: number, side: number): PostingList {
	for (const list of bucket) if (list.field === field && list.side === side) return list;
	const list = new PostingList(field, side);
	bucket.push(list);
	return list;
}

export function* buckets(partition: Partition): Iterable<Bucket> {
	yield partition.open;
	for (const map of partition.keyed) if (map !== undefined) yield* map.values();
}

export function mergeAll(index: CategoryIndex): void {
	for (const partition of index.partitions)
		for (const bucket of buckets(partition)) for (const list of bucket) list.merge();
}
