/**
 * The subscribers folder: the clients (subscribers) and their sessions (identity); every
 * change to a client, and their erasure.
 */

import { fieldUnits, type InterestField } from "../interests.ts";
import type { CategoryGround, StatementSet } from "../investor-category.ts";
import { type Audience, type Category, categories } from "../product.ts";
import type { Infer } from "../rule-type.ts";
import type {
	Interests,
	Locale,
	Preferences,
	RiskProfile,
	registrationSchema,
	Subscriber,
	SubscriberStatus,
	SubscriberView,
} from "../subscriber.ts";
import type { Questionnaire, SuitabilityAnswers } from "../suitability.ts";
import type { Page } from "./page.ts";

/** An erased client, known only by their id, for the matchers that missed the event. */
export interface ErasedRow {
	subscriberId: string;
	status: "erased";
}

/**
 * What the matcher needs of a client to decide what may reach them (CVM Resolution 30):
 * the profile they chose (never above their questionnaire's score), until when it holds
 * (after, they count as conservative until renewed), their investor category, and interests.
 */
export interface SubscriptionRow {
	subscriberId: string;
	riskProfile: RiskProfile;
	/** When the suitability assessment behind riskProfile expires; absent: no assessment (conservative). */
	profileExpiresAt?: string;
	investorCategory?: Audience;
	/** The suitability questionnaire version answered; absent: none (for the audit trail). */
	questionnaireVersion?: string;
	interests: Interests;
	/** interestsVersion() of `interests`, as the record stores it (for the audit trail). */
	interestsVersion: string;
}

/**
 * Durable queue subject "erasures": a client erased their account. Every analytics node
 * replaces their id in its facts by `replacement` (random, the same on every node), so the
 * counts stay exact and nothing left points at the person.
 */
export interface ErasureMessage {
	subscriberId: string;
	replacement: string;
}

export type SubscriberChange =
	| "verified"
	| "profile"
	| "interests"
	| "preferences"
	| "unsubscribed"
	| "bouncing"
	| "erased";

export interface SubscribersActions extends SubscribersRoutes {
	"subscribers.get": { params: { id: string }; result: Subscriber };
	/** A page of who may receive e-mail, by id; or, given `ids`, those of them who may. */
	"subscribers.mailable": {
		params: { after?: string; pageSize?: number; ids?: string[] };
		result: {
			rows: { id: string; email: string; name: string; locale: string; preferences: Preferences }[];
			next?: string;
		};
	};
	"subscribers.unsubscribeUrl": { params: { id: string }; result: string };
	"subscribers.markBouncing": { params: { email: string }; result: { updated: number } };
	"subscribers.active": {
		params: { after?: string; pageSize?: number };
		result: { rows: SubscriptionRow[]; next?: string };
	};
	"subscribers.changedSince": {
		params: { since: string; after?: string; pageSize?: number };
		/** Erased clients come back as `{ subscriberId, status: "erased" }` for a while (tombstones). */
		result: {
			rows: ((SubscriptionRow & { status: SubscriberStatus }) | ErasedRow)[];
			next?: string;
		};
	};
	/** Verified subscribers right now. */
	"subscribers.countActive": { params: Record<string, never>; result: { count: number } };
	/** The subscriber a session token belongs to (401 when missing, forged or expired). */
	"identity.authenticate": {
		params: { token: string };
		/** sessionId: the session's jti, for sign-out and renewal; live: preferences.live. */
		result: { subscriberId: string; sessionId: string; live: boolean };
	};
}

