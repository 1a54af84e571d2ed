/**
 * Products of a publication in the making. A large run reaches the products service in
 * chunks (a NATS message holds about 1 MB); the catalogue changes only when the whole
 * publication is complete, so a collector that dies half-way leaves the catalogue as it was
 * and the next run finds the same changes again. Internal to the products folder.
 */
import type { Context, ServiceSchema } from "moleculer";
import { diffProducts, type FieldChange } from "../../domain/changes.ts";
import type { Product } from "../../domain/product.ts";
import { DbMixin } from "../../mixins/db.mixin.ts";

interface Staged {
	_id: string;
	publicationId: string;
	product: Product;
	/**
	 * What changed since the catalogue's version when it was first staged (before the
	 * publication replaces it); absent for a product new to the catalogue. Staging the same
	 * product again keeps the first diff, so a retry never compares with itself.
	 */
	changes?: FieldChange[];
}

const staging: ServiceSchema = {
	name: "staging",
	mixins: [DbMixin({ collection: "staged_products", indexed: ["publicationId"] })],

	actions: {
		/** Idempotent: a chunk sent twice stages each product once, with its first diff. */
		add: {
			visibility: "public",
			params: { publicationId: "string|min:1|max:100", products: { type: "array", items: "object" } },
			async handler(ctx: Context<{ publicationId: string; products: Product[] }>): Promise<number> {
				const { publicationId, products } = ctx.params;
				const keyOf = (product: Product) => `${publicationId}/${product.id}`;
				const staged: Staged[] = await this.adapter.findByIds(products.map(keyOf));
				const known = new Map(staged.map((doc) => [doc._id, doc]));
				const current = await ctx.call<Product[], { ids: string[] }>("products.getMany", {
					ids: products.filter((product) => !known.has(keyOf(product))).map((product) => product.id),
				});
				const published = new Map(current.map((product) => [product.id, product]));
				for (const product of products) {
					const key = keyOf(product);
					const previous = published.get(product.id);
					const changes = known.has(key)
						? known.get(key)?.changes
						: previous && diffProducts(previous, product);
					await this.upsert(key, { publicationId, product, ...(changes ? { changes } : {}) });
				}
				return products.length;
			},
		},

		/** What changed per product of the publication, for the products that were in the catalogue. */
		changes: {
			visibility: "public",
			params: { publicationId: "string|min:1|max:100" },
			async handler(ctx: Context<{ publicationId: string }>): Promise<Record<string, FieldChange[]>> {
				const docs: Staged[] = await this.adapter.find({
					query: { publicationId: ctx.params.publicationId },
				});
				return Object.fromEntries(
					docs.flatMap((doc) => (doc.changes ? [[doc.product.id, doc.changes]] : [])),
				);
			},
		},

		take: {
			visibility: "public",
			params: { publicationId: "string|min:1|max:100" },
			async handler(ctx: Context<{ publicationId: string }>): Promise<Product[]> {
				const docs: Staged[] = await this.adapter.find({
					query: { publicationId: ctx.params.publicationId },
				});
				return docs.map((doc) => doc.product).sort((a, b) => a.id.localeCompare(b.id));
			},
		},

		clear: {
			visibility: "public",
			params: { publicationId: "string|min:1|max:100" },
			async handler(ctx: Context<{ publicationId: string }>): Promise<void> {
				await this.adapter.removeMany({ publicationId: ctx.params.publicationId });
			},
		},
	},
};

export default staging;
