/**
 * What only the operator routes answer. The domain's types come through core/models.ts;
 * declared here are the answers a service builds itself (subscribers.list's counts,
 * services/notifications/audit.ts's trail), kept in step with them by hand.
 */
import type {
	CollectorRunSummary,
	DeliveryStatus,
	NoneMissing,
	Page,
	Subscriber,
	SubscriberStatus,
} from "../../core/models";

/** The statuses in the filters' order: the domain's subscriberStatuses and deliveryStatuses. */
export const subscriberStatuses = [
	"pending",
	"verified",
	"unsubscribed",
	"bouncing",
] as const satisfies readonly SubscriberStatus[];
export type EverySubscriberStatus = NoneMissing<
	Exclude<SubscriberStatus, (typeof subscriberStatuses)[number]>
>;

export const deliveryStatuses = [
	"queued",
	"sent",
	"failed",
	"retrying",
] as const satisfies readonly DeliveryStatus[];
export type EveryDeliveryStatus = NoneMissing<Exclude<DeliveryStatus, (typeof deliveryStatuses)[number]>>;

/** GET /api/admin/subscribers: a page of the search, plus counts of everyone by status (not the search). */
export interface SubscriberPage extends Page<Subscriber> {
	counts: Record<SubscriberStatus, number>;
}

/** Names of the sources that failed in a run, for text beside the highlight. */
export function failedSources(run: CollectorRunSummary): string[] {
	return Object.entries(run.sources)
		.filter(([, result]) => result.status === "failed")
		.map(([name]) => name);
}

/** The audit trail (GET /api/admin/audit): one row per notification, with what it matched. */
export type { AuditRow, AuditTrail } from "@domain/contracts";
