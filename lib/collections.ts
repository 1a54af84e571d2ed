/**
 * Small helpers every service uses on lists: a page of an answer, a list in runs, a client's
 * text inside a query.
 */
import type { Page } from "../domain/contracts.ts";
import type { Store } from "../mixins/db.mixin.ts";

export function pageOf<T>(rows: T[], total: number, page: number, pageSize: number): Page<T> {
	return { rows, total, page, pageSize, totalPages: Math.ceil(total / pageSize) };
}

/** `items` in runs of at most `size` (a NATS message holds about 1 MB). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}

/** A client's search text used inside a RegExp must match literally. */
export function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The params of a paged listing: page from 1, at most 100 rows a page. */
export const pageParams = {
	page: "number|integer|min:1|convert|default:1",
	pageSize: "number|integer|min:1|max:100|convert|default:20",
} as const;

/** One page of a store's documents matching `query` in `sort` order, with the total. */
export async function storePage<T>(
	store: Store,
	{ query = {}, sort }: { query?: object; sort: string[] },
	page: number,
	pageSize: number,
	view: (doc: object) => T,
): Promise<Page<T>> {
	const [rows, total] = await Promise.all([
		store.find<object>({ query, sort, offset: (page - 1) * pageSize, limit: pageSize }),
		store.count({ query }),
	]);
	return pageOf(rows.map(view), total, page, pageSize);
}
