/**
 * Small helpers every service uses on lists: a page of an answer, a list in runs, a client's
 * text inside a query.
 */
import type { Page } from "../domain/contracts.ts";

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
