/**
 * The order a match task hands its matches to the store in: by client (a client's own in
 * the order found), so the store's index trees, keyed by client first, take each batch along
 * neighbouring paths instead of a thousand scattered ones (docs/matching.md, steps 16 and 22).
 *
 * Sorted on numbers, not by comparing ids: each match's key is the number its client id's
 * first eight characters begin with in hex (a client id is a UUID: eight hex digits) above its
 * position, in a Float64Array that sorts natively with no call per comparison and no read of
 * an id's text. Clients whose ids share that number stay in the order found, and an id that
 * does not begin with hex sorts as 0: either only costs the trees a little locality, the
 * matches are all there.
 */

/** Positions fit below this (a task of 100 products holds far fewer matches); above it, ids are compared. */
const positions = 2 ** 21;

/**
 * The first eight hex digits of `id` as a number; 0 when they are not hex, or read as a
 * negative number ("-1"): a key below 0 would point at no match.
 */
function prefixOf(id: string): number {
	const prefix = Number.parseInt(id.slice(0, 8), 16);
	if (Number.isNaN(prefix) || prefix < 0) return 0;
	return prefix;
}

export function inStoreOrder<T extends { subscriberId: string }>(matches: readonly T[]): T[] {
	if (matches.length >= positions)
		return [...matches].sort((a, b) =>
			a.subscriberId < b.subscriberId ? -1 : a.subscriberId > b.subscriberId ? 1 : 0,
		);
	const keys = new Float64Array(matches.length);
	for (let i = 0; i < matches.length; i++) keys[i] = prefixOf((matches[i] as T).subscriberId) * positions + i;
	keys.sort();
	// A plain loop: Array.from's mapping function walks the keys through an iterator.
	const ordered: T[] = new Array(matches.length);
	for (let i = 0; i < keys.length; i++) {
		const key = keys[i] as number;
		const match = matches[key % positions];
		if (match === undefined) throw new Error(`store order: key ${key} points at no match`);
		ordered[i] = match;
	}
	return ordered;
}
