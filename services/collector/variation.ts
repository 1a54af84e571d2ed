/**
 * Demo only (`npm run demo`, sample sources with `vary: true`): every run changes a few
 * sample products so that the live feed visibly moves — one fee or rate moves (news only to
 * clients who constrain it), a new fund offer appears (news to everyone it fits), and every
 * few runs a new fixed-income offer. Deterministic per run number, off with DEMO_VARIATION=0.
 */
import { type FixedIncomeProduct, type FundProduct, type Product, productId } from "../../domain/product.ts";

const round = (value: number, digits = 6) => Number(value.toFixed(digits));

export function vary(products: Product[], run: number): Product[] {
	const copy = products.map((product) => structuredClone(product));
	const funds = copy.filter((p): p is FundProduct => p.category === "fund" && p.adminFee !== undefined);
	const offers = copy.filter(
		(p): p is FixedIncomeProduct => p.category === "fixed_income" && p.rate !== undefined,
	);
	if (funds.length > 0) {
		const fund = funds[run % funds.length] as FundProduct;
		// Up to ±0.15 percentage points, never below zero.
		fund.adminFee = round(Math.max(0, (fund.adminFee ?? 0) + ((run % 7) - 3) * 0.0005));
	}
	if (offers.length > 0) {
		const offer = offers[(run * 5) % offers.length] as FixedIncomeProduct;
		const rate = offer.rate as NonNullable<FixedIncomeProduct["rate"]>;
		if (rate.percentOfIndex !== undefined)
			rate.percentOfIndex = round(rate.percentOfIndex + ((run % 5) + 1) * 0.005);
		else rate.spread = round((rate.spread ?? 0) + ((run % 5) + 1) * 0.0005);
	}
	// A new offer of the most conservative fund: the one a new client (conservative until
	// they answer the questionnaire) may be told of.
	const safest = [...funds].sort((a, b) => (a.riskLevel ?? 5) - (b.riskLevel ?? 5))[0];
	if (safest && run > 0) {
		const nativeId = `demo-fund-${run}`;
		copy.push({
			...structuredClone(safest),
			id: productId(safest.source, safest.category, nativeId),
			nativeId,
			name: `${safest.name} (nova oferta ${run})`.slice(0, 200),
		});
	}
	const template = offers[run % Math.max(1, offers.length)];
	if (template && run % 3 === 0) {
		const nativeId = `demo-${run}`;
		copy.push({
			...structuredClone(template),
			id: productId(template.source, template.category, nativeId),
			nativeId,
			name: `${template.name} (nova oferta ${run})`.slice(0, 200),
		});
	}
	return copy;
}
