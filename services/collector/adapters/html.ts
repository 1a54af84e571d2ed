/**
 * Pages described declaratively in the sources file: an item selector, and per field a
 * selector (text or an attribute) and a parser. An operator adds or repairs a page without
 * code (docs/sources.md).
 */
import * as cheerio from "cheerio";
import type { Category } from "../../../domain/product.ts";
import { readFields } from "../fields.ts";
import { cleanText } from "../formats.ts";
import { addProduct, emptyParsed, keyId, type Parsed } from "../normalize.ts";
import type { Source } from "../sources.ts";

export function parseHtml(text: string, source: Source, collectedAt: string): Parsed {
	const parsed = emptyParsed();
	const $ = cheerio.load(text);
	// Nothing inside a script or style is ever an item's text.
	$("script, style, noscript, template").remove();
	const items = $(source.items as string);
	parsed.fetched = items.length;
	const category = source.category as Category;
	const fields = source.fields ?? {};
	items.each((index, element) => {
		const item = $(element);
		const raw: Record<string, unknown> = { ...source.defaults };
		const rules: Record<string, NonNullable<(typeof fields)[string]["parse"]>> = {};
		for (const [field, rule] of Object.entries(fields)) {
			const target = rule.selector ? item.find(rule.selector).first() : item;
			if (target.length === 0) continue;
			raw[field] = rule.attr ? target.attr(rule.attr) : target.text();
			if (rule.parse) rules[field] = rule.parse;
		}
		const { nativeId: rawId, ...rest } = raw;
		const { values, unparsed } = readFields(rest, category, rules);
		const nativeId = rawId
			? cleanText(rawId, 100)
			: source.key
				? keyId(source.key.map((field) => values[field] ?? ""))
				: keyId([values.name, values.issuer, values.maturityDate]);
		const missing = (source.key ?? []).filter((field) => values[field] === undefined);
		const label = `item ${index + 1}${values.name ? ` ("${String(values.name).slice(0, 40)}")` : ""}`;
		if (missing.length > 0) {
			const unreadable = unparsed
				.filter((u) => missing.includes(u.field))
				.map((u) => ` (unreadable "${u.value}")`);
			parsed.skipped.push(`${label}: key field ${missing.join(", ")} missing${unreadable.join("")}`);
			return;
		}
		addProduct(parsed, source, { label, category, nativeId, values, unparsed, collectedAt });
	});
	return parsed;
}
