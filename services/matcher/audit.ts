/**
 * The matcher's side of the audit trail (docs/audit.md): what each match was made of. The
 * index keeps rules, not clients, so beside it each client's standing is kept as it was
 * filed — the profile chosen and until when it holds, the investor category, the
 * questionnaire version, and the version of the interests the rules came from — and every
 * match reads it at the match's instant. One upsert updates both, so they cannot disagree.
 */
import { interestsVersion, type MatchAudit } from "../../domain/audit.ts";
import { profileAt } from "./gates.ts";
import { InterestIndex } from "./index.ts";
import type { Subscription } from "./reference.ts";
import { type AuditStanding, StandingTable } from "./standings.ts";

export function standingOf(sub: Subscription): AuditStanding {
	return {
		riskProfile: sub.riskProfile,
		...(sub.profileExpiresAt !== undefined ? { profileExpiresAt: sub.profileExpiresAt } : {}),
		investorCategory: sub.investorCategory ?? "general",
		...(sub.questionnaireVersion !== undefined ? { questionnaireVersion: sub.questionnaireVersion } : {}),
		interestsVersion: sub.interestsVersion ?? interestsVersion(sub.interests),
	};
}

/** The last instant asked for and its ISO text: a task's matches all share one instant. */
let last = { at: Number.NaN, iso: "" };
function isoAt(at: number): string {
	if (at !== last.at) last = { at, iso: new Date(at).toISOString() };
	return last.iso;
}

/**
 * The audit of one match at `now` (ms): the profile in force is read exactly as the gates
 * read it (gates.ts), so it is the profile that let the product through.
 */
export function auditOf(standing: AuditStanding, productVersion: string, now: number): MatchAudit {
	// Made for every match of a publication: the optional fields assigned, not spread in.
	const audit: MatchAudit = {
		matchedAt: isoAt(now),
		productVersion,
		profileInForce: profileAt(standing, now),
		profileChosen: standing.riskProfile,
		investorCategory: standing.investorCategory,
		interestsVersion: standing.interestsVersion,
	};
	if (standing.profileExpiresAt !== undefined) audit.profileExpiresAt = standing.profileExpiresAt;
	if (standing.questionnaireVersion !== undefined) audit.questionnaireVersion = standing.questionnaireVersion;
	return audit;
}

/** The interest index with each client's standing beside it, for the audit of its matches. */
export class AuditedIndex extends InterestIndex {
	/** By the index's slot (standings.ts): no second map of every client. */
	readonly #standings = new StandingTable();

	override upsert(sub: Subscription): void {
		// After the index: an upsert it refuses leaves the previous standing with the previous rules.
		super.upsert(sub);
		this.#standings.set(this.slotOf(sub.subscriberId) as number, standingOf(sub));
	}

	override reserve(count: number, sample: readonly Subscription[]): void {
		super.reserve(count, sample);
		if (count > 0) this.#standings.reserve(this.size + count);
	}

	override remove(subscriberId: string): void {
		const slot = this.slotOf(subscriberId);
		super.remove(subscriberId);
		if (slot !== undefined) this.#standings.clear(slot);
	}

	/**
	 * The audit of a match this index just gave for `subscriberId` (`slot`: the result's, when
	 * it carries one); undefined if it holds no such client.
	 */
	auditOf(
		subscriberId: string,
		productVersion: string,
		now: number,
		slot = this.slotOf(subscriberId),
	): MatchAudit | undefined {
		const standing = slot === undefined ? undefined : this.#standings.get(slot);
		return standing && auditOf(standing, productVersion, now);
	}
}
