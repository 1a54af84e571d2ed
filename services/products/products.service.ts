/**
 * The product catalogue: the latest known state of every product any source featured,
 * and `products.publish`, which persists a run's new or changed products as a publication
 * before telling anyone about it.
 */
import { randomUUID } from "node:crypto";
import { type Context, Errors, type ServiceBroker } from "moleculer";
import { clockOf } from "../../config.ts";
import { diffProducts, type FieldChange } from "../../domain/changes.ts";
import { isoNow } from "../../domain/clock.ts";
import { type Actions, answers, broadcast, call, pageRule } from "../../domain/contracts.ts";
import { interestFields } from "../../domain/interests.ts";
import {
	audiences,
	type Category,
	catalogueProductRule,
	categories,
	type Product,
	valueAt,
} from "../../domain/product.ts";
import type { Publication } from "../../domain/publication.ts";
import { validateProduct } from "../../domain/validate.ts";
import { consolidate, instrumentKey, withVenues } from "../../domain/venues.ts";
import { chunks, escapeRegExp, pageOf } from "../../lib/collections.ts";
import { acquireQueue, type DurableQueue, releaseQueue } from "../../lib/durable-queue.ts";
import { defineService } from "../../lib/service.ts";
import { type DbLocals, DbMixin } from "../../mixins/db.mixin.ts";
import { countByCategory } from "./catalogue.ts";
import { assignProducts } from "./identity.ts";

export interface ProductsSettings {
	rest: string;
	/** How often publications whose announcement failed are looked for (and how old they must be). */
	announceSweepMs: number;
}

interface ProductsLocals extends DbLocals {
	queue: DurableQueue;
	/** The next sweep for announcements that failed. */
	announcer?: NodeJS.Timeout;
	/** A sweep is running: the next one waits its turn. */
	announcing?: boolean;
}

type Params<A extends keyof Actions> = Actions[A]["params"];
type Facets = Partial<Record<Category, Record<string, string[]>>>;

/** Every product valid, or a 422 listing each invalid one: a chunk is taken whole or not at all. */
function validateAll(inputs: unknown[]): Product[] {
	const valid: Product[] = [];
	const errors: { index: number; errors: string[] }[] = [];
	inputs.forEach((input, index) => {
		const result = validateProduct(input);
		if (result.ok) valid.push(result.value);
		else errors.push({ index, errors: result.errors });
	});
	if (errors.length > 0)
		throw new Errors.ValidationError(
			"Some products are invalid; nothing was published.",
			"INVALID_PRODUCTS",
			errors,
		);
	return valid;
}

