/** What the JSON adapters share: reading the body safely and the redemption arithmetic. */
import { parseTermDays } from "../formats.ts";
import type { Parsed } from "../normalize.ts";
import { parseJson, SourceFormatError, shapeOf } from "../reader.ts";

export type RawItem = Record<string, unknown>;

/**
 * The item objects of a JSON body. A body that is not JSON, or not of the expected shape,
 * throws: the whole source failed, and the run says so.
 */
export function jsonItems(
	text: string,
	parsed: Parsed,
	pick: (json: unknown) => unknown[] | undefined,
	expected: string,
): RawItem[] {
	const json = parseJson(text);
	const items = pick(json);
	if (!items) throw new SourceFormatError(`expected ${expected}, got ${shapeOf(json)}`);
	return itemObjects(items, parsed);
}

export const isObject = (value: unknown): value is RawItem =>
	value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * The objects among a response's items, all of them counted as fetched; any other value
 * is skipped by its position (`where` names the response when a source has several pages).
 */
export function itemObjects(items: unknown[], parsed: Parsed, where = ""): RawItem[] {
	parsed.fetched += items.length;
	return items.flatMap((item, index) => {
		if (isObject(item)) return [item];
		parsed.skipped.push(`${where}item ${index}: not an object`);
		return [];
	});
}

/** Adds one response's outcome to the whole run's (paged sources). */
export function mergeParsed(into: Parsed, from: Parsed): void {
	into.fetched += from.fetched;
	into.products.push(...from.products);
	into.skipped.push(...from.skipped);
	into.unparsed.push(...from.unparsed);
}

/**
 * Days from a redemption request to cash: quotation days plus settlement days
 * (D+30 quota and D+2 settlement = 32). Either may be "D+N" or a number.
 */
export function redemptionDays(quota: unknown, settlement: unknown): { value?: number; raw?: string } {
	if (quota === undefined || quota === null || quota === "") return {};
	const q = parseTermDays(quota);
	const s =
		settlement === undefined || settlement === null || settlement === "" ? 0 : parseTermDays(settlement);
	if (q === undefined || s === undefined)
		return { raw: `${String(quota)} / ${String(settlement)}`.slice(0, 60) };
	return { value: q + s };
}
