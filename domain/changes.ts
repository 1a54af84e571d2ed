/**
 * What changed in a product between two publications, field by field, and what a change
 * means to one client (docs/changes.md). A changed product carries its changes on its
 * publication: every leaf that differs from the version published before it, so the
 * matcher can rebuild that version (`previousVersion`) and tell, client by client, whether
 * the product newly fits them or moved on a field they constrain. Ground floor: no imports
 * from services.
 */
import { interestFields } from "./interests.ts";
import { patched } from "./patch.ts";
import type { Product } from "./product.ts";
import { summarize, summaryFields, venueFields } from "./venues.ts";

const isVenueField = (field: string) => (venueFields as readonly string[]).includes(field);

export type ChangeValue = string | number | boolean | null | ChangeValue[] | { [key: string]: ChangeValue };

/** One leaf of a product that changed: `adminFee` 0.005 → 0.004. Absent before or after: undefined. */
export interface FieldChange {
	/** The product's path: "adminFee", "metrics.dividendYield", "rate.spread". */
	field: string;
	before?: ChangeValue;
	after?: ChangeValue;
}

/** One field's change; its values are whatever the product held there (domain/changes.ts). */
export const fieldChangeRule = {
	type: "object",
	props: { field: "string|min:1|max:200", before: "any|optional", after: "any|optional" },
} as const;

/** A notice rather than a tip: a product the client was told about went away from them. */
export const notices = ["no-longer-available", "no-longer-fits"] as const;
export type Notice = (typeof notices)[number];

/** How long after a tip the client still gets the one "no longer…" notice. */
export const noticeWindowDays = 30;

/** Bookkeeping, not the product: when it (or a venue) was read says nothing about the product. */
const ignored = new Set(["collectedAt"]);

/**
 * Market metrics are recomputed every run (base date, window, points): only the ones a
 * client can constrain are kept, so a publication's changes stay small.
 */
const keptMetrics = new Set(
	Object.values(interestFields)
		.flat()
		.map((field) => field.path)
		.filter((path) => path.startsWith("metrics.")),
);

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Equal values; numbers within a relative 1e-9 (a value re-parsed is the same value). */
export function sameValue(a: unknown, b: unknown): boolean {
	if (typeof a === "number" && typeof b === "number")
		return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
	if (Array.isArray(a) && Array.isArray(b))
		return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
	if (isPlainObject(a) && isPlainObject(b)) {
		const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
		return [...keys].every((key) => sameValue(a[key], b[key]));
	}
	return a === b;
}

/** A product at one venue, or one without venues (stored before they existed, or a listing). */
function isOneVenue(product: Record<string, unknown>): boolean {
	const venues = product.venues;
	return venues === undefined || (isPlainObject(venues) && Object.keys(venues).length === 1);
}

function walk(before: unknown, after: unknown, path: string, out: FieldChange[]): void {
	if (isPlainObject(before) && isPlainObject(after)) {
		const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
		// Sold at several venues (before or now): its copies of the venue fields only sum the
		// venues up, and a change is told where it happened (`venues.xp-funds.adminFee`). At
		// one and the same venue, as a product without venues: `adminFee`.
		const atOneVenue = !path && isOneVenue(before) && isOneVenue(after);
		const summarized = !path && !atOneVenue && before.venues !== undefined && after.venues !== undefined;
		for (const key of keys) {
			const field = path ? `${path}.${key}` : key;
			if (ignored.has(key)) continue;
			if (summarized && summaryFields.has(key)) continue;
			if (atOneVenue && key === "venues") continue;
			if (path === "metrics" && !keptMetrics.has(field)) continue;
			walk(before[key], after[key], field, out);
		}
		return;
	}
	if (sameValue(before, after)) return;
	out.push({
		field: path,
		...(before === undefined ? {} : { before: before as ChangeValue }),
		...(after === undefined ? {} : { after: after as ChangeValue }),
	});
}

/**
 * Every leaf that differs between the product as last published and as published now,
 * in path order; `[]` when nothing but bookkeeping moved. Objects are walked (metrics,
 * rate), arrays and scalars compared whole; of the metrics, only those in the interests
 * catalogue.
 */
export function diffProducts(previous: Product, next: Product): FieldChange[] {
	const out: FieldChange[] = [];
	walk(previous, next, "", out);
	return out;
}

/** The product as it was before `changes` (the inverse of diffProducts on `next`). */
export function previousVersion(next: Product, changes: readonly FieldChange[]): Product {
	// The product's top-level fields as a record (each a clone), edited, then put back.
	const fields: Record<string, unknown> = Object.fromEntries(Object.entries(structuredClone(next)));
	for (const change of changes) {
		const keys = change.field.split(".");
		let target = fields;
		for (const key of keys.slice(0, -1)) {
			const inner = target[key];
			target = isPlainObject(inner) ? inner : {};
			if (!isPlainObject(inner)) fields[key] = target;
		}
		const last = keys.at(-1) as string;
		if (change.before === undefined) delete target[last];
		else target[last] = structuredClone(change.before);
		// At one venue a venue field's change is told on the product (diffProducts): the venue had it too.
		const [only, ...others] = isPlainObject(fields.venues) ? Object.values(fields.venues) : [];
		if (keys.length === 1 && isPlainObject(only) && others.length === 0 && isVenueField(last))
			if (change.before === undefined) delete only[last];
			else only[last] = structuredClone(change.before);
	}
	// Fields the changes removed are undefined in the patch, which removes them.
	const removed = Object.fromEntries(
		Object.keys(next)
			.filter((key) => !(key in fields))
			.map((key) => [key, undefined]),
	);
	return summarize(patched(next, { ...removed, ...fields }));
}
