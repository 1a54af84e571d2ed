/**
 * The REST client: one method per endpoint the SPA uses, each a Promise of the typed
 * answer. The client's session is the HttpOnly cookie the browser sends by itself; every
 * request says it comes from the SPA (X-Requested-With, which the server requires of cookie
 * writes: another site's form cannot add it); the operator token goes with operator calls.
 * Any failure becomes an ApiError with the server's message.
 */
import { HttpClient, HttpErrorResponse, HttpHeaders, HttpParams } from "@angular/common/http";
import { Injectable, inject } from "@angular/core";
import { firstValueFrom, type Observable } from "rxjs";
import type {
	AnalyticsSummary,
	ApiError,
	Audience,
	Category,
	CategoryGround,
	CollectionStatus,
	CollectorRunSummary,
	CollectorSourceInfo,
	DeadLetter,
	Delivery,
	Frequency,
	Interests,
	InterestsSchema,
	Locale,
	Notification,
	NotificationPage,
	Page,
	Preferences,
	Preview,
	PublicationReach,
	Questionnaire,
	RiskProfile,
	StatementSet,
	Subscriber,
	TopProduct,
	Unread,
} from "./models";
import { Session } from "./session";

type Query = Record<string, string | number | boolean | undefined>;
/** One client's or one product's trail, over São Paulo days (YYYY-MM-DD). */
export type AuditQuery = { subscriberId?: string; productId?: string; from: string; to: string };

export function isApiError(value: unknown): value is ApiError {
	return typeof value === "object" && value !== null && "status" in value && "message" in value;
}

@Injectable({ providedIn: "root" })
export class Api {
	private readonly http = inject(HttpClient);
	private readonly session = inject(Session);

	// Public
	register(body: { email: string; name: string; consent: true; locale: Locale }): Promise<unknown> {
		return this.send(this.http.post("/api/subscribers", body));
	}
	requestSignInLink(email: string): Promise<unknown> {
		return this.send(this.http.post("/api/auth/magic-link", { email }));
	}
	/** Exchanges a link's token for a session cookie (never shown to the page). */
	verify(token: string): Promise<{ subscriber: Subscriber }> {
		return this.get<{ subscriber: Subscriber }>("/api/auth/verify", { token, session: "cookie" });
	}
	interestsSchema(): Promise<InterestsSchema> {
		return this.send(this.http.get<InterestsSchema>("/api/interests/schema"));
	}
	/** The suitability questionnaire (CVM Resolution 30), current version. */
	questionnaire(): Promise<Questionnaire> {
		return this.get<Questionnaire>("/api/suitability/questionnaire");
	}
	/** The statements a qualified or professional investor attests. */
	investorStatements(): Promise<StatementSet> {
		return this.get<StatementSet>("/api/investor-category/statements");
	}
	frequency(query: { from?: string; to?: string; groupBy?: "category" | "source" }): Promise<Frequency> {
		return this.get<Frequency>("/api/analytics/frequency", query);
	}
	top(query: { period?: "7d" | "30d" | "all"; limit?: number }): Promise<TopProduct[]> {
		return this.get<TopProduct[]>("/api/analytics/top", query);
	}
	summary(): Promise<AnalyticsSummary> {
		return this.get<AnalyticsSummary>("/api/analytics/summary");
	}
	publications(limit = 20): Promise<PublicationReach[]> {
		return this.get<PublicationReach[]>("/api/analytics/publications", { limit });
	}

	// Signed-in client (their own data only)
	me(): Promise<Subscriber> {
		return this.get<Subscriber>("/api/me", {}, "session");
	}
	updateMe(body: { name?: string; locale?: Locale; riskProfile?: RiskProfile }): Promise<Subscriber> {
		return this.send(this.http.put<Subscriber>("/api/me", body, { headers: this.headers("session") }));
	}
	/** The questionnaire's answers (never a profile): the server scores them. */
	setSuitability(body: { version: string; answers: Record<string, string> }): Promise<Subscriber> {
		return this.send(
			this.http.put<Subscriber>("/api/me/suitability", body, { headers: this.headers("session") }),
		);
	}
	setInvestorCategory(body: {
		category: Audience;
		ground?: CategoryGround;
		attestation?: boolean;
		statementVersion?: string;
		locale?: Locale;
	}): Promise<Subscriber> {
		return this.send(
			this.http.put<Subscriber>("/api/me/investor-category", body, { headers: this.headers("session") }),
		);
	}
	setInterests(interests: Interests): Promise<unknown> {
		return this.send(this.http.put("/api/me/interests", interests, { headers: this.headers("session") }));
	}
	setPreferences(preferences: Partial<Preferences>): Promise<Preferences> {
		return this.send(
			this.http.put<Preferences>("/api/me/preferences", preferences, { headers: this.headers("session") }),
		);
	}
	preview(interests: Interests, riskProfile?: RiskProfile, days = 30): Promise<Preview> {
		return this.send(
			this.http.post<Preview>(
				"/api/me/interests/preview",
				{ interests, riskProfile, days },
				{ headers: this.headers("session") },
			),
		);
	}
	notifications(query: {
		before?: string;
		since?: string;
		limit?: number;
		unread?: boolean;
		category?: Category;
	}): Promise<NotificationPage> {
		return this.get<NotificationPage>("/api/me/notifications", query, "session");
	}
	unread(): Promise<Unread> {
		return this.get<Unread>("/api/me/notifications/unread", {}, "session");
	}
	markRead(body: { ids: string[] } | { all: true }): Promise<{ updated: number }> {
		return this.send(
			this.http.post<{ updated: number }>("/api/me/notifications/read", body, {
				headers: this.headers("session"),
			}),
		);
	}
	/** A fresh session cookie; the current one stops working. */
	renewSession(): Promise<{ renewed: true }> {
		return this.send(
			this.http.post<{ renewed: true }>("/api/auth/renew", {}, { headers: this.headers("session") }),
		);
	}
	/** Ends this session on the server, or every session of the client. */
	signOut(everywhere = false): Promise<unknown> {
		return this.send(
			this.http.post("/api/auth/sign-out", { everywhere }, { headers: this.headers("session") }),
		);
	}
	exportMine(): Promise<unknown> {
		return this.get<unknown>("/api/me/export", {}, "session");
	}
	eraseMe(): Promise<unknown> {
		return this.send(this.http.delete("/api/me", { headers: this.headers("session") }));
	}

