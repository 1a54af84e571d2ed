/**
 * One product across brokers (docs/venues.md). A source's listing is what one source says of
 * one instrument; the catalogue's product is the instrument, identified by what the market
 * identifies it by, with one venue per source that offers it (its minimum, fees, link, who
 * may buy it there, whether it is open there). The product's own copies of those fields sum
 * its venues up (the lowest minimum and fees among the open venues, open if any is, the
 * widest audience among them) so lists and cards read as before; matching reads each venue
 * (`atVenue`) and keeps, per client, the best one that fits. Ground floor: no imports from
 * services.
 */
import { patched } from "./patch.ts";
import { audiences, type Product, type Venue } from "./product.ts";

/** Fields a venue has of its own; the product's copies of them are a summary of its venues. */
export const venueFields = [
	"url",
	"minimumInvestment",
	"adminFee",
	"performanceFee",
	"audience",
	"openToInvestment",
	"withdrawnAt",
] as const satisfies readonly (keyof Venue)[];
type VenueField = (typeof venueFields)[number];

/** The summary's fields, recomputed from the venues: never a change of their own. */
export const summaryFields: ReadonlySet<string> = new Set<string>([
	...venueFields,
	"collectedAt",
	"sourceLabel",
]);

/** How clients see a venue: the sources file's label, else the source's name. */
export const venueLabel = (venue: Pick<Venue, "source" | "label">) => venue.label ?? venue.source;

const folded = (text: string) =>
	text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();

/**
 * What the market identifies a listing's instrument by, or undefined when it carries nothing
 * that identifies it (a COE or CDB without ISIN): then it is a product of its own.
 * - fund: the class's CNPJ when the CVM registry told it, else the CNPJ listed (fund or class);
 * - pension: the plan's SUSEP process with the fund's CNPJ (a plan × fund pair);
 * - stock, FII: the B3 ticker;
 * - fixed income and COE: the ISIN; Tesouro Direto titles: the title and its maturity.
 */
export function instrumentKey(listing: Product): string | undefined {
	switch (listing.category) {
		case "stock":
		case "reit":
			return listing.ticker ? `${listing.category}:ticker:${listing.ticker}` : undefined;
		case "fund": {
			const cnpj = listing.classCnpj ?? listing.cnpj;
			return cnpj ? `fund:cnpj:${cnpj}` : undefined;
		}
		case "pension": {
			const process = listing.susepProcess?.replace(/\D/g, "");
			return process && listing.cnpj ? `pension:susep:${process}:cnpj:${listing.cnpj}` : undefined;
		}
		case "coe":
			return listing.isin ? `coe:isin:${listing.isin}` : undefined;
		case "fixed_income": {
			if (listing.isin) return `fixed_income:isin:${listing.isin}`;
			const title = listing.instrument ? folded(listing.instrument) : "";
			return title.startsWith("tesouro ") && title !== "tesouro direto" && listing.maturityDate
				? `fixed_income:tesouro:${title}:${listing.maturityDate}`
				: undefined;
		}
	}
}

/** The venue a listing describes. */
export function venueOf(listing: Product): Venue {
	const fees =
		listing.category === "fund" || listing.category === "pension"
			? { adminFee: listing.adminFee, performanceFee: listing.performanceFee }
			: {};
	return patched<Venue>(
		{ source: listing.source, listingId: listing.id, name: listing.name, collectedAt: listing.collectedAt },
		{
			label: listing.sourceLabel,
			url: listing.url,
			minimumInvestment: listing.minimumInvestment,
			audience: listing.audience,
			openToInvestment: listing.openToInvestment,
			withdrawnAt: listing.withdrawnAt,
			...fees,
		},
	);
}

const isOpen = (venue: Venue) => venue.openToInvestment !== false && venue.withdrawnAt === undefined;

function lowest(values: (number | undefined)[]): number | undefined {
	const known = values.filter((value): value is number => value !== undefined);
	return known.length > 0 ? Math.min(...known) : undefined;
}

