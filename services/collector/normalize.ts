/**
 * The last step every adapter shares: raw fields in, a validated Product or a recorded
 * reason out. Nothing that fails the domain schema reaches the catalogue.
 */
import { createHash } from "node:crypto";
import { type Category, type Product, productId } from "../../domain/product.ts";
import { validateProduct } from "../../domain/validate.ts";
import type { Unparsed } from "./fields.ts";
import type { Source } from "./sources.ts";

/** What an adapter makes of one response. */
export interface Parsed {
	/** Items found in the response, whatever became of them. */
	fetched: number;
	products: Product[];
	/** Items left out, each with why. */
	skipped: string[];
	/** Values left empty because they could not be read (`item: field "value"`). */
	unparsed: string[];
}

export function emptyParsed(): Parsed {
	return { fetched: 0, products: [], skipped: [], unparsed: [] };
}

/** A stable native id from the values that identify an item (for pages without ids). */
export function keyId(values: unknown[]): string {
	const text = values.map((value) =>
		typeof value === "string" ? value.toLowerCase() : JSON.stringify(value),
	);
	return createHash("sha256").update(text.join("\u0000")).digest("hex").slice(0, 16);
}

/** Absolute http(s) links only: `javascript:` and friends are dropped. */
export function absoluteUrl(href: unknown, base: string | undefined): string | undefined {
	if (typeof href !== "string" || href.trim() === "") return undefined;
	try {
		const url = base ? new URL(href.trim(), base) : new URL(href.trim());
		return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Adds one item to `parsed`: a product when it validates, otherwise a skip with the reasons.
 * `label` names the item in reports (its native id, or its position).
 */
export function addProduct(
	parsed: Parsed,
	source: Source,
	item: {
		label: string;
		category: Category;
		nativeId: string | undefined;
		values: Record<string, unknown>;
		unparsed: Unparsed[];
		collectedAt: string;
	},
): void {
	const { label, category, nativeId, values } = item;
	for (const { field, value } of item.unparsed) parsed.unparsed.push(`${label}: ${field} "${value}"`);
	if (!nativeId) {
		parsed.skipped.push(`${label}: no id to recognise it by on the next run`);
		return;
	}
	if (!values.name) {
		parsed.skipped.push(`${label}: no name`);
		return;
	}
	const url =
		absoluteUrl(values.url, source.pageUrl) ??
		(source.productUrl
			? absoluteUrl(source.productUrl.replace("{id}", encodeURIComponent(nativeId)), undefined)
			: undefined);
	const candidate = {
		// A source that says nothing of who may buy it, or whether it is open, sells to anyone now.
		audience: "general",
		openToInvestment: true,
		...values,
		url,
		id: productId(source.name, category, nativeId),
		source: source.name,
		category,
		nativeId,
		collectedAt: item.collectedAt,
	};
	if (url === undefined) delete candidate.url;
	const result = validateProduct(candidate);
	if (result.ok) parsed.products.push(result.value);
	else parsed.skipped.push(`${label}: ${result.errors.join("; ")}`);
}
