/**
 * Listings of a publication in the making. A large run reaches the products service in
 * chunks (a NATS message holds about 1 MB); the catalogue changes only when the whole
 * publication is complete, so a collector that dies half-way leaves the catalogue as it was
 * and the next run finds the same changes again. Internal to the products folder.
 */
import type { Context } from "moleculer";
import type { Product } from "../../domain/product.ts";
import { defineService } from "../../lib/service.ts";
import { type DbLocals, DbMixin } from "../../mixins/db.mixin.ts";

/** A listing staged, or the catalogue's versions of a publication's products from before it. */
interface Staged {
	_id: string;
	publicationId: string;
	listing?: Product;
	/** By product id, as the catalogue held it (null: not there), kept from the first attempt. */
	before?: Record<string, Product | null>;
}

export default defineService<object, DbLocals>()({
	name: "staging",
	mixins: [DbMixin({ collection: "staged_products", indexed: ["publicationId"] })],

	actions: {
		/** Idempotent: a chunk sent twice stages each listing once. */
		add: {
			visibility: "public",
			params: { publicationId: "string|min:1|max:100", products: { type: "array", items: "object" } },
			async handler(ctx: Context<{ publicationId: string; products: Product[] }>): Promise<number> {
				const { publicationId, products } = ctx.params;
				for (const listing of products)
					await this.upsert(`${publicationId}/${listing.id}`, { publicationId, listing });
				return products.length;
			},
		},

		/**
		 * The products as the catalogue held them before this publication, for its changes: the
		 * first call's answer is kept, so a publish retried after it updated the catalogue never
		 * compares a product with itself.
		 */
		remember: {
			visibility: "public",
			params: {
				publicationId: "string|min:1|max:100",
				before: { type: "record", key: "string", value: { type: "any", optional: true } },
			},
			async handler(
				ctx: Context<{ publicationId: string; before: Record<string, Product | null> }>,
			): Promise<Record<string, Product | null>> {
				const { publicationId, before } = ctx.params;
				// One document per publication: a publication of thousands of products is one write.
				const key = `${publicationId}#before`;
				const kept = await this.adapter.findById<Staged>(key);
				if (kept?.before) return kept.before;
				await this.upsert(key, { publicationId, before });
				return before;
			},
		},

		take: {
			visibility: "public",
			params: { publicationId: "string|min:1|max:100" },
			async handler(ctx: Context<{ publicationId: string }>): Promise<Product[]> {
				const docs: Staged[] = await this.adapter.find({
					query: { publicationId: ctx.params.publicationId },
				});
				return docs
					.flatMap((doc) => (doc.listing ? [doc.listing] : []))
					.sort((a, b) => a.id.localeCompare(b.id));
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
});
