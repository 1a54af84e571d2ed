/**
 * Publications: what each collector run published, in order. Written once, never changed.
 */
import { type Context, Errors } from "moleculer";
import type { FieldChange } from "../../domain/changes.ts";
import { type Actions, answers, call, pageRule } from "../../domain/contracts.ts";
import { catalogueProductRule, categories } from "../../domain/product.ts";
import { type Publication, publicationSchema } from "../../domain/publication.ts";
import { pageParams, storePage } from "../../lib/collections.ts";
import { domainMetrics, type Metric, metric } from "../../lib/domain-metrics.ts";
import { defineService } from "../../lib/service.ts";
import { type DbLocals, DbMixin } from "../../mixins/db.mixin.ts";

interface PublicationsLocals extends DbLocals {
	published: Metric;
}

export default defineService<{ rest: string }, PublicationsLocals>()({
	name: "publications",
	mixins: [DbMixin({ collection: "publications", indexed: ["publishedAt"] })],

	settings: { rest: "/publications" },

	methods: {
		/** A stored publication as everyone sees it: `announced` is the products service's bookkeeping. */
		view(doc: object): Publication {
			const { announced: _, ...publication } = this.adapter.afterRetrieveTransformID<
				Publication & { announced?: boolean }
			>(doc, "id");
			return publication;
		},
	},

	actions: {
		list: {
			rest: "GET /",
			openapi: { response: answers("publications.list", pageRule(publicationSchema)) },
			params: pageParams,
			handler(ctx: Context<{ page: number; pageSize: number }>) {
				const { page, pageSize } = ctx.params;
				// The list says what was published, not how each product changed (that can be long).
				return storePage(this.adapter, { sort: ["-publishedAt"] }, page, pageSize, (doc) => {
					const { changes: _, ...publication } = this.view(doc);
					return publication;
				});
			},
		},

		get: {
			rest: "GET /:id",
			// The publication, with its products unless `withProducts=false`.
			openapi: {
				response: answers("publications.get", {
					...publicationSchema,
					props: {
						...publicationSchema.props,
						products: { type: "array", items: catalogueProductRule, optional: true },
					},
				}),
			},
			params: {
				id: "string|min:1|max:100",
				withProducts: "boolean|convert|default:true",
				withChanges: "boolean|convert|default:false",
			},
			async handler(
				ctx: Context<{ id: string; withProducts: boolean; withChanges: boolean }>,
			): Promise<Actions["publications.get"]["result"]> {
				const doc = await this.adapter.findById(ctx.params.id);
				if (!doc)
					throw new Errors.MoleculerClientError(
						`No publication with id "${ctx.params.id}".`,
						404,
						"NOT_FOUND",
					);
				// Changes can be long (a line per changed field per product): only when asked.
				const { changes, ...rest }: Publication = this.view(doc);
				const publication: Publication = ctx.params.withChanges && changes ? { ...rest, changes } : rest;
				if (!ctx.params.withProducts) return publication;
				const products = await call(ctx, "products.getMany", {
					ids: publication.productIds,
				});
				return { ...publication, products };
			},
		},

		/**
		 * Internal (matcher): what changed in these products of the publication, for one match
		 * task; a product absent from the answer is new to the catalogue (docs/changes.md).
		 */
		changesOf: {
			visibility: "public",
			params: { id: "string|min:1|max:100", productIds: { type: "array", items: "string", max: 1_000 } },
			async handler(
				ctx: Context<{ id: string; productIds: string[] }>,
			): Promise<Record<string, FieldChange[]>> {
				const doc = await this.adapter.findById<Publication>(ctx.params.id);
				const all = doc?.changes ?? {};
				return Object.fromEntries(ctx.params.productIds.flatMap((id) => (all[id] ? [[id, all[id]]] : [])));
			},
		},

		/** Internal: called by products.publish. The same id twice keeps the first one. */
		create: {
			visibility: "public",
			params: publicationSchema.props,
			async handler(ctx: Context<Publication>): Promise<Publication> {
				const existing = await this.adapter.findById(ctx.params.id);
				if (existing) return this.view(existing);
				const { id, ...fields } = ctx.params;
				// Not yet announced: products.publish marks it once the queue has it (see announce).
				const doc = await this.adapter.insert({ _id: id, ...fields, announced: false });
				// Counted here, where a publication is stored once: a retried publish returns above.
				for (const [category, n] of Object.entries(fields.counts))
					if (n) this.published.increment({ category }, n);
				return this.view(doc);
			},
		},

		/** Internal: the durable queue has it; nobody needs to announce it again. */
		markAnnounced: {
			visibility: "public",
			params: { id: "string|min:1|max:100" },
			async handler(ctx: Context<{ id: string }>) {
				return { updated: await this.updateWhere({ _id: ctx.params.id }, { $set: { announced: true } }) };
			},
		},

		/**
		 * Internal: publications stored before `before` whose queue publish never succeeded (the
		 * queue was down, the node died in between), oldest first, for products to announce again.
		 */
		unannounced: {
			visibility: "public",
			params: { before: "string", limit: "number|integer|min:1|max:1000|default:100" },
			async handler(ctx: Context<{ before: string; limit: number }>): Promise<string[]> {
				const rows = await this.adapter.find<{ _id: string }>({
					query: { announced: false, publishedAt: { $lt: ctx.params.before } },
					sort: ["publishedAt"],
					limit: ctx.params.limit,
				});
				return rows.map((row) => row._id);
			},
		},
	},

	created() {
		this.published = metric(this.broker, domainMetrics.productsPublished);
		for (const category of categories) this.published.zero({ category });
	},
});
