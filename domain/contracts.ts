/**
 * The names and payloads of every action and event between services: the only things a
 * service may know about another. Each service declares its own in contracts/; they are
 * composed here, the one module services and the SPA import.
 */

import type { AnalyticsActions } from "./contracts/analytics.ts";
import type { ApiActions } from "./contracts/api.ts";
import type { CollectorActions } from "./contracts/collector.ts";
import type { MailerActions } from "./contracts/mailer.ts";
import type { MarketActions } from "./contracts/market.ts";
import type { MatcherActions, MatcherQueue } from "./contracts/matcher.ts";
import type {
	NotificationsActions,
	NotificationsEvents,
	NotificationsQueue,
} from "./contracts/notifications.ts";
import type { ProductsActions, ProductsEvents, ProductsQueue } from "./contracts/products.ts";
import type { SubscribersActions, SubscribersEvents, SubscribersQueue } from "./contracts/subscribers.ts";
import type { Describes } from "./rule-type.ts";

export type * from "./contracts/analytics.ts";
export { analyticsGroupings, analyticsPeriods, analyticsRules } from "./contracts/analytics.ts";
export type * from "./contracts/api.ts";
export { apiRules, healthRule } from "./contracts/api.ts";
export type * from "./contracts/collector.ts";
export { collectorRules } from "./contracts/collector.ts";
export type * from "./contracts/mailer.ts";
export { deliveryRule, deliveryStatuses, mailTemplates } from "./contracts/mailer.ts";
export type * from "./contracts/market.ts";
export { priceHistoryRule } from "./contracts/market.ts";
export type * from "./contracts/matcher.ts";
export type * from "./contracts/notifications.ts";
export { auditTrailRule, distributionBatch, matchOf } from "./contracts/notifications.ts";
export type * from "./contracts/page.ts";
export { pageRule } from "./contracts/page.ts";
export type * from "./contracts/products.ts";
export type * from "./contracts/subscribers.ts";
export {
	accountRules,
	formRules,
	identityRules,
	importReportRule,
	interestsRule,
	preferencesRule,
	subscriberViewRule,
} from "./contracts/subscribers.ts";

/** Every action: its params and its result. */
export interface Actions
	extends ApiActions,
		MarketActions,
		CollectorActions,
		ProductsActions,
		SubscribersActions,
		NotificationsActions,
		MatcherActions,
		MailerActions,
		AnalyticsActions {}

/** Every event: its payload. Events stay small; consumers load what they need. */
export interface Events extends ProductsEvents, SubscribersEvents, NotificationsEvents {}

/**
 * The durable queue's subjects and the message each carries (lib/durable-queue.ts): a
 * message is kept until every group consuming its subject handled it.
 */
export interface QueueMessages extends ProductsQueue, MatcherQueue, NotificationsQueue, SubscribersQueue {}

export type ActionName = keyof Actions;
export type EventName = keyof Events;

/**
 * What an action answers, as the rule the OpenAPI document shows: `answers("analytics.top",
 * analyticsRules.top)` compiles only when the rule describes exactly the action's declared
 * result (domain/rule-type.ts), so the document, the contract and the SPA's types are one
 * declaration held together by the compiler. The only form `openapi.response` takes.
 */
export interface Answer {
	readonly action: ActionName;
	readonly rule: object;
}

/** Shown by the compiler where a rule does not describe the action's result. */
interface DoesNotDescribe<Result> {
	"the rule must describe exactly this result": Result;
}

export function answers<A extends ActionName, const R extends object>(
	action: A,
	rule: R &
		(Describes<R, Actions[A]["result"]> extends true ? unknown : DoesNotDescribe<Actions[A]["result"]>),
): Answer {
	return { action, rule };
}

/** The slice of a broker or context that typed calls need. */
interface Caller {
	call(name: string, params?: unknown, opts?: unknown): Promise<unknown>;
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
