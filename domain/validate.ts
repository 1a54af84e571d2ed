/**
 * Validation outside actions (crawled items, stored documents), with the same
 * fastest-validator and options Moleculer uses at the edge, so both reject the same input.
 */
import FastestValidator from "fastest-validator";
import { type Notification, notificationSchema } from "./notification.ts";
import { type Product, productId, productSchema, tickerCategories } from "./product.ts";
import { type Publication, publicationSchema } from "./publication.ts";

/**
 * fastest-validator's class. The package is CommonJS (`module.exports = Validator`) typed as
 * an ES module's default export: Node's default import is the class itself, which the
 * typings call `.default`. Either way, the class; every validator of the house is made from it.
 */
export const Validator = "default" in FastestValidator ? FastestValidator.default : FastestValidator;
const validator = new Validator({ useNewCustomCheckerFunction: true });

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };

function compile<T>(schema: object, extra?: (value: T) => string[]): (input: unknown) => Validation<T> {
	const check = validator.compile({ $$root: true, ...schema });
	return (input) => {
		// fastest-validator sanitizes in place (trim, strict: "remove"): work on a copy.
		const value = structuredClone(input) as T;
		const result = check(value);
		if (result !== true)
			return { ok: false, errors: (result as { message?: string }[]).map((e) => e.message ?? "invalid") };
		const errors = extra?.(value) ?? [];
		return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
	};
}

export const validateProduct = compile<Product>(productSchema, (product) => [
	...(tickerCategories.includes(product.category) && !("ticker" in product && product.ticker)
		? [`A ${product.category} product needs a ticker.`]
		: []),
	// Analytics reads a product's source and category off its id.
	...(product.id !== productId(product.source, product.category, product.nativeId)
		? [
				`The id must be "${productId(product.source, product.category, product.nativeId)}" (source:category:nativeId).`,
			]
		: []),
]);
export const validatePublication = compile<Publication>(publicationSchema);
export const validateNotification = compile<Notification>(notificationSchema);
