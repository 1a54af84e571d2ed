/**
 * Who a product may reach at all, before anyone's interests are read (CVM Resolution 30;
 * docs/matching.md): a product closed to new investment reaches nobody; one for qualified or
 * professional investors only clients of that category or above; and a product above
 * conservative risk only clients whose assessed profile still holds. The reference
 * (reference.ts) and the index (index.ts) both decide through these functions, so they
 * cannot disagree on an edge (an unknown audience, an unreadable expiry, the instant itself).
 */
import { type Audience, audiences, type Product } from "../../domain/product.ts";
import { type RiskProfile, riskProfiles } from "../../domain/subscriber.ts";

/** What the gates read of a client. */
export interface Standing {
	riskProfile: RiskProfile;
	/** When the assessment behind riskProfile lapses (ISO); absent: there is none. */
	profileExpiresAt?: string;
	/** Absent: general. */
	investorCategory?: Audience;
}

/** Closed to new money (openToInvestment false): no one is told about it. */
export function isOpen(product: Pick<Product, "openToInvestment">): boolean {
	return product.openToInvestment !== false;
}

/**
 * The investor category a product requires, as a rank: general 0 (also when absent),
 * qualified 1, professional 2. An audience we do not know reaches nobody: when in doubt,
 * the stricter reading.
 */
export function requiredRank(product: Pick<Product, "audience">): number {
	if (product.audience === undefined) return 0;
	const rank = audiences.indexOf(product.audience);
	return rank < 0 ? Number.POSITIVE_INFINITY : rank;
}

/** A client's investor category as a rank; absent or unknown counts as general. */
export function investorRank(standing: Pick<Standing, "investorCategory">): number {
	return Math.max(0, audiences.indexOf(standing.investorCategory as Audience));
}

/** Whether the product's audience admits the client. */
export function admits(
	product: Pick<Product, "audience">,
	standing: Pick<Standing, "investorCategory">,
): boolean {
	return requiredRank(product) <= investorRank(standing);
}

/** When the client's assessed profile lapses, in ms; NaN when there is no (readable) assessment. */
export function profileExpiry(standing: Pick<Standing, "profileExpiresAt">): number {
	const at = standing.profileExpiresAt;
	return typeof at === "string" ? Date.parse(at) : Number.NaN;
}

/**
 * The profile the client chose, while their assessment holds: conservative without an
 * assessment (or with a profile we do not know), whatever riskProfile says.
 */
export function chosenProfile(
	standing: Pick<Standing, "riskProfile" | "profileExpiresAt">,
	expiry = profileExpiry(standing),
): RiskProfile {
	return riskProfiles.includes(standing.riskProfile) && !Number.isNaN(expiry)
		? standing.riskProfile
		: "conservative";
}

/** The profile in force at `now`: the chosen one until its expiry (exclusive), then conservative. */
export function profileAt(
	standing: Pick<Standing, "riskProfile" | "profileExpiresAt">,
	now: number,
): RiskProfile {
	return profileExpiry(standing) > now ? chosenProfile(standing) : "conservative";
}
