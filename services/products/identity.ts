/**
 * Which product each listing of a publication belongs to (docs/venues.md). Pure: the
 * products service gives what the catalogue knows. In order:
 * 1. a listing stored before stays with its product (a product never loses its id);
 * 2. a product whose id is the listing's own (the listing brought it, or it predates venues);
 * 3. a product with the same instrument key (domain/venues.ts) that no listing of the same
 *    source is part of yet: the listing becomes one of its venues;
 * 4. otherwise a new product with the listing's id, which later listings of the same
 *    instrument, in this publication too, join.
 * A source listing one instrument twice keeps two products: a product has one venue per source.
 */
import type { Product } from "../../domain/product.ts";
import { instrumentKey } from "../../domain/venues.ts";

export interface Catalogue {
	/** The product of each listing stored before, by listing id. */
	productOf: Record<string, string>;
	/** Products whose id is one of the listings' ids. */
	own: ReadonlySet<string>;
	/** Products with the listings' instrument keys. */
	keyed: readonly Product[];
}

const sourcesOf = (product: Product) => Object.keys(product.venues ?? { [product.source]: true });

/** The product id of every listing, by listing id. */
export function assignProducts(listings: readonly Product[], catalogue: Catalogue): Map<string, string> {
	const sources = new Map<string, Set<string>>();
	const byKey = new Map<string, string[]>();
	for (const product of [...catalogue.keyed].sort((a, b) => a.id.localeCompare(b.id))) {
		sources.set(product.id, new Set(sourcesOf(product)));
		if (product.instrumentKey)
			byKey.set(product.instrumentKey, [...(byKey.get(product.instrumentKey) ?? []), product.id]);
	}
	const assigned = new Map<string, string>();
	const ordered = [...listings].sort((a, b) => a.id.localeCompare(b.id));
	for (const listing of ordered) {
		let productId =
			catalogue.productOf[listing.id] ?? (catalogue.own.has(listing.id) ? listing.id : undefined);
		const key = instrumentKey(listing);
		if (!productId && key)
			productId = byKey.get(key)?.find((candidate) => !sources.get(candidate)?.has(listing.source));
		if (!productId) {
			productId = listing.id;
			if (key) byKey.set(key, [...(byKey.get(key) ?? []), productId]);
		}
		sources.set(productId, (sources.get(productId) ?? new Set()).add(listing.source));
		assigned.set(listing.id, productId);
	}
	return assigned;
}
