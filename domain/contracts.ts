/**
 * The names and payloads of every action and event between services: the only things a
 * service may know about another. Import these instead of writing "products.get" by hand.
 */

import type { MatchAudit } from "./audit.ts";
import type { FieldChange } from "./changes.ts";
import type { Notification } from "./notification.ts";
import type { Audience, Category, Metrics, Product } from "./product.ts";
import type { Publication } from "./publication.ts";
import type { Interests, Preferences, RiskProfile, Subscriber, SubscriberStatus } from "./subscriber.ts";

export interface Page<T> {
	rows: T[];
	total: number;
	page: number;
	pageSize: number;
	totalPages: number;
}

export interface PricePoint {
	date: string;
	close: number;
	adjClose: number;
	volume: number;
}

export interface PriceHistory {
	ticker: string;
	symbol: string;
	name?: string;
	currency?: string;
	points: PricePoint[];
	dividends: { date: string; amount: number }[];
	splits: { date: string; ratio: string }[];
}

export interface NodeHealth {
	id: string;
	available: boolean;
	local: boolean;
	services: string[];
}

export interface Health {
	/** "starting" until every service of the answering node has started. */
	status: "ok" | "starting";
	/** The answering node can route every request (its services started, their routes exist). */
	ready: boolean;
	version: string;
	uptime: number;
	nodeId: string;
	nodes: NodeHealth[];
}

/** What one source gave in one run. Reasons are examples (the first 20); counts are exact. */
export interface SourceRunSummary {
	status: "ok" | "failed" | "skipped";
	fetched: number;
	normalized: number;
	skipped: number;
	skippedReasons: string[];
	/** Values left empty because they could not be read. */
	unparsed: number;
	unparsedExamples: string[];
	new: number;
	changed: number;
	unchanged: number;
	/** Products the source stopped listing, published closed (absent: none, or not checked). */
	withdrawn?: number;
	errors: string[];
	/** Why the source gave nothing (failed or skipped), by kind. */
	problem?: SourceProblem;
	durationMs: number;
}

export interface CollectorRunSummary {
	id: string;
	trigger: "manual" | "schedule";
	startedAt: string;
	finishedAt: string;
	/** Absent when nothing was new or changed: then nobody is told anything. */
	publicationId?: string;
	published: number;
	enrichment: { enriched: number; unavailable: number; error?: string };
	sources: Record<string, SourceRunSummary>;
}

/** Why a source gave nothing in its latest run; the SPA words `kind` per language. */
export interface SourceProblem {
	kind: "unreachable" | "timeout" | "http" | "tls" | "missing-key" | "too-large" | "format" | "other";
	httpStatus?: number;
	/** The collector's own words (English), for operators. */
	detail: string;
}

export interface SourceStatus {
	name: string;
	type: string;
	/** The latest run's outcome for this source; "never" before its first. */
	status: SourceRunSummary["status"] | "never";
	/** When that run finished. */
	at?: string;
	problem?: SourceProblem;
}

/** How collection stands: what clients and operators see when products are missing. */
export interface CollectionStatus {
	/** When the newest run finished; absent until the first one has. */
	lastRunAt?: string;
	/** Every enabled source. */
	sources: SourceStatus[];
	/** Enabled sources whose latest run failed or was skipped. */
	failing: string[];
}

export interface CollectorSourceInfo {
	name: string;
	type: string;
	format: string;
	enabled: boolean;
	schedule?: string;
	/** Where it reads from; never its headers, which may hold keys. */
	location: string;
}

/** Transactional templates, digests, and the notice that a client's suitability questionnaire expired. */
export const mailTemplates = ["verify", "sign-in", "digest", "suitability-expired"] as const;
export type MailTemplate = (typeof mailTemplates)[number];

