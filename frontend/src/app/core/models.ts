/**
 * The shapes the REST API and the live feed answer with (see the backend's
 * domain/contracts.ts and /api/openapi.json). Only what the SPA reads.
 */
export const categories = ["stock", "reit", "fund", "coe", "pension", "fixed_income"] as const;
export type Category = (typeof categories)[number];
export type RiskProfile = "conservative" | "moderate" | "aggressive";
export type Locale = "pt-BR" | "en";
export type DigestFrequency = "immediate" | "daily" | "weekly";

export interface Preferences {
	email: boolean;
	live: boolean;
	digest: DigestFrequency;
	digestHour: number;
	timeZone: string;
}

/** Per category: field name → a range, a set constraint or a flag. */
export type Range = { min?: number; max?: number };
export type SetConstraint = { in?: string[]; notIn?: string[] };
export type Interests = Partial<Record<Category, Record<string, Range | SetConstraint | boolean>>>;

export type Audience = "general" | "qualified" | "professional";
export type CategoryGround = "investments" | "certification" | "registration";
export type LocalText = Record<Locale, string>;

/** The client's suitability questionnaire as stored, with when it stops holding. */
export interface SuitabilityAssessment {
	version: string;
	answers: Record<string, string>;
	score: number;
	/** The profile the score gives: the most the client may choose. */
	profile: RiskProfile;
	assessedAt: string;
	expiresAt: string;
	/** Past expiresAt: the client counts as conservative until they answer again. */
	expired: boolean;
}

export interface InvestorCategory {
	category: Audience;
	ground?: CategoryGround;
	statementVersion?: string;
	declaredAt?: string;
}

export interface Subscriber {
	id: string;
	email: string;
	name: string;
	locale: Locale;
	status: "pending" | "verified" | "unsubscribed" | "bouncing";
	/** The profile the client chose: at most their questionnaire's (conservative without one). */
	riskProfile: RiskProfile;
	/** Absent until the client answers the questionnaire. */
	suitability?: SuitabilityAssessment;
	/** What products are chosen by now: conservative without a valid questionnaire. */
	effectiveProfile?: RiskProfile;
	investorCategory?: InvestorCategory;
	interests: Interests;
	preferences: Preferences;
	createdAt: string;
	verifiedAt?: string;
}

/** GET /api/suitability/questionnaire: the current version, in both languages. */
export interface Questionnaire {
	version: string;
	validMonths: number;
	thresholds: { moderate: number; aggressive: number };
	questions: {
		id: string;
		text: LocalText;
		options: { id: string; text: LocalText; points: number; cap?: RiskProfile }[];
	}[];
}

/** GET /api/investor-category/statements: what a qualified or professional investor signs, per ground. */
export interface InvestorStatements {
	version: string;
	statements: {
		qualified: Record<"investments" | "certification", LocalText>;
		professional: Record<"investments" | "registration", LocalText>;
	};
}

export interface InterestField {
	name: string;
	/** number: a { min?, max? } range; set: { in?, notIn? }; boolean: true or false. */
	kind: "number" | "set" | "boolean";
	/** fraction: 0.08 = 8 % (show as %); BRL: reais; days; level: risk 1–5. */
	unit?: "fraction" | "BRL" | "days" | "level";
	/** Where the value is in a product: "sector", "metrics.dividendYield", "rate.index". */
	path: string;
	label: { "pt-BR": string; en: string };
	/** For sets: the allowed values (closed sets) or the values current products hold. */
	values?: string[];
}

export interface InterestsSchema {
	riskProfiles: { profile: RiskProfile; maxRiskLevel: number }[];
	categories: Record<Category, InterestField[]>;
}

export interface MatchReason {
	field: string;
	operator: "≥" | "≤" | "∈" | "∉" | "=";
	value: number | string | boolean;
	bound: number | string | boolean | string[];
}

/** A product as the catalogue holds it; category-specific fields are optional. */
/** One source selling a product (domain/venues.ts): what differs between brokers. */
export interface Venue {
	source: string;
	label?: string;
	listingId: string;
	name: string;
	url?: string;
	minimumInvestment?: number;
	adminFee?: number;
	performanceFee?: number;
	audience?: Audience;
	openToInvestment?: boolean;
	withdrawnAt?: string;
}