export default defineService<ProductsSettings, ProductsLocals>()({
	name: "products",
	mixins: [DbMixin({ collection: "products", indexed: ["category", "ticker", "instrumentKey"] })],

	settings: { rest: "/products", announceSweepMs: 30_000 },

	methods: {
		/** Durable for the matcher (kept until handled), the event for everyone else, then marked. */
		async announce(via: Context | ServiceBroker, publicationId: string): Promise<void> {
			await this.queue.publish("publications", { publicationId }, publicationId);
			await broadcast(via, "products.published", { publicationId });
			await call(via, "publications.markAnnounced", { id: publicationId });
		},

		/** The next sweep for missed announcements, one interval from now (the interval read each time). */
		sweepAnnouncements(): void {
			if (this.broker.stopping) return;
			clearTimeout(this.announcer);
			this.announcer = setTimeout(async () => {
				await this.announceMissed();
				this.sweepAnnouncements();
			}, this.settings.announceSweepMs);
			this.announcer.unref();
		},

		async announceMissed(): Promise<void> {
			if (this.announcing) return;
			this.announcing = true;
			try {
				const { announceSweepMs } = this.settings;
				// Older than a sweep: a publish in progress right now is not one that failed.
				const before = new Date(clockOf(this.broker).now() - announceSweepMs).toISOString();
				for (const id of await call(this.broker, "publications.unannounced", { before })) {
					await this.announce(this.broker, id);
					this.logger.warn("Publication announced again: its first announcement had failed", {
						publicationId: id,
					});
				}
			} catch (err) {
				this.logger.warn("Could not announce missed publications yet", { error: (err as Error).message });
			} finally {
				this.announcing = false;
			}
		},

		/** Verified subscribers now, for the publication's match rate; absent if subscribers is down. */
		async audience(ctx: Context): Promise<number | undefined> {
			try {
				return (await call(ctx, "subscribers.countActive", {}, { timeout: 2_000, retries: 0 })).count;
			} catch (err) {
				this.logger.warn("Publishing without an audience: subscribers did not answer", {
					error: (err as Error).message,
				});
				return undefined;
			}
		},

		/**
		 * The publication's listings into the catalogue's products (docs/venues.md): each listing
		 * to its product (identity.ts), each product rebuilt from all its listings, and what
		 * changed in it since the catalogue's version. Listings are stored here; products by the caller.
		 */
		async consolidate(
			ctx: Context,
			publicationId: string,
			staged: Product[],
		): Promise<{ products: Product[]; changes: Record<string, FieldChange[]> }> {
			const ids = staged.map((listing) => listing.id);
			const keys = [...new Set(staged.flatMap((listing) => instrumentKey(listing) ?? []))];
			const [productOf, own, keyed] = await Promise.all([
				call(ctx, "listings.productsOf", { ids }),
				this.adapter.findByIds<{ _id: string }>(ids).then((docs) => new Set(docs.map((doc) => doc._id))),
				keys.length > 0
					? this.adapter
							.find({ query: { instrumentKey: { $in: keys } } })
							.then((docs: object[]) => docs.map((doc) => this.view(doc)))
					: [],
			]);
			const assigned = assignProducts(staged, { productOf, own, keyed });
			const productIds = [...new Set(assigned.values())];
			const current = new Map<string, Product>(
				(await this.adapter.findByIds(productIds)).map((doc: object) => {
					const product: Product = this.view(doc);
					return [product.id, product];
				}),
			);
			const before = await call(ctx, "staging.remember", {
				publicationId,
				before: Object.fromEntries(
					productIds.map((productId) => [productId, current.get(productId) ?? null]),
				),
			});
			// Every listing of each product: those stored, a product from before venues as its own
			// listing, then this publication's over them.
			const listingsOf = new Map<string, Map<string, Product>>(
				productIds.map((productId) => [productId, new Map()]),
			);
			for (const { productId, listing } of await call(ctx, "listings.ofProducts", { productIds }))
				listingsOf.get(productId)?.set(listing.id, listing);
			for (const [productId, product] of current)
				if (!product.venues) listingsOf.get(productId)?.set(product.id, product);
			for (const listing of staged)
				listingsOf.get(assigned.get(listing.id) as string)?.set(listing.id, listing);
			for (const part of chunks(staged, 1_000))
				await call(ctx, "listings.put", {
					listings: part.map((listing) => ({ productId: assigned.get(listing.id) as string, listing })),
				});
			const products = productIds.map((productId) =>
				consolidate(productId, [...(listingsOf.get(productId)?.values() ?? [])]),
			);
			const changes: Record<string, FieldChange[]> = {};
			for (const product of products) {
				const previous = before[product.id];
				if (previous) changes[product.id] = diffProducts(withVenues(previous), product);
			}
			return { products, changes };
		},

		/** Products into the catalogue: the new ones in one batch, the others replaced one by one. */
		async store(products: Product[]): Promise<void> {
			const docs = products.map(({ id, ...fields }) => ({ _id: id, ...fields }));
			const inserted = new Set((await this.insertNew(docs)).map((doc) => doc._id));
			for (const doc of docs) if (!inserted.has(doc._id)) await this.upsert(doc._id, doc);
		},

		/** A stored product as everyone sees it; one stored before venues existed gets its one venue. */
		view(doc: object): Product {
			return withVenues(this.adapter.afterRetrieveTransformID(doc, "id"));
		},

		async existingPublication(ctx: Context, id: string): Promise<Publication | undefined> {
			try {
				const { products: _products, ...publication } = await call(ctx, "publications.get", { id });
				return publication;
			} catch (err) {
				if ((err as { code?: number }).code === 404) return undefined;
				throw err;
			}
		},
	},

	async started() {
		this.queue = await acquireQueue(this.broker);
		// A publication stored but never announced (queue down, node killed in between) would
		// never be matched: the next run sees its products as unchanged. Announce it again.
		this.sweepAnnouncements();
	},

	async stopped() {
		clearTimeout(this.announcer);
		await releaseQueue(this.broker);
	},

	actions: {
		list: {
			rest: "GET /",
			openapi: { response: answers("products.list", pageRule(catalogueProductRule)) },
			params: {
				category: { type: "enum", values: [...categories], optional: true },
				q: "string|trim|max:100|optional",
				audience: { type: "enum", values: [...audiences], optional: true },
				openToInvestment: "boolean|convert|optional",
				page: "number|integer|min:1|convert|default:1",
				pageSize: "number|integer|min:1|max:100|convert|default:20",
			},
			async handler(ctx: Context<Params<"products.list"> & { page: number; pageSize: number }>) {
				const { category, q, audience, openToInvestment, page, pageSize } = ctx.params;
				const query: Record<string, unknown> = {};
				if (category) query.category = category;
				// Products stored before these fields existed count as what the collector now assumes.
				if (audience)
					query.audience = audience === "general" ? { $nin: ["qualified", "professional"] } : audience;
				if (openToInvestment !== undefined)
					query.openToInvestment = openToInvestment ? { $ne: false } : false;
				if (q) query.name = { $regex: new RegExp(escapeRegExp(q), "i") };
				const [rows, total] = await Promise.all([
					this.adapter.find({ query, sort: ["name"], offset: (page - 1) * pageSize, limit: pageSize }),
					this.adapter.count({ query }),
				]);
				return pageOf(
					rows.map((row: object) => this.view(row)),
					total,
					page,
					pageSize,
				);
			},
		},

		get: {
			rest: "GET /:id",
			openapi: { response: answers("products.get", catalogueProductRule) },
			params: { id: "string|min:1|max:200" },
			async handler(ctx: Context<Params<"products.get">>): Promise<Product> {
				const doc = await this.adapter.findById(ctx.params.id);
				if (!doc)
					throw new Errors.MoleculerClientError(`No product with id "${ctx.params.id}".`, 404, "NOT_FOUND");
				return this.view(doc);
			},
		},

		/**
		 * Internal: products of a publication in the making, in chunks of up to 1,000 (a NATS
		 * message holds about 1 MB). Every product is validated; one invalid product refuses
		 * the chunk with the reasons, and nothing of it is staged.
		 */
		stage: {
			visibility: "public",
			params: {
				publicationId: "string|min:1|max:100",
				products: { type: "array", items: "object", max: 1_000 },
			},
			async handler(ctx: Context<Params<"products.stage">>): Promise<{ staged: number }> {
				const valid = validateAll(ctx.params.products);
				await call(ctx, "staging.add", { publicationId: ctx.params.publicationId, products: valid });
				return { staged: valid.length };
			},
		},

		/**
		 * Internal: completes publication `id` from its staged products (plus any given inline):
		 * products first, then the publication that points at them, then the event, so whoever
		 * hears of a publication can load all of it. Safe to retry: the same id is stored once.
		 */
		publish: {
			visibility: "public",
			params: {
				id: "string|min:1|max:100|optional",
				sources: { type: "array", items: "string|min:1|max:50", min: 1 },
				products: { type: "array", items: "object", max: 1_000, optional: true },
				publishedAt: "string|optional",
			},
			async handler(ctx: Context<Params<"products.publish">>) {
				const id = ctx.params.id ?? randomUUID();
				if (ctx.params.products)
					await call(ctx, "staging.add", { publicationId: id, products: validateAll(ctx.params.products) });
				const staged = await call(ctx, "staging.take", {
					publicationId: id,
				});
				const existing = staged.length === 0 ? await this.existingPublication(ctx, id) : undefined;
				if (existing) {
					// A retry after the first attempt completed: tell again, consumers are idempotent.
					await this.announce(ctx, existing.id);
					return existing;
				}
				if (staged.length === 0)
					throw new Errors.MoleculerClientError(
						"A publication needs at least one product.",
						422,
						"EMPTY_PUBLICATION",
					);
				const {
					products: consolidated,
					changes,
				}: { products: Product[]; changes: Record<string, FieldChange[]> } = await this.consolidate(
					ctx,
					id,
					staged,
				);
				await this.store(consolidated);

				const publication = await call(ctx, "publications.create", {
					id,
					publishedAt: ctx.params.publishedAt ?? isoNow(clockOf(this.broker)),
					sources: ctx.params.sources,
					productIds: consolidated.map((product) => product.id),
					counts: countByCategory(consolidated),
					audience: await this.audience(ctx),
					changes,
				});
				await this.broker.cacher?.clean("products.facets**");
				await this.announce(ctx, publication.id).catch((err: Error) => {
					// Stored, not announced: the next sweep announces it; soon, not in a full interval.
					this.sweepAnnouncements();
					throw err;
				});
				await call(ctx, "staging.clear", { publicationId: id });
				this.logger.info("Published", { publicationId: publication.id, products: staged.length });
				// As publications.get answers it (a retry's answer too): the changes go to matchers only.
				const { changes: _changes, ...answered } = publication;
				return answered;
			},
		},

		/**
		 * Internal: the values current products hold in each set field of the interests
		 * catalogue (sectors, segments, issuers…), per category, for the SPA's multi-selects.
		 */
		facets: {
			visibility: "public",
			cache: { ttl: 60 },
			async handler(): Promise<Facets> {
				const facets: Facets = {};
				for (const category of categories) {
					const fields = interestFields[category].filter((field) => field.kind === "set");
					const docs: Record<string, unknown>[] = await this.adapter.find({ query: { category } });
					facets[category] = Object.fromEntries(
						fields.map((field) => {
							const values = new Set<string>();
							for (const doc of docs) {
								const value = valueAt(doc, field.path);
								if (typeof value === "string" && value !== "") values.add(value);
							}
							return [field.name, [...values].sort((a, b) => a.localeCompare(b, "pt-BR")).slice(0, 500)];
						}),
					);
				}
				return facets;
			},
		},

		/** Internal: many products by id, in the order asked, missing ones left out. */
		getMany: {
			visibility: "public",
			params: { ids: { type: "array", items: "string", max: 50_000 } },
			async handler(ctx: Context<{ ids: string[] }>): Promise<Product[]> {
				const docs = await this.adapter.findByIds(ctx.params.ids);
				const byId = new Map(docs.map((doc: Record<string, unknown>) => [doc._id, this.view(doc)]));
				return ctx.params.ids.flatMap((id) => (byId.has(id) ? [byId.get(id) as Product] : []));
			},
		},
	},
});