/** The product's copies of its venues' fields: what lists, cards and filters read. */
export function summarize(product: Product): Product {
	const venues = Object.values(product.venues ?? {});
	if (venues.length === 0) return product;
	const open = venues.filter(isOpen);
	const pool = open.length > 0 ? open : venues;
	const primary = venues.find((venue) => venue.listingId === product.id) ?? venues[0];
	const summary: Record<VenueField | "collectedAt", unknown> = {
		url: primary?.url ?? pool.find((venue) => venue.url)?.url,
		minimumInvestment: lowest(pool.map((venue) => venue.minimumInvestment)),
		adminFee: lowest(pool.map((venue) => venue.adminFee)),
		performanceFee: lowest(pool.map((venue) => venue.performanceFee)),
		// The widest audience among the open venues: someone may buy it somewhere.
		audience: audiences.find((audience) => pool.some((venue) => (venue.audience ?? "general") === audience)),
		openToInvestment: open.length > 0,
		withdrawnAt:
			open.length > 0 ? undefined : venues.map((venue) => venue.withdrawnAt).sort()[venues.length - 1],
		collectedAt: venues.map((venue) => venue.collectedAt).sort()[venues.length - 1],
	};
	return patched(product, summary);
}

/**
 * The product from its listings, one per source: its id is `id` (the listing that first
 * brought it, so notifications and links keep pointing at it), its description the primary
 * listing's with blanks filled from the others (by listing id), a venue per listing.
 */
export function consolidate(id: string, listings: readonly Product[]): Product {
	const ordered = [...listings].sort((a, b) => a.id.localeCompare(b.id));
	const primary = ordered.find((listing) => listing.id === id) ?? ordered[0];
	if (!primary) throw new Error(`No listing for product ${id}`);
	const blanks: Record<string, unknown> = {};
	for (const listing of ordered)
		for (const [field, value] of Object.entries(listing))
			if (
				Reflect.get(primary, field) === undefined &&
				blanks[field] === undefined &&
				!summaryFields.has(field)
			)
				blanks[field] = value;
	return summarize(
		patched(primary, {
			...blanks,
			id,
			venues: Object.fromEntries(ordered.map((listing) => [listing.source, venueOf(listing)])),
			instrumentKey: instrumentKey(primary),
		}),
	);
}

/** A product as the catalogue holds it now, from one stored before venues existed (its own single listing). */
export function withVenues(product: Product): Product {
	return product.venues ? product : consolidate(product.id, [product]);
}

/** The product as offered at one of its venues: its fields, that venue's conditions. */
export function atVenue(product: Product, source: string): Product {
	const venue = product.venues?.[source];
	if (!venue) return product;
	return patched(product, {
		source,
		...Object.fromEntries(venueFields.map((field) => [field, venue[field]])),
	});
}

const ascending = (a: number | undefined, b: number | undefined) =>
	a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : a - b;

/**
 * The venues best first, for a client: open before closed, then the lowest admin fee, the
 * lowest minimum, the lowest performance fee, then by source name so the order is stable.
 */
export function rankedVenues(product: Product): Venue[] {
	return Object.values(product.venues ?? {}).sort(
		(a, b) =>
			Number(isOpen(b)) - Number(isOpen(a)) ||
			ascending(a.adminFee, b.adminFee) ||
			ascending(a.minimumInvestment, b.minimumInvestment) ||
			ascending(a.performanceFee, b.performanceFee) ||
			a.source.localeCompare(b.source),
	);
}

/**
 * Matches of a product over its venues: each client once, at the best venue that fits them
 * (`rankedVenues`). A product with one venue (or none) is matched as it is. `match` makes the
 * results it gives: each kept one is given its venue in place, not copied (a publication
 * brings a hundred thousand of them).
 */
export function matchAtVenues<R extends { subscriberId: string; venue?: string }>(
	product: Product,
	match: (version: Product) => R[],
): R[] {
	const ranked = rankedVenues(product);
	if (ranked.length <= 1) {
		const only = ranked[0]?.source;
		const results = match(product);
		if (only) for (const result of results) result.venue = only;
		return results;
	}
	const best = new Map<string, R>();
	for (const venue of ranked)
		for (const result of match(atVenue(product, venue.source)))
			if (!best.has(result.subscriberId)) {
				result.venue = venue.source;
				best.set(result.subscriberId, result);
			}
	return [...best.values()];
}

/** One client against a product's venues: the first that fits, best first, with its source. */
export function firstVenueFitting<T>(
	product: Product,
	fits: (version: Product) => T | undefined,
): { result: T; venue?: string } | undefined {
	const ranked = rankedVenues(product);
	if (ranked.length <= 1) {
		const result = fits(product);
		return result === undefined ? undefined : { result, ...(ranked[0] ? { venue: ranked[0].source } : {}) };
	}
	for (const venue of ranked) {
		const result = fits(atVenue(product, venue.source));
		if (result !== undefined) return { result, venue: venue.source };
	}
	return undefined;
}