/** What the client's own routes, the sign-up and the operator's routes take and answer. */
interface SubscribersRoutes {
	"identity.register": {
		params: Infer<{ type: "object"; props: typeof registrationSchema }>;
		result: Accepted;
	};
	"identity.verify": {
		params: { token: string; session?: "token" | "cookie" };
		/** token: absent when the session went in a cookie. */
		result: { token?: string; subscriber: SubscriberView };
	};
	"identity.magicLink": { params: { email: string }; result: Accepted };
	"identity.renew": { params: Record<string, never>; result: { token?: string; renewed: true } };
	"identity.signOut": { params: { everywhere?: boolean }; result: { signedOut: number } };
	"subscribers.interestsSchema": { params: Record<string, never>; result: InterestsCatalogue };
	"subscribers.questionnaire": {
		params: Record<string, never>;
		result: Questionnaire & { validMonths: number };
	};
	"subscribers.investorStatements": { params: Record<string, never>; result: StatementSet };
	"subscribers.me": { params: Record<string, never>; result: SubscriberView };
	"subscribers.updateMe": {
		params: Partial<Pick<Subscriber, "name" | "locale" | "riskProfile">>;
		result: SubscriberView;
	};
	"subscribers.interests": { params: Record<string, never>; result: Interests };
	"subscribers.setInterests": { params: Interests; result: Interests };
	"subscribers.preferences": { params: Record<string, never>; result: Preferences };
	"subscribers.setPreferences": { params: Partial<Preferences>; result: Preferences };
	"subscribers.setSuitability": {
		params: { version: string; answers: SuitabilityAnswers };
		result: SubscriberView;
	};
	"subscribers.setInvestorCategory": {
		params: {
			category: Audience;
			ground?: CategoryGround;
			attestation?: boolean;
			statementVersion?: string;
			locale?: Locale;
		};
		result: SubscriberView;
	};
	"subscribers.export": { params: Record<string, never>; result: Infer<typeof accountRules.export> };
	"subscribers.erase": { params: Record<string, never>; result: { erased: true } };
	"subscribers.list": {
		params: { q?: string; status?: Exclude<SubscriberStatus, "erased">; page?: number; pageSize?: number };
		result: Page<SubscriberView> & { counts: Record<Exclude<SubscriberStatus, "erased">, number> };
	};
	"subscribers.import": { params: { csv: string; dryRun?: boolean }; result: ImportReport };
}

/** Registration and magic links answer the same whoever asks (no account enumeration). */
type Accepted = Infer<typeof identityRules.accepted>;

export interface SubscribersEvents {
	/** Every change to a subscriber; matcher nodes update their index from it. */
	"subscribers.changed": { id: string; change: SubscriberChange };
}

export interface SubscribersQueue {
	/** subscribers → analytics: a client erased their account. */
	erasures: ErasureMessage;
}

/** GET /api/interests/schema: what a client can constrain per category, set values filled in from the catalogue. */
export interface InterestsCatalogue {
	riskProfiles: { profile: RiskProfile; maxRiskLevel: number }[];
	categories: Record<Category, InterestField[]>;
}

/* What the client's own routes answer, as rules (the OpenAPI document's schemas of them). */
const profile = { type: "enum", values: ["conservative", "moderate", "aggressive"] } as const;

/** A client's interests: per asset class, a constraint per field (docs/interests.md). */
export const interestsRule = {
	type: "record",
	key: { type: "enum", values: [...categories] },
	value: { type: "record", key: "string", value: "any" },
} as const;

/** A client's preferences as stored: every one set (the defaults fill what the client left). */
export const preferencesRule = {
	type: "object",
	props: {
		email: "boolean",
		live: "boolean",
		digest: { type: "enum", values: ["immediate", "daily", "weekly"] },
		digestHour: "number|integer|min:0|max:23",
		timeZone: "string",
	},
} as const;

/** A client's record as `GET /api/me` and the routes that change it answer (SubscriberView). */
export const subscriberViewRule = {
	type: "object",
	props: {
		id: "string",
		email: "email",
		name: "string",
		locale: { type: "enum", values: ["pt-BR", "en"] },
		status: { type: "enum", values: ["pending", "verified", "unsubscribed", "bouncing"] },
		riskProfile: profile,
		riskProfileChosen: "boolean|optional",
		effectiveProfile: profile,
		suitability: {
			type: "object",
			optional: true,
			props: {
				version: "string",
				answers: { type: "record", key: "string", value: "string" },
				score: "number",
				profile,
				assessedAt: "string",
				expiryNoticeAt: "string|optional",
				expiresAt: "string",
				expired: "boolean",
			},
		},
		investorCategory: {
			type: "object",
			props: {
				category: { type: "enum", values: ["general", "qualified", "professional"] },
				ground: { type: "enum", values: ["investments", "certification", "registration"], optional: true },
				statementVersion: "string|optional",
				locale: { type: "enum", values: ["pt-BR", "en"], optional: true },
				declaredAt: "string|optional",
				ip: "string|optional",
			},
		},
		interests: interestsRule,
		preferences: preferencesRule,
		consent: { type: "object", props: { version: "string", acceptedAt: "string", ip: "string|optional" } },
		createdAt: "string",
		verifiedAt: "string|optional",
		updatedAt: "string",
	},
} as const;

