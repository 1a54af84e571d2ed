/**
 * What the operator routes answer, where core/models.ts says less than the backend
 * (domain/contracts.ts, subscribers.list, mailer.deliveries, notifications.audit). Kept
 * here so only this page depends on the extra fields.
 */
import type {
	Audience,
	CollectorRun,
	Delivery,
	Page,
	RiskProfile,
	SourceInfo,
	SourceRun,
	Subscriber,
} from "../../core/models";

export type { SourceInfo };

/** One source in one run: core's SourceRun plus the examples of what was skipped or unreadable. */
export interface SourceRunSummary extends SourceRun {
	/** Examples only (the first 20); `skipped` is the exact count. */
	skippedReasons?: string[];
	unparsed?: number;
	unparsedExamples?: string[];
}

export interface CollectorRunSummary extends CollectorRun {
	enrichment?: { enriched: number; unavailable: number; error?: string };
	sources: Record<string, SourceRunSummary>;
}

export const subscriberStatuses = ["pending", "verified", "unsubscribed", "bouncing"] as const;
export type SubscriberStatus = (typeof subscriberStatuses)[number];

/** GET /api/admin/subscribers: a page of the search, plus counts of everyone by status (not the search). */
export interface SubscriberPage extends Page<Subscriber> {
	counts: Record<SubscriberStatus, number>;
}

export const deliveryStatuses = ["queued", "sent", "failed", "retrying"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** A delivery log entry as mailer.deliveries shows it: metadata, never the message. */
export interface DeliveryEntry extends Delivery {
	subscriberId?: string;
	locale?: string;
	messageId?: string;
	/** When a queued or retrying delivery is tried next. */
	nextAttemptAt?: string;
}

/** Names of the sources that failed in a run, for text beside the highlight. */
export function failedSources(run: CollectorRun): string[] {
	return Object.entries(run.sources)
		.filter(([, result]) => result.status === "failed")
		.map(([name]) => name);
}

/** What a notification was matched on (GET /api/admin/audit; the backend's domain/audit.ts). */
export interface MatchAudit {
	matchedAt: string;
	productVersion: string;
	profileInForce: RiskProfile;
	profileChosen: RiskProfile;
	profileExpiresAt?: string;
	investorCategory: Audience;
	questionnaireVersion?: string;
	interestsVersion: string;
}

export interface MatchReason {
	field: string;
	operator: string;
	value: number | string | boolean;
	bound: number | string | boolean | string[];
}

/** One notification of the trail; `audit` is absent for notifications stored before audits existed. */
export interface AuditRow {
	notificationId: string;
	notifiedAt: string;
	subscriberId: string;
	productId: string;
	publicationId: string;
	category: string;
	notice?: string;
	/** The source whose venue met the client (docs/venues.md). */
	venue?: string;
	reasons: MatchReason[];
	audit?: MatchAudit;
}

export interface AuditTrail {
	from: string;
	to: string;
	rows: AuditRow[];
	/** More than the route answers at once (10,000): the files hold the same first rows. */
	truncated: boolean;
	next?: string;
}
