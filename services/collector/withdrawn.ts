/**
 * A product its source stopped listing (docs/changes.md): when a source was read whole this
 * run, every product of that source the catalogue still holds open but the run did not see
 * is republished closed (`openToInvestment: false`) with `withdrawnAt`, so the clients told
 * about it hear once that it is no longer available. A source that failed, was skipped, or
 * came back with much less than the catalogue holds (a partial read looks the same as a
 * mass withdrawal) withdraws nothing; the run summary says so. A product seen again later
 * is published open as its source lists it: it newly fits again.
 */
import type { Product } from "../../domain/product.ts";

/** Below this share of what the catalogue holds open, a read counts as partial: nothing is withdrawn. */
export const minimumShareSeen = 0.5;

export interface WithdrawalCheck {
	/** Products of the source the catalogue holds open. */
	known: Product[];
	/** Ids the run read from the source. */
	seen: ReadonlySet<string>;
	/** When the run started (ISO). */
	at: string;
}

export type Withdrawal = { products: Product[] } | { partial: string };

export function withdrawn({ known, seen, at }: WithdrawalCheck): Withdrawal {
	const missing = known.filter((product) => !seen.has(product.id) && product.openToInvestment !== false);
	if (missing.length === 0) return { products: [] };
	const stillListed = known.length - missing.length;
	if (known.length > 2 && stillListed < known.length * minimumShareSeen)
		return {
			partial: `${missing.length} of ${known.length} products not listed this time: taken as a partial read, none withdrawn`,
		};
	return {
		products: missing.map((product) => ({
			...product,
			openToInvestment: false,
			withdrawnAt: at,
			collectedAt: at,
		})),
	};
}
