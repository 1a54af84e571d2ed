/**
 * The audit of a notification (CVM Resolution 30: show that what was sent fit the client):
 * which version of the product met which standing of the client, recorded by the matcher at
 * the match's instant and stored with the notification (docs/audit.md). A version is a
 * SHA-256 of canonical JSON, so anyone holding the product or the interests as they were
 * can recompute it with any tool. Ground floor: no imports from services.
 */
import { createHash } from "node:crypto";
import stableStringify from "safe-stable-stringify";
import type { Audience } from "./product.ts";
import type { RiskProfile } from "./subscriber.ts";

export interface MatchAudit {
	/** When the match was made (ISO): the instant the profile in force was read at. */
	matchedAt: string;
	/** productVersion() of the product as matched. */
	productVersion: string;
	/** The profile that decided: the chosen one while the questionnaire held, else conservative. */
	profileInForce: RiskProfile;
	/** The profile the client chose (never above their questionnaire's score). */
	profileChosen: RiskProfile;
	/** When the questionnaire behind profileChosen lapses (ISO); absent: none answered. */
	profileExpiresAt?: string;
	investorCategory: Audience;
	/** The questionnaire version answered; absent: none (the client counts as conservative). */
	questionnaireVersion?: string;
	/** interestsVersion() of the interests as matched. */
	interestsVersion: string;
}

/**
 * JSON with every object's keys sorted (by UTF-16 code units, as RFC 8785), no spaces, and
 * undefined members left out; arrays keep their order. Numbers and strings as JSON.stringify
 * writes them, which is what RFC 8785 prescribes too. safe-stable-stringify writes exactly
 * that for JSON data, faster than the recursive version before it (test/unit/audit.test.ts
 * holds it to that definition).
 */
export function canonicalJson(value: unknown): string {
	return stableStringify(value) ?? "null";
}

/** SHA-256 of the canonical JSON, as 64 hex digits. */
export function versionOf(value: unknown): string {
	return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

/**
 * Fields left out of a product's version: bookkeeping that moves on every collection run
 * while the product stays the same — `collectedAt`, when the collector last read it: the
 * field change detection ignores too (domain/changes.ts). The metrics count: matching reads
 * them.
 */
export const unversionedProductFields: readonly string[] = ["collectedAt"];

/** The version of a product as matched (its id is part of it), its venues' bookkeeping left out too. */
export function productVersion(product: object): string {
	const kept: Record<string, unknown> = { ...(product as Record<string, unknown>) };
	for (const field of unversionedProductFields) delete kept[field];
	if (kept.venues && typeof kept.venues === "object")
		kept.venues = Object.fromEntries(
			Object.entries(kept.venues as Record<string, Record<string, unknown>>).map(([source, venue]) => {
				const copy = { ...venue };
				for (const field of unversionedProductFields) delete copy[field];
				return [source, copy];
			}),
		);
	return versionOf(kept);
}

/** The version of a client's interests as matched. */
export function interestsVersion(interests: object): string {
	return versionOf(interests);
}
