import type { Page } from "../../domain/contracts.ts";
import type { Category } from "../../domain/product.ts";

export function pageOf<T>(rows: T[], total: number, page: number, pageSize: number): Page<T> {
	return { rows, total, page, pageSize, totalPages: Math.ceil(total / pageSize) };
}

export function countByCategory(products: { category: Category }[]): Partial<Record<Category, number>> {
	const counts: Partial<Record<Category, number>> = {};
	for (const { category } of products) counts[category] = (counts[category] ?? 0) + 1;
	return counts;
}

/** A client's search text used inside a RegExp must match literally. */
export function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `items` in runs of at most `size` (a NATS message holds about 1 MB). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}