export interface Product {
	id: string;
	source: string;
	/** The source as clients know it ("BTG Pactual"). */
	sourceLabel?: string;
	/** Every source selling it, by source name; the fields above sum them up. */
	venues?: Record<string, Venue>;
	category: Category;
	name: string;
	issuer?: string;
	url?: string;
	riskLevel?: number;
	minimumInvestment?: number;
	return12m?: number;
	/** Who may buy it; the collector sets it ("general" when the source says nothing). */
	audience?: Audience;
	/** False when closed to new money. */
	openToInvestment?: boolean;
	unitPrice?: number;
	fundName?: string;
	registeredName?: string;
	manager?: string;
	anbimaClass?: string;
	ticker?: string;
	sector?: string;
	segment?: string;
	fundType?: string;
	adminFee?: number;
	performanceFee?: number;
	redemptionDays?: number;
	rate?: { index: string; percentOfIndex?: number; spread?: number };
	instrument?: string;
	maturityDate?: string;
	termDays?: number;
	taxExempt?: boolean;
	planType?: string;
	underlying?: string;
	protectedCapital?: number;
	metrics?: {
		dividendYield: number;
		totalReturn12m: number;
		volatility: number;
		maxDrawdown?: number;
		meanDailyTradedValue?: number;
	};
	[field: string]: unknown;
}

/** One field of a product that changed since it was published before: "adminFee" 0.005 → 0.004. */
export interface FieldChange {
	/** The product's path: "adminFee", "metrics.dividendYield", "rate.spread". */
	field: string;
	before?: unknown;
	after?: unknown;
}

/** A notice rather than a tip: the product went away from a client who was told about it. */
export type Notice = "no-longer-available" | "no-longer-fits";

export interface Notification {
	id: string;
	productId: string;
	publicationId: string;
	category: Category;
	reasons: MatchReason[];
	/** The source whose venue met the client: the reasons are its conditions. */
	venue?: string;
	createdAt: string;
	readAt?: string;
	cursor: string;
	product?: Product;
	/** The product changed since it was published before: what. */
	changes?: FieldChange[];
	notice?: Notice;
}

export interface NotificationPage {
	rows: Notification[];
	unread: number;
	hasMore: boolean;
	next?: string;
}

export interface Unread {
	unread: number;
	display: string;
	hasMore: boolean;
}

export interface Preview {
	count: number;
	days: number;
	products: (Product & { reasons: MatchReason[] })[];
}

export interface FrequencyRow {
	day: string;
	key: string;
	published: number;
	distributed: number;
}

export interface Frequency {
	from: string;
	to: string;
	groupBy: "category" | "source";
	keys: string[];
	rows: FrequencyRow[];
}

export interface TopProduct {
	productId: string;
	name: string;
	category: Category;
	count: number;
}

export interface PublicationReach {
	publicationId: string;
	publishedAt: string;
	products: number;
	notifications: number;
	subscribersNotified: number;
	audience?: number;
	matchRate?: number;
}

export interface AnalyticsSummary {
	totals: { publications: number; productsPublished: number; notifications: number };
	activeSubscribers?: number;
	lastPublication?: PublicationReach;
	lastRun?: { id: string; startedAt: string; finishedAt: string; published: number; failedSources: string[] };
}

export interface Page<T> {
	rows: T[];
	total: number;
	page: number;
	pageSize: number;
	totalPages: number;
}

export interface SourceInfo {
	name: string;
	type: string;
	format: string;
	enabled: boolean;
	schedule?: string;
	location: string;
}

export interface SourceRun {
	status: "ok" | "failed" | "skipped";
	fetched: number;
	normalized: number;
	skipped: number;
	new: number;
	changed: number;
	unchanged: number;
	/** Products the source stopped listing, published closed (absent: none). */
	withdrawn?: number;
	errors: string[];
	/** Why it gave nothing, by kind (worded by the collection notice's texts). */
	problem?: SourceProblem;
	durationMs: number;
}

export interface CollectorRun {
	id: string;
	trigger: "manual" | "schedule";
	startedAt: string;
	finishedAt: string;
	publicationId?: string;
	published: number;
	sources: Record<string, SourceRun>;
}

export interface Delivery {
	id: string;
	to: string;
	template: string;
	status: "queued" | "sent" | "failed" | "retrying";
	attempts: { at: string; error?: string }[];
	error?: string;
	createdAt: string;
	updatedAt: string;
}

/** Every API error: `{ error: { type, message, data } }` with a 4xx/5xx status. */
export interface ApiError {
	status: number;
	type: string;
	message: string;
	data?: unknown;
}

/** Why a source gave nothing in its latest run (GET /api/collector/status). */
export interface SourceProblem {
	kind: "unreachable" | "timeout" | "http" | "tls" | "missing-key" | "too-large" | "format" | "other";
	httpStatus?: number;
	detail: string;
}

export interface SourceStatus {
	name: string;
	type: string;
	status: "ok" | "failed" | "skipped" | "never";
	at?: string;
	problem?: SourceProblem;
}

export interface CollectionStatus {
	lastRunAt?: string;
	sources: SourceStatus[];
	failing: string[];
}

/** A durable-queue message no consumer could handle (GET /api/admin/dead-letters). */
export interface DeadLetter {
	/** What names it to replay it. */
	key: string;
	id: string;
	subject: string;
	group: string;
	payload: Record<string, unknown>;
	attempts: number;
	error: string;
	failedAt: string;
}
