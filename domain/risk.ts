/**
 * A product's risk and whom it suits (CVM Resolution 30): the level a product states, or
 * its asset class's, against the maximum a suitability profile allows.
 */
import type { Category, Product } from "./product.ts";
import { maxRiskLevel, type RiskProfile } from "./subscriber.ts";

/**
 * Risk of a product that states none, by asset class (docs/interests.md): equities and COE
 * are for aggressive profiles, FIIs and funds for moderate ones, pension and fixed income
 * for conservative ones. Suitability needs a level; this is the house's rule, not a guess
 * about the product.
 */
export const defaultRiskLevel: Record<Category, number> = {
	stock: 4,
	reit: 3,
	fund: 3,
	coe: 4,
	pension: 2,
	fixed_income: 2,
};

export function effectiveRisk(product: Pick<Product, "category" | "riskLevel">): number {
	return product.riskLevel ?? defaultRiskLevel[product.category];
}

/** Suitability: never a product above the profile's maximum risk. */
export function suits(product: Pick<Product, "category" | "riskLevel">, profile: RiskProfile): boolean {
	return effectiveRisk(product) <= maxRiskLevel[profile];
}
