/**
 * The products folder: the catalogue (products), each source's listings, the staging of a
 * publication in the making, and the publications; a publication announced and queued.
 */

import type { FieldChange } from "../changes.ts";
import type { Audience, Category, Product } from "../product.ts";
import type { Publication } from "../publication.ts";
import type { Page } from "./page.ts";

export interface ProductsActions {
	"products.list": {
		params: {
			category?: Category;
			q?: string;
			/** Only products for this audience; only those open (or closed) to new investment. */
			audience?: Audience;
			openToInvestment?: boolean;
			page?: number;
			pageSize?: number;
		};
		result: Page<Product>;
	};
	"products.get": { params: { id: string }; result: Product };
	"products.facets": {
		params: Record<string, never>;
		result: Partial<Record<Category, Record<string, string[]>>>;
	};
	"products.getMany": { params: { ids: string[] }; result: Product[] };
	/** The products identified by these instrument keys (domain/venues.ts `instrumentKey`). */
	"products.byInstrument": { params: { keys: string[] }; result: Product[] };
	"products.publish": {
		/**
		 * Completes publication `id` from the products staged for it plus `products` given
		 * inline. `id` makes a retried publish idempotent: the same id is stored once.
		 */
		params: { id?: string; sources: string[]; products?: Product[]; publishedAt?: string };
		result: Publication;
	};
	"products.stage": { params: { publicationId: string; products: Product[] }; result: { staged: number } };
	/** A source's listings (domain/venues.ts) by id, in the order asked, missing ones left out. */
	"listings.getMany": { params: { ids: string[] }; result: Product[] };
	/** The product each known listing belongs to, by listing id. */
	"listings.productsOf": { params: { ids: string[] }; result: Record<string, string> };
	/** Every listing of these products. */
	"listings.ofProducts": {
		params: { productIds: string[] };
		result: { productId: string; listing: Product }[];
	};
	/** Ids of a source's listings open to new investment. */
	"listings.openIdsOf": { params: { source: string }; result: string[] };
	"listings.put": { params: { listings: { productId: string; listing: Product }[] }; result: number };
	/** Internal to the products folder: the listings of a publication in the making. */
	"staging.add": { params: { publicationId: string; products: Product[] }; result: number };
	"staging.take": { params: { publicationId: string }; result: Product[] };
	"staging.clear": { params: { publicationId: string }; result: undefined };
	/** The catalogue's products before the publication, by id (null: not there); the first call's answer is kept. */
	"staging.remember": {
		params: { publicationId: string; before: Record<string, Product | null> };
		result: Record<string, Product | null>;
	};
	"publications.create": { params: Publication; result: Publication };
	"publications.changesOf": {
		params: { id: string; productIds: string[] };
		result: Record<string, FieldChange[]>;
	};
	"publications.markAnnounced": { params: { id: string }; result: { updated: number } };
	"publications.unannounced": { params: { before: string; limit?: number }; result: string[] };
	"publications.list": { params: { page?: number; pageSize?: number }; result: Page<Publication> };
	"publications.get": {
		/**
		 * `withProducts: false` for large publications: load products in chunks with getMany.
		 * `withChanges`: with what changed per product (else left out; publications.changesOf).
		 */
		params: { id: string; withProducts?: boolean; withChanges?: boolean };
		result: Publication & { products?: Product[] };
	};
}

export interface ProductsEvents {
	"products.published": { publicationId: string };
}

export interface ProductsQueue {
	/** products → matcher, analytics: a publication is stored and can be loaded. */
	publications: { publicationId: string };
}
