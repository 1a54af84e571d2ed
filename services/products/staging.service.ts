/**
 * Products of a publication in the making. A large run reaches the products service in
 * chunks (a NATS message holds about 1 MB); the catalogue changes only when the whole
 * publication is complete, so a collector that dies half-way leaves the catalogue as it was
 * and the next run finds the same changes again. Internal to the products folder.
 */
import type { Context, ServiceSchema } from "moleculer";
import type { Product } from "../../domain/product.ts";
import { DbMixin } from "../../mixins/db.mixin.ts";

interface Staged {
	publicationId: string;
	product: Product;
}

const staging: ServiceSchema = {
	name: "staging",
	mixins: [DbMixin({ collection: "staged_products", indexed: ["publicationId"] })],

	actions: {
		/** Idempotent: a chunk sent twice stages each product once. */
		add: {
			visibility: "public",
			params: { publicationId: "string|min:1|max:100", products: { type: "array", items: "object" } },
			async handler(ctx: Context<{ publicationId: string; products: Product[] }>): Promise<number> {
				const { publicationId, products } = ctx.params;
				for (const product of products)
					await this.upsert(`${publicationId}/${product.id}`, { publicationId, product });
				return products.length;
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
