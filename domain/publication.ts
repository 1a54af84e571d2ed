/**
 * A publication is one collector run's new or changed products. It is persisted before
 * `products.published` is emitted, so every consumer can load it, and load it again.
 */
import { type FieldChange, fieldChangeRule } from "./changes.ts";
import { type Category, categories } from "./product.ts";

export interface Publication {
	id: string;
	/** When the run that produced it finished collecting. */
	publishedAt: string;
	sources: string[];
	productIds: string[];
	/** Products per category, for analytics without loading every product. */
	counts: Partial<Record<Category, number>>;
	/** Verified subscribers when it was published (the match rate's denominator). */
	audience?: number;
	/**
	 * Per product that was in the catalogue before, what changed since the version published
	 * before it (domain/changes.ts); a product absent here is new. Publications stored before
	 * this existed have none: their products count as new.
	 */
	changes?: Record<string, FieldChange[]>;
}

export const publicationSchema = {
	$$root: true,
	type: "object",
	strict: "remove",
	props: {
		id: "string|min:1|max:100",
		publishedAt: { type: "string", pattern: /^\d{4}-\d{2}-\d{2}T/ },
		sources: { type: "array", items: "string|min:1|max:50" },
		productIds: { type: "array", items: "string|min:1|max:200" },
		counts: { type: "record", key: { type: "enum", values: [...categories] }, value: "number|integer|min:0" },
		audience: "number|integer|min:0|optional",
		changes: {
			type: "record",
			key: "string",
			value: { type: "array", items: fieldChangeRule },
			optional: true,
		},
	},
} as const;
