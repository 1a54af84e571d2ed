/**
 * The product catalogue: the latest known state of every product any source featured,
 * and `products.publish`, which persists a run's new or changed products as a publication
 * before telling anyone about it.
 */
import { randomUUID } from "node:crypto";
import { type Context, Errors, type ServiceSchema, type ServiceSettingSchema } from "moleculer";
import { type Actions, call, emit } from "../../domain/contracts.ts";
import { categories, type Product } from "../../domain/product.ts";
import { validateProduct } from "../../domain/validate.ts";
import { DbMixin } from "../../mixins/db.mixin.ts";
import { countByCategory, escapeRegExp, pageOf } from "./catalogue.ts";

type Params<A extends keyof Actions> = Actions[A]["params"];

const products: ServiceSchema = {
	name: "products",
	mixins: [DbMixin({ collection: "products", indexed: ["category", "ticker"] })],

	settings: { rest: "/products" } as ServiceSettingSchema,

	actions: {
		list: {
			rest: "GET /",
			params: {
				category: { type: "enum", values: [...categories], optional: true },
				q: "string|trim|max:100|optional",
				page: "number|integer|min:1|convert|default:1",
				pageSize: "number|integer|min:1|max:100|convert|default:20",
			},
			async handler(ctx: Context<Params<"products.list"> & { page: number; pageSize: number }>) {
				const { category, q, page, pageSize } = ctx.params;
				const query: Record<string, unknown> = {};
				if (category) query.category = category;
				if (q) query.name = { $regex: new RegExp(escapeRegExp(q), "i") };
				const [rows, total] = await Promise.all([
					this.adapter.find({ query, sort: ["name"], offset: (page - 1) * pageSize, limit: pageSize }),
					this.adapter.count({ query }),
				]);
				return pageOf(
					rows.map((row: object) => this.adapter.afterRetrieveTransformID(row, "id")),
					total,
					page,
					pageSize,
				);
			},
		},

		get: {
			rest: "GET /:id",
			params: { id: "string|min:1|max:200" },
			async handler(ctx: Context<Params<"products.get">>): Promise<Product> {
				const doc = await this.adapter.findById(ctx.params.id);
				if (!doc)
					throw new Errors.MoleculerClientError(`No product with id "${ctx.params.id}".`, 404, "NOT_FOUND");
				return this.adapter.afterRetrieveTransformID(doc, "id");
			},
		},

		/** Internal (no REST route): the collector calls it at the end of a run. */
		publish: {
			visibility: "public",
			params: {
				id: "string|min:1|max:100|optional",
				sources: { type: "array", items: "string|min:1|max:50", min: 1 },
				products: { type: "array", items: "object", max: 50_000 },
				publishedAt: "string|optional",
			},
			async handler(ctx: Context<Params<"products.publish"> & { id?: string }>) {
				const valid: Product[] = [];
				const errors: { index: number; errors: string[] }[] = [];
				ctx.params.products.forEach((input, index) => {
					const result = validateProduct(input);
					if (result.ok) valid.push(result.value);
					else errors.push({ index, errors: result.errors });
				});
				if (errors.length > 0) {
					throw new Errors.ValidationError(
						"Some products are invalid; nothing was published.",
						"INVALID_PRODUCTS",
						errors,
					);
				}
				// Products first, then the publication that points at them, then the event:
				// whoever hears of a publication can load all of it.
				for (const product of valid)
					await this.upsert(product.id, product as unknown as Record<string, unknown>);
				const publication = await call(ctx, "publications.create", {
					id: ctx.params.id ?? randomUUID(),
					publishedAt: ctx.params.publishedAt ?? new Date().toISOString(),
					sources: ctx.params.sources,
					productIds: valid.map((product) => product.id),
					counts: countByCategory(valid),
				});
				await emit(ctx, "products.published", { publicationId: publication.id });
				this.logger.info("Published", { publicationId: publication.id, products: valid.length });
				return publication;
			},
		},

		/** Internal: many products by id, in the order asked, missing ones left out. */
		getMany: {
			visibility: "public",
			params: { ids: { type: "array", items: "string", max: 50_000 } },
			async handler(ctx: Context<{ ids: string[] }>): Promise<Product[]> {
				const docs = await this.adapter.findByIds(ctx.params.ids);
				const byId = new Map(
					docs.map((doc: Record<string, unknown>) => [
						doc._id,
						this.adapter.afterRetrieveTransformID(doc, "id"),
					]),
				);
				return ctx.params.ids.flatMap((id) => (byId.has(id) ? [byId.get(id) as Product] : []));
			},
		},
	},
};

export default products;
