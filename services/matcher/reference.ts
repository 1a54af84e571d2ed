/**
 * One subscription against one product, evaluated the plain way: the definition of a match
 * (docs/matching.md). The index (index.ts) must agree with it result for result, reason
 * for reason; single-subscriber work (backfill, preview) uses it directly.
 */
import {
	type CategoryInterest,
	type Constraint,
	type InterestField,
	interestFields,
	type RangeConstraint,
	type SetConstraint,
} from "../../domain/interests.ts";
import type { MatchReason } from "../../domain/notification.ts";
import type { Audience, Category, Product } from "../../domain/product.ts";
import { suits } from "../../domain/risk.ts";
import type { Interests, RiskProfile } from "../../domain/subscriber.ts";
import { admits, isOpen, profileAt } from "./gates.ts";

/**
 * What the matcher knows of a subscriber: who, how much risk and until when, which
 * investor category, what they want. The fields of SubscriptionRow
 * (domain/contracts/subscribers.ts).
 */
export interface Subscription {
	subscriberId: string;
	/** The profile they chose; in force only while their assessment holds (gates.ts). */
	riskProfile: RiskProfile;
	/** When the assessment behind riskProfile lapses (ISO); absent: no assessment, conservative. */
	profileExpiresAt?: string;
	/** Absent: general. */
	investorCategory?: Audience;
	/** The questionnaire version answered, for the audit trail only; absent: none. */
	questionnaireVersion?: string;
	interests: Interests;
	/** interestsVersion() of `interests` when the record gives it; computed otherwise (audit.ts). */
	interestsVersion?: string;
}

/** A client as the gates see them at one instant: the profile in force and their category. */
export interface InForce {
	riskProfile: RiskProfile;
	investorCategory?: Audience;
}

export interface MatchResult {
	subscriberId: string;
	reasons: MatchReason[];
	/** The source of the venue whose conditions met the client (domain/venues.ts). */
	venue?: string;
	/**
	 * From the index: the subscriber's slot there (InterestIndex.slotOf) as the match was made,
	 * so a table kept beside the index (the audit's standings) reads it without a lookup by id.
	 */
	slot?: number;
}

/**
 * The catalogue with each field's path split once. Reading through these keys is
 * `valueAt(product, field.path)` without splitting the path for every subscription.
 */
interface CompiledField {
	field: InterestField;
	keys: string[];
}
const compiled = Object.fromEntries(
	Object.entries(interestFields).map(([category, fields]) => [
		category,
		fields.map((field) => ({ field, keys: field.path.split(".") })),
	]),
) as Record<Category, CompiledField[]>;

function read(product: Product, keys: string[]): unknown {
	let value: unknown = product;
	for (const key of keys) {
		if (value === null || typeof value !== "object") return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

/**
 * The reasons `product` matches `sub` at `now` (ms) — one per satisfied constraint, in
 * catalogue order — or undefined when it does not match. `[]` is a match: interests `{}` in
 * the category. Before interests, the gates: the product is open to new investment, its
 * audience admits the client's category, and its risk suits the profile in force at `now`.
 */
export function matchOne(sub: Subscription, product: Product, now: number): MatchReason[] | undefined {
	const interest = sub.interests[product.category];
	if (interest === undefined || !isOpen(product) || !admits(product, sub)) return undefined;
	// Whether the profile still holds matters only to a product conservative does not suit.
	if (!suits(product, "conservative") && !suits(product, profileAt(sub, now))) return undefined;
	return reasonsFor(interest, product);
}

/**
 * The same for interests and a client's standing already resolved at an instant (the
 * preview, which takes the profile in force from the caller).
 */
export function matchInterests(
	interests: Interests,
	client: InForce,
	product: Product,
): MatchReason[] | undefined {
	const interest = interests[product.category];
	if (interest === undefined || !isOpen(product) || !admits(product, client)) return undefined;
	if (!suits(product, client.riskProfile)) return undefined;
	return reasonsFor(interest, product);
}

/** The reasons every constraint of `interest` holds for the product, or undefined. */
function reasonsFor(interest: CategoryInterest, product: Product): MatchReason[] | undefined {
	const reasons: MatchReason[] = [];
	for (const { field, keys } of compiled[product.category]) {
		const constraint = interest[field.name];
		if (constraint === undefined) continue;
		if (!holds(field, constraint, read(product, keys), reasons)) return undefined;
	}
	return reasons;
}

/** Whether `value` satisfies `constraint`, appending a reason per satisfied predicate. */
function holds(
	field: InterestField,
	constraint: Constraint,
	value: unknown,
	reasons: MatchReason[],
): boolean {
	const name = field.name;
	if (field.kind === "boolean") {
		if (typeof value !== "boolean" || value !== constraint) return false;
		reasons.push({ field: name, operator: "=", value, bound: constraint });
		return true;
	}
	if (field.kind === "number") {
		if (typeof value !== "number" || !Number.isFinite(value)) return false;
		const { min, max } = constraint as RangeConstraint;
		if (min !== undefined) {
			if (!(min <= value)) return false;
			reasons.push({ field: name, operator: "≥", value, bound: min });
		}
		if (max !== undefined) {
			if (!(value <= max)) return false;
			reasons.push({ field: name, operator: "≤", value, bound: max });
		}
		return true;
	}
	if (typeof value !== "string" || value === "") return false;
	const { in: within, notIn } = constraint as SetConstraint;
	if (within !== undefined) {
		if (!within.includes(value)) return false;
		reasons.push({ field: name, operator: "∈", value, bound: within });
	}
	if (notIn !== undefined) {
		if (notIn.includes(value)) return false;
		reasons.push({ field: name, operator: "∉", value, bound: notIn });
	}
	return true;
}
