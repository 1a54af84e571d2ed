import type { Category } from "../../domain/product.ts";

export function countByCategory(products: { category: Category }[]): Partial<Record<Category, number>> {
	const counts: Partial<Record<Category, number>> = {};
	for (const { category } of products) counts[category] = (counts[category] ?? 0) + 1;
	return counts;
}
