/**
 * Clients of the research house and what they want to hear about.
 */
import type { Interests } from "./interests.ts";
import type { Audience } from "./product.ts";

export type { Interests } from "./interests.ts";

export const locales = ["pt-BR", "en"] as const;
export type Locale = (typeof locales)[number];

/** Suitability profile; each allows products up to a risk level (see maxRiskLevel). */
export const riskProfiles = ["conservative", "moderate", "aggressive"] as const;
export type RiskProfile = (typeof riskProfiles)[number];

export const maxRiskLevel: Record<RiskProfile, number> = { conservative: 2, moderate: 3, aggressive: 5 };

/** E-mail off is `preferences.email = false` (also what one-click unsubscribe sets). */
export const digestFrequencies = ["immediate", "daily", "weekly"] as const;
export type DigestFrequency = (typeof digestFrequencies)[number];

export interface Preferences {
	/** Any e-mail besides sign-in links; the one-click unsubscribe turns it off. */
	email: boolean;
	live: boolean;
	/** How matches arrive by e-mail while `email` is on: at once, or in a daily or weekly digest. */
	digest: DigestFrequency;
	/** Local hour (0–23) daily and weekly digests are sent at. */
	digestHour: number;
	/** IANA time zone for digestHour. */
	timeZone: string;
}

export const defaultPreferences: Preferences = {
	email: true,
	live: true,
	digest: "daily",
	digestHour: 8,
	timeZone: "America/Sao_Paulo",
};

export interface Consent {
	/** The text version the client agreed to (LGPD: keep what was accepted, and when). */
	version: string;
	acceptedAt: string;
	ip?: string;
}

/**
 * A client's answers to the suitability questionnaire (domain/suitability.ts) and what they
 * scored. Replaced whole by the next answers; valid SUITABILITY_VALID_MONTHS from assessedAt.
 */
export interface SuitabilityAssessment {
	/** The questionnaire version answered. */
	version: string;
	/** Question id → option id. */
	answers: Record<string, string>;
	score: number;
	/** The profile the score gives: the most the client may choose. */
	profile: RiskProfile;
	assessedAt: string;
	/** When the client was e-mailed that this assessment expired (at most once per assessment). */
	expiryNoticeAt?: string;
}

/** What a client declared about their investor category, and the statement they signed. */
export interface InvestorCategoryDeclaration {
	category: Audience;
	/** The ground the client declared (qualified: investments or certification; professional: investments or registration). */
	ground?: "investments" | "certification" | "registration";
	/** The statement version signed (domain/investor-category.ts); absent for general. */
	statementVersion?: string;
	/** The language the statement was shown in. */
	locale?: Locale;
	declaredAt: string;
	ip?: string;
}

export const subscriberStatuses = ["pending", "verified", "unsubscribed", "bouncing"] as const;
export type SubscriberStatus = (typeof subscriberStatuses)[number];

export interface Subscriber {
	id: string;
	email: string;
	name: string;
	locale: Locale;
	status: SubscriberStatus;
	/** The profile the client chose: the questionnaire's, or one below it; conservative without one. */
	riskProfile: RiskProfile;
	/** The client chose a profile below their score: a new questionnaire keeps it while it stays below. */
	riskProfileChosen?: boolean;
	suitability?: SuitabilityAssessment;
	/** Absent: general. */
	investorCategory?: InvestorCategoryDeclaration;
	interests: Interests;
	preferences: Preferences;
	consent: Consent;
	createdAt: string;
	verifiedAt?: string;
	updatedAt: string;
}

/** What the client (GET /api/me) and other services (subscribers.get) see: the record and what follows from it now. */
export interface SubscriberView extends Omit<Subscriber, "suitability" | "investorCategory"> {
	/** With when it stops holding; `expired`: it counts as conservative until answered again. */
	suitability?: SuitabilityAssessment & { expiresAt: string; expired: boolean };
	/** What products are chosen by now: riskProfile, or conservative without a valid questionnaire. */
	effectiveProfile: RiskProfile;
	/** `{ category: "general" }` until the client declares otherwise. */
	investorCategory: Omit<InvestorCategoryDeclaration, "declaredAt"> & { declaredAt?: string };
}

export const preferencesSchema = {
	type: "object",
	strict: true,
	props: {
		email: "boolean|optional",
		live: "boolean|optional",
		digest: { type: "enum", values: [...digestFrequencies], optional: true },
		digestHour: "number|integer|min:0|max:23|optional",
		timeZone: {
			type: "string",
			optional: true,
			messages: { timeZone: "The '{field}' field must be an IANA time zone such as America/Sao_Paulo." },
			custom: (value: string, errors: unknown[]) => {
				if (value !== undefined && !isTimeZone(value)) errors.push({ type: "timeZone", actual: value });
				return value;
			},
		},
	},
} as const;

export function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat("en", { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

/**
 * What a name is: letters of any script with spaces, apostrophes, hyphens and periods
 * between them, at most 80 characters. Not digits, line breaks, URLs or punctuation: a
 * name ends up in e-mails, and must not be a way to make our mail say a stranger's words.
 */
export const personNamePattern = /^\p{L}[\p{L}\p{M}]*(?:[ '’.-]{1,2}[\p{L}\p{M}]+)*\.?$/u;
export const personNameSchema = {
	type: "string",
	trim: true,
	min: 1,
	max: 80,
	pattern: personNamePattern,
	messages: {
		stringPattern:
			"The 'name' field must be a person's name: letters, spaces, apostrophes, hyphens and periods.",
	},
} as const;

/** What a client sends to register (consent must be an explicit `true`). */
export const registrationSchema = {
	email: { type: "email", normalize: true, max: 254 },
	name: personNameSchema,
	locale: { type: "enum", values: [...locales], optional: true, default: "pt-BR" },
	/** At most the profile `suitability` scores (conservative without it): PROFILE_ABOVE_SCORE otherwise. */
	riskProfile: { type: "enum", values: [...riskProfiles], optional: true },
	/** `{ version, answers }` of the suitability questionnaire, checked by checkAnswers (domain/suitability.ts). */
	suitability: { type: "object", optional: true },
	/** Checked by checkInterests (domain/interests.ts), which names the allowed fields. */
	interests: { type: "object", optional: true },
	preferences: { ...preferencesSchema, optional: true },
	consent: { type: "equal", value: true, strict: true },
} as const;
