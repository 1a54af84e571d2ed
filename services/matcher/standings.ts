/**
 * Every client's standing for the audit (audit.ts), kept by the index's slot in typed arrays
 * rather than as an object per client under their id: at a million clients, a map of a
 * million objects (each with a 64-digit version) was a second million-key map beside the
 * index's own, and garbage the collector traced at every full collection while the matcher
 * started (docs/matching.md, "Costs": the build as the service does it).
 *
 * Each field is stored so that it reads back exactly as given: the profile and the category
 * as their position in the known lists, the questionnaire version as a number in a table of
 * the few versions there are, the interests version and the expiry as the texts they were
 * (texts hold no references: the collector does not trace into them). A standing with a
 * profile or a category we do not know is kept whole, as given.
 */
import { type Audience, audiences } from "../../domain/product.ts";
import { type RiskProfile, riskProfiles } from "../../domain/subscriber.ts";
import { grownLength, resized } from "./typed-arrays.ts";

/** A client as the audit records them (audit.ts). */
export interface AuditStanding {
	riskProfile: RiskProfile;
	profileExpiresAt?: string;
	investorCategory: Audience;
	questionnaireVersion?: string;
	interestsVersion: string;
}

/** In `profile`: no standing in this slot. */
const empty = 255;
/** In `profile`: the standing is in `whole`. */
const asGiven = 254;

export class StandingTable {
	/** Per slot: the risk profile's position in riskProfiles, or `empty`, or `asGiven`. */
	#profile = new Uint8Array(0);
	/** Per slot: the investor category's position in audiences. */
	#category = new Uint8Array(0);
	/** Per slot: 1 + the questionnaire version's position in #questionnaires; 0: none. */
	#questionnaire = new Uint16Array(0);
	#interestsVersion: (string | undefined)[] = [];
	#expiry: (string | undefined)[] = [];
	readonly #questionnaires: string[] = [];
	readonly #questionnaireAt = new Map<string, number>();
	/** Standings that do not fit the arrays, by slot. */
	readonly #whole = new Map<number, AuditStanding>();

	set(slot: number, standing: AuditStanding): void {
		this.#room(slot);
		this.#whole.delete(slot);
		const profile = riskProfiles.indexOf(standing.riskProfile);
		const category = audiences.indexOf(standing.investorCategory);
		const questionnaire = this.#questionnaireNumber(standing.questionnaireVersion);
		if (profile < 0 || category < 0 || questionnaire < 0) {
			this.#profile[slot] = asGiven;
			this.#whole.set(slot, standing);
			this.#interestsVersion[slot] = undefined;
			this.#expiry[slot] = undefined;
			return;
		}
		this.#profile[slot] = profile;
		this.#category[slot] = category;
		this.#questionnaire[slot] = questionnaire;
		this.#interestsVersion[slot] = standing.interestsVersion;
		this.#expiry[slot] = standing.profileExpiresAt;
	}

	/** The standing in `slot`, as it was set; undefined when none is. */
	get(slot: number): AuditStanding | undefined {
		const profile = this.#profile[slot];
		if (profile === undefined || profile === empty) return undefined;
		if (profile === asGiven) return this.#whole.get(slot);
		const expiry = this.#expiry[slot];
		const questionnaire = this.#questionnaire[slot] as number;
		// Read for every match of a publication: the optional fields assigned, not spread in.
		const standing: AuditStanding = {
			riskProfile: riskProfiles[profile] as AuditStanding["riskProfile"],
			investorCategory: audiences[this.#category[slot] as number] as AuditStanding["investorCategory"],
			interestsVersion: this.#interestsVersion[slot] as string,
		};
		if (expiry !== undefined) standing.profileExpiresAt = expiry;
		if (questionnaire > 0) standing.questionnaireVersion = this.#questionnaires[questionnaire - 1];
		return standing;
	}

	clear(slot: number): void {
		if (slot >= this.#profile.length) return;
		this.#profile[slot] = empty;
		this.#interestsVersion[slot] = undefined;
		this.#expiry[slot] = undefined;
		this.#whole.delete(slot);
	}

	/** 1 + the version's position in the table (added if new), 0 for none, -1 when the table is full. */
	#questionnaireNumber(version: string | undefined): number {
		if (version === undefined) return 0;
		const known = this.#questionnaireAt.get(version);
		if (known !== undefined) return known;
		if (this.#questionnaires.length >= 0xfffe) return -1;
		this.#questionnaires.push(version);
		this.#questionnaireAt.set(version, this.#questionnaires.length);
		return this.#questionnaires.length;
	}

	/** Room for slots below `slots`, allocated once (InterestIndex.reserve: no doubling while a feed arrives). */
	reserve(slots: number): void {
		const before = this.#profile.length;
		if (slots <= before) return;
		this.#profile = resized(this.#profile, slots);
		this.#profile.fill(empty, before);
		this.#category = resized(this.#category, slots);
		this.#questionnaire = resized(this.#questionnaire, slots);
	}

	#room(slot: number): void {
		if (slot >= this.#profile.length) this.reserve(grownLength(this.#profile.length, slot + 1));
	}
}