export const deliveryStatuses = ["queued", "sent", "failed", "retrying"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** One message's delivery log. Personal data (address, content) is dropped on erasure. */
export interface Delivery {
	id: string;
	to: string;
	subscriberId?: string;
	template: string;
	locale: string;
	status: DeliveryStatus;
	attempts: { at: string; error?: string }[];
	messageId?: string;
	/** The last failure's text, or "erased". */
	error?: string;
	createdAt: string;
	updatedAt: string;
	nextAttemptAt?: string;
}

export interface Match {
	subscriberId: string;
	productId: string;
	category: Category;
	reasons: Notification["reasons"];
	/** The source whose venue met the client (domain/venues.ts). */
	venue?: Notification["venue"];
	/** The product changed since it was published before: what (domain/changes.ts). */
	changes?: Notification["changes"];
	/** Not a tip: the product stopped reaching a client who was told about it. */
	notice?: Notification["notice"];
	/** Which product version met which standing of the client, at the match (domain/audit.ts). */
	audit?: MatchAudit;
}

/** Durable queue subject "distributions": notifications as stored, for analytics. */
/**
 * What the matcher needs of a client to decide what may reach them (CVM Resolution 30):
 * the profile they chose (never above their questionnaire's score), until when it holds
 * (after, they count as conservative until renewed), their investor category, and interests.
 */
/** An erased client, known only by their id, for the matchers that missed the event. */
export interface ErasedRow {
	subscriberId: string;
	status: "erased";
}

export interface SubscriptionRow {
	subscriberId: string;
	riskProfile: RiskProfile;
	/** When the suitability assessment behind riskProfile expires; absent: no assessment (conservative). */
	profileExpiresAt?: string;
	investorCategory?: Audience;
	/** The suitability questionnaire version answered; absent: none (for the audit trail). */
	questionnaireVersion?: string;
	interests: Interests;
}

export interface DistributionBatch {
	publicationId: string;
	notifications: { subscriberId: string; productId: string; category: string; createdAt: string }[];
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

/** Durable queue subject "match-tasks": a chunk of a publication's products and their changes. */
export interface MatchTask {
	publicationId: string;
	productIds: string[];
	/** Absent in tasks queued before changes existed: every product counts as new. */
	changes?: Record<string, FieldChange[]>;
}

/**
 * The durable queue's subjects and the message each carries (mixins/durable-queue.ts): a
 * message is kept until every group consuming its subject handled it.
 */
export interface QueueMessages {
	/** products → matcher, analytics: a publication is stored and can be loaded. */
	publications: { publicationId: string };
	/** matcher → matcher: one chunk of a publication, matched by whichever matcher node takes it. */
	"match-tasks": MatchTask;
	/** notifications → analytics: notifications stored. */
	distributions: DistributionBatch;
	/** subscribers → analytics: a client erased their account. */
	erasures: ErasureMessage;
}
export type QueueSubject = keyof QueueMessages;

export const analyticsGroupings = ["category", "source"] as const;
export type AnalyticsGrouping = (typeof analyticsGroupings)[number];
export const analyticsPeriods = ["7d", "30d", "all"] as const;
export type AnalyticsPeriod = (typeof analyticsPeriods)[number];

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

/** Every action: its params and its result. */
export interface Actions {
	"api.health": { params: Record<string, never>; result: Health };
	"prices.history": { params: { ticker: string; from?: string; to?: string }; result: PriceHistory };
	"metrics.compute": { params: { ticker: string; baseDate?: string }; result: Metrics };
	"metrics.computeMany": {
		params: { tickers: string[]; baseDate?: string };
		result: Record<string, Metrics | { error: string; type: string; code: number }>;
	};
	"collector.run": { params: { sources?: string[] }; result: CollectorRunSummary };
	"collector.sources": { params: Record<string, never>; result: CollectorSourceInfo[] };
	"collector.status": { params: Record<string, never>; result: CollectionStatus };
	"collector.runs": { params: { page?: number; pageSize?: number }; result: Page<CollectorRunSummary> };
	"products.list": {
		params: {
			category?: Category;
			q?: string;
			/** Only products for this audience; only those open (or closed) to new investment. */
			audience?: Audience;
			openToInvestment?: boolean;
			page?: number;
			pageSize?: number;
		};
		result: Page<Product>;
	};
	"products.get": { params: { id: string }; result: Product };
	"products.facets": {
		params: Record<string, never>;
		result: Partial<Record<Category, Record<string, string[]>>>;
	};
	"products.getMany": { params: { ids: string[] }; result: Product[] };
	/** A source's listings (domain/venues.ts) by id, in the order asked, missing ones left out. */
	"listings.getMany": { params: { ids: string[] }; result: Product[] };
	/** The product each known listing belongs to, by listing id. */
	"listings.productsOf": { params: { ids: string[] }; result: Record<string, string> };
	/** Every listing of these products. */
	"listings.ofProducts": {
		params: { productIds: string[] };
		result: { productId: string; listing: Product }[];
	};
	/** Ids of a source's listings open to new investment. */
	"listings.openIdsOf": { params: { source: string }; result: string[] };
	"listings.put": { params: { listings: { productId: string; listing: Product }[] }; result: number };
	/** The products identified by these instrument keys (domain/venues.ts `instrumentKey`). */
	"products.byInstrument": { params: { keys: string[] }; result: Product[] };
	"products.publish": {
		/**
		 * Completes publication `id` from the products staged for it plus `products` given
		 * inline. `id` makes a retried publish idempotent: the same id is stored once.
		 */
		params: { id?: string; sources: string[]; products?: Product[]; publishedAt?: string };
		result: Publication;
	};
	"products.stage": { params: { publicationId: string; products: Product[] }; result: { staged: number } };
	/** Internal to the products folder: the listings of a publication in the making. */
	"staging.add": { params: { publicationId: string; products: Product[] }; result: number };
	"staging.take": { params: { publicationId: string }; result: Product[] };
	"staging.clear": { params: { publicationId: string }; result: undefined };
	/** The catalogue's products before the publication, by id (null: not there); the first call's answer is kept. */
	"staging.remember": {
		params: { publicationId: string; before: Record<string, Product | null> };
		result: Record<string, Product | null>;
	};
	"publications.create": { params: Publication; result: Publication };
	"publications.changesOf": {
		params: { id: string; productIds: string[] };
		result: Record<string, FieldChange[]>;
	};
	"publications.markAnnounced": { params: { id: string }; result: { updated: number } };
	"publications.unannounced": { params: { before: string; limit?: number }; result: string[] };
	"publications.list": { params: { page?: number; pageSize?: number }; result: Page<Publication> };
	"publications.get": {
		/**
		 * `withProducts: false` for large publications: load products in chunks with getMany.
		 * `withChanges`: with what changed per product (else left out; publications.changesOf).
		 */
		params: { id: string; withProducts?: boolean; withChanges?: boolean };
		result: Publication & { products?: Product[] };
	};
	"subscribers.get": { params: { id: string }; result: Subscriber };
	"subscribers.mailable": {
		params: { after?: string; pageSize?: number };
		result: {
			rows: { id: string; email: string; name: string; locale: string; preferences: Preferences }[];
			next?: string;
		};
	};
	"subscribers.unsubscribeUrl": { params: { id: string }; result: string };
	"subscribers.markBouncing": { params: { email: string }; result: { updated: number } };
	"notifications.pendingMail": {
		params: { subscriberId: string; createdBefore?: string; limit?: number };
		result: (Notification & { product?: Product })[];
	};
	"notifications.markMailed": {
		params: { subscriberId: string; ids: string[] };
		result: { updated: number };
	};
	/** The subscriber a session token belongs to (401 when missing, forged or expired). */
	"identity.authenticate": {
		params: { token: string };
		/** sessionId: the session's jti, for sign-out and renewal; live: preferences.live. */
		result: { subscriberId: string; sessionId: string; live: boolean };
	};
	"subscribers.active": {
		params: { after?: string; pageSize?: number };
		result: { rows: SubscriptionRow[]; next?: string };
	};
	"matcher.preview": {
		params: { interests: Interests; riskProfile: RiskProfile; days?: number };
		/** `products`: the first 20 matches, newest first, each with its reasons. */
		result: { count: number; days: number; products: (Product & { reasons: Notification["reasons"] })[] };
	};
	/** The caller's own inbox: the subscriber comes from ctx.meta.subscriberId (the session). */
	"notifications.list": {
		params: { since?: string; before?: string; limit?: number; unread?: boolean; category?: Category };
		result: {
			rows: (Notification & { product?: Product })[];
			unread: number;
			hasMore: boolean;
			next?: string;
		};
	};
	"notifications.markRead": { params: { ids?: string[]; all?: boolean }; result: { updated: number } };
	"notifications.store": {
		/** `backfill`: a client's recent matches, stored only where news to them (notices.ts). */
		params: { publicationId: string; matches: Match[]; backfill?: boolean };
		result: { created: number; existing: number };
	};
	"notifications.forget": { params: { subscriberId: string }; result: { removed: number } };
	"mailer.send": {
		params: {
			to: string;
			template: MailTemplate;
			locale: string;
			data: Record<string, unknown>;
			subscriberId?: string;
			/** The same key twice sends once (a retried call, a redelivered event). */
			idempotencyKey?: string;
			/** Non-transactional mail: adds List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
			unsubscribeUrl?: string;
		};
		result: { id: string; status: DeliveryStatus };
	};
	"mailer.deliveries": {
		params: { status?: DeliveryStatus; page?: number; pageSize?: number; subscriberId?: string };
		result: Page<Delivery>;
	};
	/** Erasure (LGPD): the subscriber's address and message contents leave the delivery log. */
	"mailer.forget": { params: { subscriberId: string; email: string }; result: { updated: number } };
	"analytics.frequency": {
		/** São Paulo days, both included; by default the 30 days ending today. */
		params: { from?: string; to?: string; groupBy?: AnalyticsGrouping };
		result: Frequency;
	};
	"analytics.top": { params: { period?: AnalyticsPeriod; limit?: number }; result: TopProduct[] };
	"analytics.summary": { params: Record<string, never>; result: AnalyticsSummary };
	"analytics.publications": { params: { limit?: number }; result: PublicationReach[] };
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
}

export const subscriberChanges = [
	"verified",
	"profile",
	"interests",
	"preferences",
	"unsubscribed",
	"bouncing",
	"erased",
] as const;
export type SubscriberChange = (typeof subscriberChanges)[number];

/** Every event: its payload. Events stay small; consumers load what they need. */
export interface Events {
	"products.published": { publicationId: string };
	/** Every change to a subscriber; matcher nodes update their index from it. */
	"subscribers.changed": { id: string; change: SubscriberChange };
	"notifications.created": { subscriberId: string; notificationIds: string[]; publicationId: string };
}

export type ActionName = keyof Actions;
export type EventName = keyof Events;

/** Action names as values, for `broker.call(action.productsGet, …)` and REST aliases. */
export const action = {
	apiHealth: "api.health",
	pricesHistory: "prices.history",
	metricsCompute: "metrics.compute",
	metricsComputeMany: "metrics.computeMany",
	collectorRun: "collector.run",
	collectorSources: "collector.sources",
	collectorRuns: "collector.runs",
	productsList: "products.list",
	productsGet: "products.get",
	productsGetMany: "products.getMany",
	productsFacets: "products.facets",
	productsPublish: "products.publish",
	productsStage: "products.stage",
	publicationsList: "publications.list",
	publicationsGet: "publications.get",
	publicationsCreate: "publications.create",
	subscribersGet: "subscribers.get",
	subscribersActive: "subscribers.active",
	matcherPreview: "matcher.preview",
	notificationsList: "notifications.list",
	notificationsMarkRead: "notifications.markRead",
	notificationsStore: "notifications.store",
	notificationsForget: "notifications.forget",
	mailerSend: "mailer.send",
	mailerDeliveries: "mailer.deliveries",
	mailerForget: "mailer.forget",
	analyticsFrequency: "analytics.frequency",
	analyticsTop: "analytics.top",
	analyticsSummary: "analytics.summary",
	analyticsPublications: "analytics.publications",
} as const satisfies Record<string, ActionName>;

export const event = {
	productsPublished: "products.published",
	subscribersChanged: "subscribers.changed",
	notificationsCreated: "notifications.created",
} as const satisfies Record<string, EventName>;

/** The slice of a broker or context that typed calls need. */
interface Caller {
	call(name: string, params?: unknown, opts?: unknown): Promise<unknown>;
}
interface Emitter {
	emit(name: string, payload?: unknown, opts?: unknown): Promise<void> | void;
}

/** A type-checked `call`: the action name fixes the params and the result. */
export function call<A extends ActionName>(
	via: Caller,
	name: A,
	params: Actions[A]["params"],
	opts?: Record<string, unknown>,
): Promise<Actions[A]["result"]> {
	return via.call(name, params, opts) as Promise<Actions[A]["result"]>;
}

/**
 * A type-checked `broadcast`: every node listening gets it. For events that update per-node
 * state (matcher indexes, live sockets); work that must happen once goes through the
 * durable queue instead.
 */
export async function broadcast<E extends EventName>(
	via: { broadcast(name: string, payload?: unknown): Promise<void> | void },
	name: E,
	payload: Events[E],
): Promise<void> {
	await via.broadcast(name, payload);
}

/** A type-checked `emit`: the event name fixes the payload. */
export async function emit<E extends EventName>(via: Emitter, name: E, payload: Events[E]): Promise<void> {
	await via.emit(name, payload);
}