	/** Public: which sources failed in their latest run, and why. */
	collectionStatus(): Promise<CollectionStatus> {
		return this.get<CollectionStatus>("/api/collector/status");
	}

	// Operator
	sources(): Promise<CollectorSourceInfo[]> {
		return this.get<CollectorSourceInfo[]>("/api/collector/sources");
	}
	runs(page = 1, pageSize = 10): Promise<Page<CollectorRunSummary>> {
		return this.get<Page<CollectorRunSummary>>("/api/collector/runs", { page, pageSize });
	}
	runNow(sources?: string[]): Promise<CollectorRunSummary> {
		return this.send(
			this.http.post<CollectorRunSummary>("/api/collector/run", sources ? { sources } : {}, {
				headers: this.headers("operator"),
			}),
		);
	}
	subscribers(query: { q?: string; status?: string; page?: number }): Promise<unknown> {
		return this.get<unknown>("/api/admin/subscribers", query, "operator");
	}
	deadLetters(): Promise<{ total: number; rows: DeadLetter[] }> {
		return this.get<{ total: number; rows: DeadLetter[] }>("/api/admin/dead-letters", {}, "operator");
	}
	/** Publishes a dead letter's message again (its cause fixed). */
	replayDeadLetter(key: string): Promise<{ replayed: true }> {
		return this.send(
			this.http.post<{ replayed: true }>(
				"/api/admin/dead-letters/replay",
				{ key },
				{ headers: this.headers("operator") },
			),
		);
	}
	deliveries(query: {
		status?: Delivery["status"];
		page?: number;
		pageSize?: number;
	}): Promise<Page<Delivery>> {
		return this.get<Page<Delivery>>("/api/admin/mail/deliveries", query, "operator");
	}

	/** The audit trail of a client or a product over a period (docs/audit.md). */
	auditTrail<T>(query: AuditQuery): Promise<T> {
		return this.get<T>("/api/admin/audit", { ...query, format: "json" }, "operator");
	}
	/** The same as the file the server writes (JSON or CSV), for a download. */
	auditFile(query: AuditQuery, format: "json" | "csv"): Promise<string> {
		let params = new HttpParams().set("format", format);
		for (const [key, value] of Object.entries(query)) if (value) params = params.set(key, value);
		return this.send(
			this.http.get("/api/admin/audit", { params, headers: this.headers("operator"), responseType: "text" }),
		);
	}

	private get<T>(url: string, query: Query = {}, auth?: "session" | "operator"): Promise<T> {
		let params = new HttpParams();
		for (const [key, value] of Object.entries(query))
			if (value !== undefined && value !== "") params = params.set(key, String(value));
		return this.send(this.http.get<T>(url, { params, headers: this.headers(auth) }));
	}

	private headers(auth?: "session" | "operator"): HttpHeaders {
		const headers = new HttpHeaders({ "x-requested-with": "insights" });
		const token = auth === "operator" ? this.session.operatorToken() : null;
		return token ? headers.set("authorization", `Bearer ${token}`) : headers;
	}

	private async send<T>(request: Observable<T>): Promise<T> {
		try {
			return await firstValueFrom(request);
		} catch (err) {
			throw toApiError(err);
		}
	}
}

export function toApiError(err: unknown): ApiError {
	if (err instanceof HttpErrorResponse) {
		const body = parsedBody(err.error) as {
			error?: { type?: string; message?: string; data?: unknown };
		} | null;
		return {
			status: err.status,
			type: body?.error?.type ?? (err.status === 0 ? "NETWORK" : "HTTP_ERROR"),
			message: body?.error?.message ?? err.message,
			data: body?.error?.data,
		};
	}
	return { status: 0, type: "UNKNOWN", message: String(err) };
}

/** A request for text (a download) gets its error as text: the JSON error inside it. */
function parsedBody(body: unknown): unknown {
	if (typeof body !== "string") return body;
	try {
		return JSON.parse(body);
	} catch {
		return null;
	}
}

export type { Notification };
