/**
 * Change-aware matching (docs/changes.md): who hears of a product again when it changed.
 * A product new to the catalogue reaches everyone it fits. A changed one reaches a client
 * only when it newly fits them (it did not fit the version published before) or when a
 * field they constrain moved; the others heard of it already and are not told again. A
 * client it fitted before and fits no longer gets a notice instead (notifications decides
 * whether they were told about it recently enough to be told that). Pure: the caller gives
 * the matches of both versions, from the index or the reference.
 */
import { type FieldChange, type Notice, previousVersion } from "../../domain/changes.ts";
import { interestFields } from "../../domain/interests.ts";
import type { MatchReason } from "../../domain/notification.ts";
import type { Category, Product } from "../../domain/product.ts";
import { venueFields } from "../../domain/venues.ts";
import type { MatchResult } from "./reference.ts";

export interface ChangeAwareResult extends MatchResult {
	/** What changed since the version published before (absent for a product new to the catalogue). */
	changes?: FieldChange[];
	/** Absent for a tip. */
	notice?: Notice;
}

const paths = Object.fromEntries(
	Object.entries(interestFields).map(([category, fields]) => [
		category,
		new Map(fields.map((field) => [field.name, field.path])),
	]),
) as Record<Category, Map<string, string>>;

/**
 * The product paths a client constrains, read from their reasons: a match has one reason
 * per satisfied predicate, so every constrained field of theirs is there.
 */
export function constrainedPaths(category: Category, reasons: readonly MatchReason[]): Set<string> {
	const byName = paths[category];
	return new Set(reasons.map((reason) => byName?.get(reason.field) ?? reason.field));
}

/**
 * The product path a change is about: a venue's field is that field at one venue
 * (`venues.xp-funds.adminFee` → `adminFee`); a venue that came or went is about all of them.
 */
function pathsOf(field: string): readonly string[] {
	const venue = /^venues\.[^.]+(?:\.(.+))?$/.exec(field);
	if (!venue) return [field];
	return venue[1] ? [venue[1]] : venueFields;
}

/**
 * Whether a change touches one of those paths: the path itself, a leaf under it, or an
 * object holding it (a rate that appeared whole touches `rate.spread`).
 */
export function touches(changes: readonly FieldChange[], constrained: Set<string>): boolean {
	return changes.some((change) =>
		pathsOf(change.field).some((field) => {
			if (constrained.has(field)) return true;
			for (const path of constrained)
				if (field.startsWith(`${path}.`) || path.startsWith(`${field}.`)) return true;
			return false;
		}),
	);
}

/** Why the product stopped reaching a client who had it: it closed to new money, or it changed. */
export function noticeFor(product: Product): Notice {
	return product.openToInvestment === false ? "no-longer-available" : "no-longer-fits";
}

/**
 * The results for one product of a publication. `changes` undefined: the product is new to
 * the catalogue, everyone it fits is told. Otherwise `match` is run on the version before
 * too, and each client is decided by `decide`.
 */
export function changeAware(
	product: Product,
	changes: readonly FieldChange[] | undefined,
	match: (product: Product) => MatchResult[],
): ChangeAwareResult[] {
	const now = match(product);
	if (changes === undefined) return now;
	const before = new Map(match(previousVersion(product, changes)).map((r) => [r.subscriberId, r.reasons]));
	const out: ChangeAwareResult[] = [];
	for (const result of now) {
		const decided = decide(product, changes, result.reasons, before.get(result.subscriberId));
		// The result as found (its venue and index slot with it), decided's reasons and changes over it.
		if (decided) out.push({ ...result, ...decided });
		before.delete(result.subscriberId);
	}
	for (const [subscriberId, reasons] of before) {
		const decided = decide(product, changes, undefined, reasons);
		if (decided) out.push({ subscriberId, ...decided });
	}
	return out;
}

/**
 * One client: `now` the reasons the new version fits them (undefined: it does not), `before`
 * the same for the version before. A tip, a notice, or nothing.
 */
export function decide(
	product: Product,
	changes: readonly FieldChange[],
	now: MatchReason[] | undefined,
	before: MatchReason[] | undefined,
): Omit<ChangeAwareResult, "subscriberId"> | undefined {
	if (now && !before) return { reasons: now, changes: [...changes] };
	if (now && before)
		return touches(changes, constrainedPaths(product.category, now))
			? { reasons: now, changes: [...changes] }
			: undefined;
	if (before) return { reasons: [], changes: [...changes], notice: noticeFor(product) };
	return undefined;
}
