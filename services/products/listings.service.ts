/**
 * What each source says of each instrument: the listings the catalogue's products are
 * consolidated from (domain/venues.ts), each with the product it belongs to. The collector
 * compares a run with these (change detection, withdrawals, per source); clients see the
 * products. A listing stays with the product it first joined. Internal to the products folder.
 */
import type { Context } from "moleculer";
import type { Actions } from "../../domain/contracts.ts";
import type { Product } from "../../domain/product.ts";
import { defineService } from "../../lib/service.ts";
import { type DbLocals, DbMixin } from "../../mixins/db.mixin.ts";

type Params<A extends keyof Actions> = Actions[A]["params"];

interface StoredListing {
	_id: string;
	productId: string;
	source: string;
	/** Open to new investment at its source (for openIdsOf). */
	open: boolean;
	listing: Product;
}

export default defineService<object, DbLocals>()({
	name: "listings",
	mixins: [DbMixin({ collection: "listings", indexed: ["productId", "source"] })],

	actions: {
		/** Listings by id, in the order asked, missing ones left out. */
		getMany: {
			visibility: "public",
			params: { ids: { type: "array", items: "string", max: 50_000 } },
			async handler(ctx: Context<Params<"listings.getMany">>): Promise<Product[]> {
				const docs: StoredListing[] = await this.adapter.findByIds(ctx.params.ids);
				const byId = new Map(docs.map((doc) => [doc._id, doc.listing]));
				return ctx.params.ids.flatMap((id) => byId.get(id) ?? []);
			},
		},

		/** The product each listing belongs to, for the listings known. */
		productsOf: {
			visibility: "public",
			params: { ids: { type: "array", items: "string", max: 50_000 } },
			async handler(ctx: Context<Params<"listings.productsOf">>): Promise<Record<string, string>> {
				const docs: StoredListing[] = await this.adapter.findByIds(ctx.params.ids);
				return Object.fromEntries(docs.map((doc) => [doc._id, doc.productId]));
			},
		},

		/** Every listing of these products, with the product it belongs to. */
		ofProducts: {
			visibility: "public",
			params: { productIds: { type: "array", items: "string", max: 50_000 } },
			async handler(
				ctx: Context<Params<"listings.ofProducts">>,
			): Promise<Actions["listings.ofProducts"]["result"]> {
				const docs: StoredListing[] = await this.adapter.find({
					query: { productId: { $in: ctx.params.productIds } },
				});
				return docs.map((doc) => ({ productId: doc.productId, listing: doc.listing }));
			},
		},

		/** Ids of a source's listings still open, to find those it stopped listing. */
		openIdsOf: {
			visibility: "public",
			params: { source: "string|min:1|max:50" },
			async handler(ctx: Context<Params<"listings.openIdsOf">>): Promise<string[]> {
				const docs: { _id: string }[] = await this.adapter.find({
					query: { source: ctx.params.source, open: true },
					fields: ["_id"],
				});
				return docs.map((doc) => doc._id);
			},
		},

		/** Stores listings with their product; idempotent. */
		put: {
			visibility: "public",
			params: {
				listings: {
					type: "array",
					max: 1_000,
					items: { type: "object", props: { productId: "string|min:1|max:200", listing: "object" } },
				},
			},
			async handler(ctx: Context<Params<"listings.put">>): Promise<number> {
				const docs: StoredListing[] = ctx.params.listings.map(({ productId, listing }) => ({
					_id: listing.id,
					productId,
					source: listing.source,
					open: listing.openToInvestment !== false,
					listing,
				}));
				// New listings in one batch; those known before replaced one by one.
				const inserted = new Set((await this.insertNew(docs)).map((doc) => doc._id));
				for (const doc of docs) if (!inserted.has(doc._id)) await this.upsert(doc._id, doc);
				return docs.length;
			},
		},
	},
});
