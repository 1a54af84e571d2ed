/**
 * Analytics: how often products are published and distributed, what reached most clients,
 * and each publication's reach.
 */

export const analyticsGroupings = ["category", "source"] as const;
export type AnalyticsGrouping = (typeof analyticsGroupings)[number];
export const analyticsPeriods = ["7d", "30d", "all"] as const;
type AnalyticsPeriod = (typeof analyticsPeriods)[number];

/** One day (São Paulo's calendar) and one category or source. */
export interface FrequencyRow {
	day: string;
	key: string;
	/** Products published that day. */
	published: number;
	/** Notifications created that day. */
	distributed: number;
}

export interface Frequency {
	from: string;
	to: string;
	groupBy: AnalyticsGrouping;
	/** Every category, or every source seen; rows hold every day × key, zeros included. */
	keys: string[];
	rows: FrequencyRow[];
}

export interface TopProduct {
	productId: string;
	name: string;
	category: string;
	/** Distinct subscribers notified of it in the period. */
	count: number;
}

/** One publication's reach: subscribers notified of it ÷ verified subscribers when published. */
export interface PublicationReach {
	publicationId: string;
	publishedAt: string;
	products: number;
	notifications: number;
	subscribersNotified: number;
	/** Verified subscribers when it was published; absent when subscribers could not be asked. */
	audience?: number;
	matchRate?: number;
}

export interface AnalyticsSummary {
	totals: { publications: number; productsPublished: number; notifications: number };
	activeSubscribers?: number;
	lastPublication?: PublicationReach;
	lastRun?: { id: string; startedAt: string; finishedAt: string; published: number; failedSources: string[] };
}

export interface AnalyticsActions {
	"analytics.frequency": {
		/** São Paulo days, both included; by default the 30 days ending today. */
		params: { from?: string; to?: string; groupBy?: AnalyticsGrouping };
		result: Frequency;
	};
	"analytics.top": { params: { period?: AnalyticsPeriod; limit?: number }; result: TopProduct[] };
	"analytics.summary": { params: Record<string, never>; result: AnalyticsSummary };
	"analytics.publications": { params: { limit?: number }; result: PublicationReach[] };
}

/* What the analytics routes answer, as rules (the OpenAPI document's schemas of them). */
const publicationReachRule = {
	type: "object",
	props: {
		publicationId: "string",
		publishedAt: "string",
		products: "number|integer|min:0",
		notifications: "number|integer|min:0",
		subscribersNotified: "number|integer|min:0",
		audience: "number|integer|min:0|optional",
		matchRate: "number|min:0|optional",
	},
} as const;

export const analyticsRules = {
	frequency: {
		type: "object",
		props: {
			from: "string",
			to: "string",
			groupBy: { type: "enum", values: [...analyticsGroupings] },
			keys: { type: "array", items: "string" },
			rows: {
				type: "array",
				items: {
					type: "object",
					props: {
						day: "string",
						key: "string",
						published: "number|integer|min:0",
						distributed: "number|integer|min:0",
					},
				},
			},
		},
	},
	top: {
		type: "array",
		items: {
			type: "object",
			props: { productId: "string", name: "string", category: "string", count: "number|integer|min:0" },
		},
	},
	publications: { type: "array", items: publicationReachRule },
	summary: {
		type: "object",
		props: {
			totals: {
				type: "object",
				props: {
					publications: "number|integer|min:0",
					productsPublished: "number|integer|min:0",
					notifications: "number|integer|min:0",
				},
			},
			activeSubscribers: "number|integer|min:0|optional",
			lastPublication: { ...publicationReachRule, optional: true },
			lastRun: {
				type: "object",
				optional: true,
				props: {
					id: "string",
					startedAt: "string",
					finishedAt: "string",
					published: "number|integer|min:0",
					failedSources: { type: "array", items: "string" },
				},
			},
		},
	},
} as const;
