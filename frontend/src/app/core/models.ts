/**
 * The shapes the REST API and the live feed answer with. They are the backend's own types
 * (domain/, through the `@domain/*` alias, as types only): a field the backend adds or renames
 * reaches the SPA's compiler, not a hand copy. Declared here are only what the SPA receives
 * that no domain type names: a route's view of a domain type, and answers built in a
 * service (their source is named beside each).
 */
import type { Actions, InterestsCatalogue, UnreadCount } from "@domain/contracts";
import type { Notification as StoredNotification } from "@domain/notification";
import type { Category, Product } from "@domain/product";
import type { SubscriberView } from "@domain/subscriber";
import type { Questionnaire as QuestionnaireVersion } from "@domain/suitability";

export type { MatchAudit } from "@domain/audit";
export type { FieldChange, Notice } from "@domain/changes";
export type {
	AnalyticsSummary,
	CollectionStatus,
	CollectorRunSummary,
	CollectorSourceInfo,
	DeadLetter,
	Delivery,
	DeliveryStatus,
	Frequency,
	FrequencyRow,
	Page,
	PublicationReach,
	SourceProblem,
	SourceRunSummary,
	SourceStatus,
	TopProduct,
} from "@domain/contracts";
export type { InterestField, Interests, RangeConstraint, SetConstraint } from "@domain/interests";
export type { CategoryGround, StatementSet } from "@domain/investor-category";
export type { MatchReason } from "@domain/notification";
export type { Audience, Category, Metrics, Product, Rate, Venue } from "@domain/product";
export type {
	DigestFrequency,
	Locale,
	Preferences,
	RiskProfile,
	SubscriberStatus,
} from "@domain/subscriber";

/**
 * Compiles only for `never`. The SPA keeps its own lists of some domain unions (the
 * backend's lists are code, not types); `NoneMissing<Exclude<Union, List[number]>>` fails,
 * naming the value, when the backend adds one the list lacks.
 */
export type NoneMissing<Missing extends never> = Missing;

/** The asset classes in the backend's order (domain/product.ts `categories`). */
export const categories = [
	"stock",
	"reit",
	"fund",
	"coe",
	"pension",
	"fixed_income",
] as const satisfies readonly Category[];
export type EveryCategory = NoneMissing<Exclude<Category, (typeof categories)[number]>>;

/** A client as GET /api/me answers: the record with its suitability standing now. */
export type Subscriber = SubscriberView;

/** The client's questionnaire as GET /api/me shows it: with when it stops holding. */
export type SuitabilityAssessment = NonNullable<SubscriberView["suitability"]>;

/** GET /api/suitability/questionnaire: the current version, and how long answers hold. */
export type Questionnaire = QuestionnaireVersion & { validMonths: number };

/** GET /api/interests/schema (subscribers.interestsSchema): the catalogue, set values filled in. */
export type InterestsSchema = InterestsCatalogue;

/** A notification as the inbox and the live feed send it: with its cursor and product, never its audit. */
export type Notification = Omit<StoredNotification, "audit" | "category"> & {
	category: Category;
	cursor: string;
	product?: Product;
};

export type NotificationPage = Omit<Actions["notifications.list"]["result"], "rows"> & {
	rows: Notification[];
};

/** notifications.unread: the badge's count, "99+" beyond 99. */
export type Unread = UnreadCount;

export type Preview = Actions["matcher.preview"]["result"];

/** Every API error: `{ error: { type, message, data } }` with a 4xx/5xx status. */
export interface ApiError {
	status: number;
	type: string;
	message: string;
	data?: unknown;
}