/** What the sign-up and sign-in routes answer. */
export const identityRules = {
	/** Registration and magic links answer the same whoever asks (no account enumeration). */
	accepted: { type: "object", props: { message: "string" } },
	/** Verification: the session token (absent when it went in a cookie) and the client. */
	verified: { type: "object", props: { token: "string|optional", subscriber: subscriberViewRule } },
	renewed: { type: "object", props: { token: "string|optional", renewed: { type: "equal", value: true } } },
	signedOut: { type: "object", props: { signedOut: "number|integer|min:0" } },
} as const;

/** A text in each language the SPA speaks. */
const text = { type: "object", props: { "pt-BR": "string", en: "string" } } as const;

const interestFieldsRule = {
	type: "array",
	items: {
		type: "object",
		props: {
			name: "string",
			kind: { type: "enum", values: ["number", "set", "boolean"] },
			unit: { type: "enum", values: [...fieldUnits], optional: true },
			path: "string",
			label: text,
			values: { type: "array", items: "string", optional: true },
		},
	},
} as const;

/** The same rule for every asset class: an object with one key per category, each required. */
function perCategory<const R>(rule: R) {
	return Object.fromEntries(categories.map((category) => [category, rule])) as Record<Category, R>;
}

/** What the public forms are built from: the questionnaire, the statements, the interests catalogue. */
export const formRules = {
	questionnaire: {
		type: "object",
		props: {
			version: "string",
			questions: {
				type: "array",
				items: {
					type: "object",
					props: {
						id: "string",
						text,
						options: {
							type: "array",
							items: {
								type: "object",
								props: { id: "string", text, points: "number", cap: { ...profile, optional: true } },
							},
						},
					},
				},
			},
			thresholds: { type: "object", props: { moderate: "number", aggressive: "number" } },
			validMonths: "number|integer|min:1",
		},
	},
	statements: {
		type: "object",
		props: {
			version: "string",
			statements: {
				type: "object",
				props: {
					qualified: { type: "object", props: { investments: text, certification: text } },
					professional: { type: "object", props: { investments: text, registration: text } },
				},
			},
		},
	},
	interestsSchema: {
		type: "object",
		props: {
			riskProfiles: {
				type: "array",
				items: { type: "object", props: { profile, maxRiskLevel: "number|integer|min:1|max:5" } },
			},
			categories: { type: "object", props: perCategory(interestFieldsRule) },
		},
	},
} as const;

/** What the client's export, erasure and the operator's list answer. */
export const accountRules = {
	erased: { type: "object", props: { erased: { type: "equal", value: true } } },
	/** Everything kept about the client (LGPD): the record, the questionnaire in words, the inbox, the e-mails. */
	export: {
		type: "object",
		props: {
			exportedAt: "string",
			subscriber: subscriberViewRule,
			suitabilityAnswers: { type: "array", items: "object", optional: true },
			notifications: { type: "array", items: "object" },
			deliveries: { type: "array", items: "object" },
		},
	},
	list: {
		type: "object",
		props: {
			rows: { type: "array", items: subscriberViewRule },
			total: "number|integer|min:0",
			page: "number|integer|min:1",
			pageSize: "number|integer|min:1",
			totalPages: "number|integer|min:0",
			counts: {
				type: "object",
				props: {
					pending: "number|integer|min:0",
					verified: "number|integer|min:0",
					unsubscribed: "number|integer|min:0",
					bouncing: "number|integer|min:0",
				},
			},
		},
	},
} as const;

/** What the operator's CSV import answers. */
export interface ImportReport {
	dryRun: boolean;
	rows: number;
	created: number;
	skipped: { row: number; email?: string; reason: string }[];
	/** Rows imported with something left out (a risk profile above conservative). */
	notes: { row: number; email: string; note: string }[];
}

export const importReportRule = {
	type: "object",
	props: {
		dryRun: "boolean",
		rows: "number|integer|min:0",
		created: "number|integer|min:0",
		skipped: {
			type: "array",
			items: { type: "object", props: { row: "number|integer", email: "string|optional", reason: "string" } },
		},
		notes: {
			type: "array",
			items: { type: "object", props: { row: "number|integer", email: "string", note: "string" } },
		},
	},
} as const;
