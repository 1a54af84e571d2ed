/**
 * Clients of the research house and what they want to hear about.
 */
import { type Category, categories, rateIndexes } from "./product.ts";

export const locales = ["pt-BR", "en"] as const;
export type Locale = (typeof locales)[number];

/** Suitability profile; each allows products up to a risk level (see maxRiskLevel). */
export const riskProfiles = ["conservative", "moderate", "aggressive"] as const;
export type RiskProfile = (typeof riskProfiles)[number];

export const maxRiskLevel: Record<RiskProfile, number> = { conservative: 2, moderate: 3, aggressive: 5 };

export const digestFrequencies = ["immediate", "daily", "weekly"] as const;
export type DigestFrequency = (typeof digestFrequencies)[number];

/** Inclusive bounds; an absent bound does not constrain. */
export interface Range {
	min?: number;
	max?: number;
}

/**
 * What a client wants per category. Numeric fields are ranges over the product field (or
 * metric) of the same name; list fields are sets the product's value must belong to.
 * A category absent from Interests means "not interested in that category".
 */
export interface StockInterest {
	dividendYield?: Range;
	totalReturn12m?: Range;
	meanDailyTradedValue?: Range;
	volatility?: Range;
	maxDrawdown?: Range;
	sectors?: string[];
}

export interface ReitInterest {
	dividendYield?: Range;
	totalReturn12m?: Range;
	meanDailyTradedValue?: Range;
	volatility?: Range;
	segments?: string[];
}

export interface FundInterest {
	minimumInvestment?: Range;
	adminFee?: Range;
	performanceFee?: Range;
	return12m?: Range;
	redemptionDays?: Range;
	riskLevel?: Range;
	fundTypes?: string[];
}

export interface CoeInterest {
	minimumInvestment?: Range;
	termDays?: Range;
	riskLevel?: Range;
	protectedCapital?: boolean;
	underlyings?: string[];
}

export interface PensionInterest {
	minimumInvestment?: Range;
	adminFee?: Range;
	return12m?: Range;
	redemptionDays?: Range;
	planTypes?: string[];
}

export interface FixedIncomeInterest {
	minimumInvestment?: Range;
	termDays?: Range;
	redemptionDays?: Range;
	/** Bounds on the rate's spread (PRE, IPCA+, CDI+) … */
	spread?: Range;
	/** … or on its percent of the index (110% do CDI = 1.1). */
	percentOfIndex?: Range;
	rateIndexes?: string[];
	instruments?: string[];
	taxExempt?: boolean;
}

export interface Interests {
	stock?: StockInterest;
	reit?: ReitInterest;
	fund?: FundInterest;
	coe?: CoeInterest;
	pension?: PensionInterest;
	fixed_income?: FixedIncomeInterest;
}

export interface Preferences {
	email: boolean;
	live: boolean;
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

export const subscriberStatuses = ["pending", "verified", "unsubscribed", "bouncing"] as const;
export type SubscriberStatus = (typeof subscriberStatuses)[number];

export interface Subscriber {
	id: string;
	email: string;
	name: string;
	locale: Locale;
	status: SubscriberStatus;
	riskProfile: RiskProfile;
	interests: Interests;
	preferences: Preferences;
	consent: Consent;
	createdAt: string;
	verifiedAt?: string;
	updatedAt: string;
}

// Rules are made fresh for every field: fastest-validator mutates a rule object while
// compiling it, and a `custom` check on a shared object silently runs for one field only.
const range = () =>
	({
		type: "object",
		optional: true,
		strict: true,
		props: { min: "number|optional|finite", max: "number|optional|finite" },
		messages: { rangeOrder: "The '{field}' range has min greater than max." },
		custom: (value: Range, errors: unknown[]) => {
			// Called for absent optional fields too.
			if (value?.min !== undefined && value.max !== undefined && value.min > value.max) {
				errors.push({ type: "rangeOrder", expected: "min ≤ max", actual: value });
			}
			return value;
		},
	}) as const;

const set = () =>
	({
		type: "array",
		optional: true,
		max: 50,
		unique: true,
		items: "string|trim|min:1|max:100",
	}) as const;
const flag = () => ({ type: "boolean", optional: true }) as const;

const interestProps: Record<Category, Record<string, unknown>> = {
	stock: {
		dividendYield: range(),
		totalReturn12m: range(),
		meanDailyTradedValue: range(),
		volatility: range(),
		maxDrawdown: range(),
		sectors: set(),
	},
	reit: {
		dividendYield: range(),
		totalReturn12m: range(),
		meanDailyTradedValue: range(),
		volatility: range(),
		segments: set(),
	},
	fund: {
		minimumInvestment: range(),
		adminFee: range(),
		performanceFee: range(),
		return12m: range(),
		redemptionDays: range(),
		riskLevel: range(),
		fundTypes: set(),
	},
	coe: {
		minimumInvestment: range(),
		termDays: range(),
		riskLevel: range(),
		protectedCapital: flag(),
		underlyings: set(),
	},
	pension: {
		minimumInvestment: range(),
		adminFee: range(),
		return12m: range(),
		redemptionDays: range(),
		planTypes: set(),
	},
	fixed_income: {
		minimumInvestment: range(),
		termDays: range(),
		redemptionDays: range(),
		spread: range(),
		percentOfIndex: range(),
		rateIndexes: { ...set(), items: { type: "enum", values: [...rateIndexes] } },
		instruments: set(),
		taxExempt: flag(),
	},
};

/** Unknown categories and unknown fields are errors, so a typo never silently widens a match. */
export const interestsSchema = {
	type: "object",
	strict: true,
	props: Object.fromEntries(
		categories.map((category) => [
			category,
			{ type: "object", optional: true, strict: true, props: interestProps[category] },
		]),
	),
} as const;

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

/** What a client sends to register (consent must be an explicit `true`). */
export const registrationSchema = {
	email: { type: "email", normalize: true, max: 254 },
	name: { type: "string", trim: true, min: 1, max: 120 },
	locale: { type: "enum", values: [...locales], optional: true, default: "pt-BR" },
	riskProfile: { type: "enum", values: [...riskProfiles], optional: true },
	interests: { ...interestsSchema, optional: true },
	preferences: { ...preferencesSchema, optional: true },
	consent: { type: "equal", value: true, strict: true },
} as const;
