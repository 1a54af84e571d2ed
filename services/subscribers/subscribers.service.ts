/**
 * Subscribers: registration with double opt-in, magic-link sign-in, sessions, the client's
 * own profile, interests and preferences, one-click unsubscribe, export and erasure (LGPD).
 * Every client route acts on the session's subscriber (ctx.meta.subscriberId), never on an
 * id from the request, so no client can reach another's data.
 */
import { randomUUID } from "node:crypto";
import { type Context, Errors, type ServiceSchema, type ServiceSettingSchema } from "moleculer";
import { configOf } from "../../config.ts";
import { isoNow } from "../../domain/clock.ts";
import { broadcast, call, type ErasureMessage, type SubscriberChange } from "../../domain/contracts.ts";
import { checkInterests, type Interests, interestFields } from "../../domain/interests.ts";
import {
	defaultPreferences,
	type Locale,
	locales,
	maxRiskLevel,
	type Preferences,
	personNameSchema,
	preferencesSchema,
	type RiskProfile,
	registrationSchema,
	riskProfiles,
	type Subscriber,
	type SubscriberView,
} from "../../domain/subscriber.ts";
import { answersInWords } from "../../domain/suitability.ts";
import { operatorOnly, type SessionCarrier, sessionCookie } from "../../mixins/auth.ts";
import { DbMixin } from "../../mixins/db.mixin.ts";
import { acquireQueue, type DurableQueue, releaseQueue } from "../../mixins/durable-queue.ts";
import { pageOf } from "../products/catalogue.ts";
import { importClients } from "./import.ts";
import { type Limiter, limiter } from "./limits.ts";
import { unsubscribePage } from "./pages.ts";
import { signingKey } from "./secret.ts";
import { SuitabilityMixin } from "./suitability.mixin.ts";
import { profileChoice, scoredOrThrow } from "./suitability.ts";
import { lifetimeSeconds, type Purpose, signToken, verifyToken } from "./tokens.ts";
import {
	changedRow,
	isTombstone,
	notErased,
	publicView,
	type StoredSubscriber,
	subscriptionRow,
	tombstone,
} from "./view.ts";

/** The consent text version clients accept when they register (docs/privacy). */
export const consentVersion = "2026-11";
/** Verify and sign-in links kept valid per subscriber: the newest few. */
const maxPendingLinks = 5;
/** Sessions (devices, browsers) kept valid per subscriber: signing in on a 21st drops the oldest. */
const maxSessions = 20;
/** Every client route: the subscriber comes from the session, never from the request. */
const sessionOnly = { auth: "subscriber" } as unknown as Record<string, never>;
const accepted = "If this address can receive our e-mail, a link is on its way. Check your inbox.";

type Meta = {
	subscriberId?: string;
	/** The session's jti (set by the gateway with subscriberId). */
	sessionId?: string;
	sessionCarrier?: SessionCarrier;
	ip?: string;
	$statusCode?: number;
	$responseType?: string;
	$responseHeaders?: Record<string, string>;
};

function invalid(errors: { field: string; message: string }[]): never {
	throw new Errors.ValidationError(errors.map((e) => e.message).join("; "), "INVALID_INTERESTS", errors);
}

function interestsOrThrow(input: unknown): Interests {
	const checked = checkInterests(input ?? {});
	if (!checked.ok) invalid(checked.errors);
	return checked.value;
}

const subscribers: ServiceSchema = {
	name: "subscribers",
	mixins: [
		DbMixin({
			collection: "subscribers",
			unique: ["email"],
			indexed: ["status", "updatedAt", "suitability.assessedAt"],
		}),
		SuitabilityMixin,
	],

	settings: { rest: "/" } as ServiceSettingSchema,

	actions: {
		register: {
			rest: "POST /subscribers",
			...({ openapi: { status: 202 } } as object),
			params: registrationSchema,
			async handler(
				ctx: Context<
					{
						email: string;
						name: string;
						locale: Locale;
						riskProfile?: RiskProfile;
						suitability?: unknown;
						interests?: unknown;
						preferences?: Partial<Preferences>;
					},
					Meta
				>,
			) {
				const { email, name, locale, riskProfile, preferences } = ctx.params;
				// Validate everything first: a bad request fails the same way for any address.
				const interests = interestsOrThrow(ctx.params.interests);
				const scored =
					ctx.params.suitability === undefined ? undefined : scoredOrThrow(ctx.params.suitability);
				const ceiling = scored?.profile ?? "conservative";
				const choice = profileChoice(ceiling, riskProfile ?? ceiling, scored !== undefined);
				await this.takeLinkLimits("register", email, ctx.meta.ip);
				const existing: StoredSubscriber | undefined = await this.byEmail(email);
				if (!existing) {
					const now = this.isoNow();
					const subscriber: StoredSubscriber = {
						id: randomUUID(),
						email,
						name,
						locale,
						status: "pending",
						...choice,
						...(scored ? { suitability: { ...scored, assessedAt: now } } : {}),
						interests,
						preferences: { ...defaultPreferences, ...preferences },
						consent: {
							version: consentVersion,
							acceptedAt: now,
							...(ctx.meta.ip ? { ip: ctx.meta.ip } : {}),
						},
						createdAt: now,
						updatedAt: now,
						pendingLinks: [],
					};
					await this.upsert(subscriber.id, subscriber as unknown as Record<string, unknown>);
					await this.sendLink(ctx, subscriber, "verify");
				} else await this.remind(ctx, existing);
				ctx.meta.$statusCode = 202;
				return { message: accepted };
			},
		},

		/**
		 * `session: "cookie"` (the SPA) sets the session as an HttpOnly cookie and leaves it out
		 * of the answer, so no script on the page ever holds it; API clients get it in the body.
		 */
		verify: {
			rest: "GET /auth/verify",
			params: {
				token: "string|min:10|max:2000",
				session: { type: "enum", values: ["token", "cookie"], default: "token" },
			},
			async handler(ctx: Context<{ token: string; session: "token" | "cookie" }, Meta>) {
				const claims = await verifyToken(this.key, ctx.params.token, ["verify", "sign-in"], this.clock.now());
				const used = await this.updateWhere(
					{ _id: claims.sub, pendingLinks: claims.jti },
					{ $pull: { pendingLinks: claims.jti } },
				);
				if (!used)
					throw new Errors.MoleculerClientError(
						"This link was already used or replaced by a newer one: ask for a new one.",
						401,
						"LINK_USED",
					);
				let subscriber = await this.load(claims.sub);
				if (subscriber.status === "pending") {
					subscriber = await this.change(
						ctx,
						subscriber,
						{ status: "verified", verifiedAt: this.isoNow() },
						"verified",
					);
				}
				const token = await this.openSession(subscriber.id);
				if (ctx.params.session === "cookie") {
					this.setSessionCookie(ctx, token);
					return { subscriber: this.view(subscriber) };
				}
				return { token, subscriber: this.view(subscriber) };
			},
		},

		magicLink: {
			rest: "POST /auth/magic-link",
			...({ openapi: { status: 202 } } as object),
			params: { email: { type: "email", normalize: true, max: 254 } },
			async handler(ctx: Context<{ email: string }, Meta>) {
				await this.takeLinkLimits("link", ctx.params.email, ctx.meta.ip);
				const existing = await this.byEmail(ctx.params.email);
				if (existing) await this.remind(ctx, existing);
				ctx.meta.$statusCode = 202;
				return { message: accepted };
			},
		},

		/** Internal: the gateway turns a session token into the subscriber it belongs to. */
		authenticate: {
			visibility: "public",
			params: { token: "string|min:10|max:2000" },
			async handler(
				ctx: Context<{ token: string }>,
			): Promise<{ subscriberId: string; sessionId: string; live: boolean }> {
				const claims = await verifyToken(this.key, ctx.params.token, ["session"], this.clock.now());
				const found: StoredSubscriber | undefined = await this.adapter.findById(claims.sub);
				if (!found || isTombstone(found))
					throw new Errors.MoleculerClientError("This account no longer exists.", 401, "UNAUTHORIZED");
				if (!found.sessions?.includes(claims.jti))
					throw new Errors.MoleculerClientError(
						"This session was signed out: sign in again.",
						401,
						"SESSION_REVOKED",
					);
				// The live gateway needs to know whether to push to this client at all.
				return { subscriberId: claims.sub, sessionId: claims.jti, live: found.preferences?.live !== false };
			},
		},

		/**
		 * A fresh session for the current one, which stops working: sessions live while used.
		 * It comes the way the current one came (a cookie stays a cookie, out of scripts' reach).
		 */
		renew: {
			rest: "POST /auth/renew",
			...sessionOnly,
			async handler(ctx: Context<unknown, Meta>): Promise<{ token?: string; renewed: true }> {
				const token = await this.openSession(ctx.meta.subscriberId as string, ctx.meta.sessionId);
				if (ctx.meta.sessionCarrier !== "cookie") return { token, renewed: true };
				this.setSessionCookie(ctx, token);
				return { renewed: true };
			},
		},

		/** This session only; `everywhere: true` every session of the client (a lost phone). */
		signOut: {
			rest: "POST /auth/sign-out",
			...sessionOnly,
			params: { everywhere: { type: "boolean", optional: true } },
			async handler(ctx: Context<{ everywhere?: boolean }, Meta>): Promise<{ signedOut: number }> {
				const query = { _id: ctx.meta.subscriberId };
				const update = ctx.params.everywhere
					? { $set: { sessions: [] } }
					: { $pull: { sessions: ctx.meta.sessionId } };
				const before: StoredSubscriber = await this.load(ctx.meta.subscriberId);
				await this.updateWhere(query, update);
				this.setSessionCookie(ctx, undefined);
				return { signedOut: ctx.params.everywhere ? (before.sessions?.length ?? 0) : 1 };
			},
		},

		/** Public: what a client can constrain per category, for forms built from one source. */
		interestsSchema: {
			rest: "GET /interests/schema",
			async handler(ctx: Context) {
				// Without the catalogue the schema still answers, with no values seen.
				const facets = await call(ctx, "products.facets", {}).catch((err: Error) => {
					this.logger.warn(`Interests schema without product values: ${err.message}`);
					return {} as Record<string, never>;
				});
				return {
					riskProfiles: riskProfiles.map((profile) => ({ profile, maxRiskLevel: maxRiskLevel[profile] })),
					categories: Object.fromEntries(
						Object.entries(interestFields).map(([category, fields]) => [
							category,
							fields.map((field) => ({
								...field,
								...(field.kind === "set"
									? {
											values:
												field.values ??
												(facets as Record<string, Record<string, string[]>>)[category]?.[field.name] ??
												[],
										}
									: {}),
							})),
						]),
					),
				};
			},
		},

		me: {
			rest: "GET /me",
			...sessionOnly,
			async handler(ctx: Context<unknown, Meta>) {
				return this.view(await this.load(ctx.meta.subscriberId));
			},
		},

		updateMe: {
			rest: "PUT /me",
			...sessionOnly,
			params: {
				name: { ...personNameSchema, optional: true },
				locale: { type: "enum", values: [...locales], optional: true },
				riskProfile: { type: "enum", values: [...riskProfiles], optional: true },
				$$strict: true,
			},
			async handler(ctx: Context<Partial<Pick<Subscriber, "name" | "locale" | "riskProfile">>, Meta>) {
				const subscriber: StoredSubscriber = await this.load(ctx.meta.subscriberId);
				const { riskProfile, ...given } = ctx.params;
				const fields = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
				// At most what the questionnaire scored; conservative without one (CVM Resolution 30).
				const ceiling = subscriber.suitability?.profile ?? "conservative";
				const choice = riskProfile
					? profileChoice(ceiling, riskProfile, Boolean(subscriber.suitability))
					: {};
				return this.view(await this.change(ctx, subscriber, { ...fields, ...choice }, "profile"));
			},
		},

		interests: {
			rest: "GET /me/interests",
			...sessionOnly,
			async handler(ctx: Context<unknown, Meta>) {
				return (await this.load(ctx.meta.subscriberId)).interests;
			},
		},

		setInterests: {
			rest: "PUT /me/interests",
			...sessionOnly,
			async handler(ctx: Context<unknown, Meta>) {
				const interests = interestsOrThrow(ctx.params);
				const subscriber = await this.load(ctx.meta.subscriberId);
				return (await this.change(ctx, subscriber, { interests }, "interests")).interests;
			},
		},

		preferences: {
			rest: "GET /me/preferences",
			...sessionOnly,
			async handler(ctx: Context<unknown, Meta>) {
				return (await this.load(ctx.meta.subscriberId)).preferences;
			},
		},

		setPreferences: {
			rest: "PUT /me/preferences",
			...sessionOnly,
			params: { ...preferencesSchema.props, $$strict: true },
			async handler(ctx: Context<Partial<Preferences>, Meta>) {
				const subscriber = await this.load(ctx.meta.subscriberId);
				// Validation leaves absent optional fields as undefined keys: they must not erase a value.
				const given = Object.fromEntries(
					Object.entries(ctx.params).filter(([, value]) => value !== undefined),
				);
				const preferences = { ...subscriber.preferences, ...given };
				return (await this.change(ctx, subscriber, { preferences }, "preferences")).preferences;
			},
		},

		export: {
			rest: "GET /me/export",
			...sessionOnly,
			async handler(ctx: Context<unknown, Meta>) {
				const subscriber = await this.load(ctx.meta.subscriberId);
				const deliveries = await this.collectPages((page: number) =>
					call(ctx, "mailer.deliveries", { subscriberId: subscriber.id, page, pageSize: 100 }),
				);
				ctx.meta.$responseHeaders = {
					"Content-Disposition": `attachment; filename="insights-${subscriber.id}.json"`,
				};
				const notifications = await this.collectNotifications(ctx);
				const { suitability } = subscriber;
				return {
					exportedAt: this.isoNow(),
					subscriber: this.view(subscriber),
					// The questionnaire as the client answered it, in words (their language).
					...(suitability
						? {
								suitabilityAnswers: answersInWords(
									suitability.version,
									suitability.answers,
									subscriber.locale,
								),
							}
						: {}),
					notifications,
					deliveries,
				};
			},
		},

		erase: {
			rest: "DELETE /me",
			...sessionOnly,
			async handler(ctx: Context<unknown, Meta>) {
				const subscriber = await this.load(ctx.meta.subscriberId);
				// Personal data in other services first: if this fails, the account still exists to retry.
				await call(ctx, "mailer.forget", { subscriberId: subscriber.id, email: subscriber.email });
				await call(ctx, "notifications.forget", { subscriberId: subscriber.id });
				// Analytics nodes each get it, also those down right now (the durable queue).
				const erasure: ErasureMessage = {
					subscriberId: subscriber.id,
					replacement: `erased-${randomUUID()}`,
				};
				await (await this.erasureQueue()).publish("erasures", { ...erasure }, `erasure:${subscriber.id}`);
				// Only the id and the time stay, for a while (changedSince: matchers that missed the event).
				const { id, ...gone } = tombstone(subscriber.id, this.isoNow());
				await this.upsert(id, gone);
				await this.compactStore();
				// Every matcher drops them, every live node closes their sockets.
				await broadcast(ctx, "subscribers.changed", { id: subscriber.id, change: "erased" });
				this.setSessionCookie(ctx, undefined);
				this.logger.info("Subscriber erased", { id: subscriber.id });
				return { erased: true };
			},
		},

		/** GET shows a confirmation page (mail scanners follow GET links); POST is RFC 8058's one click. */
		/** Routed by the gateway's own /api/unsubscribe route (it parses forms). */
		unsubscribePage: {
			params: { token: "string|min:10|max:2000" },
			async handler(ctx: Context<{ token: string }, Meta>) {
				const claims = await verifyToken(this.key, ctx.params.token, ["unsubscribe"], this.clock.now()).catch(
					() => undefined,
				);
				const found = claims ? await this.adapter.findById(claims.sub) : undefined;
				const subscriber = isTombstone(found) ? undefined : found;
				ctx.meta.$responseType = "text/html; charset=utf-8";
				return unsubscribePage(subscriber?.locale ?? "pt-BR", subscriber ? ctx.params.token : undefined);
			},
		},

		unsubscribe: {
			params: { token: "string|min:10|max:2000" },
			async handler(ctx: Context<{ token: string }, Meta>) {
				const claims = await verifyToken(this.key, ctx.params.token, ["unsubscribe"], this.clock.now());
				const subscriber = await this.load(claims.sub);
				if (subscriber.preferences.email) {
					const preferences = { ...subscriber.preferences, email: false };
					await this.change(ctx, subscriber, { preferences }, "unsubscribed");
				}
				ctx.meta.$responseType = "text/html; charset=utf-8";
				return unsubscribePage(subscriber.locale, undefined, true);
			},
		},

		/** Internal: the link a non-transactional e-mail carries (mailer digests). */
		unsubscribeUrl: {
			visibility: "public",
			params: { id: "string|min:1" },
			async handler(ctx: Context<{ id: string }>): Promise<string> {
				const { token } = await signToken(this.key, "unsubscribe", ctx.params.id, this.clock.now());
				return `${configOf(this.broker).publicUrl}/api/unsubscribe?token=${token}`;
			},
		},

		/**
		 * Internal: verified subscribers' matching data in pages by id (a cursor, not an
		 * offset, so a million subscribers load in linear time); `next` is absent at the end.
		 */
		active: {
			visibility: "public",
			params: {
				after: "string|optional",
				pageSize: "number|integer|min:1|max:5000|default:1000",
			},
			async handler(ctx: Context<{ after?: string; pageSize: number }>) {
				const { after, pageSize } = ctx.params;
				const rows: (StoredSubscriber & { _id: string })[] = await this.adapter.find({
					query: { status: "verified", ...(after ? { _id: { $gt: after } } : {}) },
					sort: ["_id"],
					limit: pageSize,
				});
				const { suitabilityValidMonths } = configOf(this.broker);
				return {
					rows: rows.map((row) => subscriptionRow(row, suitabilityValidMonths)),
					next: rows.length === pageSize ? rows.at(-1)?._id : undefined,
				};
			},
		},

		/**
		 * Internal (matcher): every subscriber changed since `since`, whatever their status, in
		 * pages by id, so a matcher that missed a `subscribers.changed` event can catch up.
		 * Clients erased within the queue's keep window come back as tombstones (id only).
		 */
		changedSince: {
			visibility: "public",
			params: {
				since: { type: "string", pattern: /^\d{4}-\d{2}-\d{2}T/ },
				after: "string|optional",
				pageSize: "number|integer|min:1|max:5000|default:1000",
			},
			async handler(ctx: Context<{ since: string; after?: string; pageSize: number }>) {
				const { since, after, pageSize } = ctx.params;
				const rows: (StoredSubscriber & { _id: string })[] = await this.adapter.find({
					query: { updatedAt: { $gte: since }, ...(after ? { _id: { $gt: after } } : {}) },
					sort: ["_id"],
					limit: pageSize,
				});
				const { suitabilityValidMonths } = configOf(this.broker);
				return {
					rows: rows.map((row) => changedRow(row, suitabilityValidMonths)),
					next: rows.length === pageSize ? rows.at(-1)?._id : undefined,
				};
			},
		},

		/** Internal (publications, analytics): how many verified subscribers there are now. */
		countActive: {
			visibility: "public",
			async handler() {
				return { count: await this.adapter.count({ query: { status: "verified" } }) };
			},
		},

		/** Internal (mailer digests): who may receive e-mail now, a page at a time by id. */
		mailable: {
			visibility: "public",
			params: { after: "string|optional", pageSize: "number|integer|min:1|max:5000|default:1000" },
			async handler(ctx: Context<{ after?: string; pageSize: number }>) {
				const { after, pageSize } = ctx.params;
				const rows: (StoredSubscriber & { _id: string })[] = await this.adapter.find({
					query: { status: "verified", "preferences.email": true, ...(after ? { _id: { $gt: after } } : {}) },
					sort: ["_id"],
					limit: pageSize,
				});
				return {
					rows: rows.map((row) => ({
						id: row._id,
						email: row.email,
						name: row.name,
						locale: row.locale,
						preferences: row.preferences,
					})),
					next: rows.length === pageSize ? rows.at(-1)?._id : undefined,
				};
			},
		},

		/** Internal (mailer): a permanent delivery failure; nothing more is sent to the address. */
		markBouncing: {
			visibility: "public",
			params: { email: { type: "email", normalize: true } },
			async handler(ctx: Context<{ email: string }>) {
				const subscriber = await this.byEmail(ctx.params.email);
				if (!subscriber || subscriber.status === "bouncing") return { updated: 0 };
				await this.change(ctx, subscriber, { status: "bouncing" }, "bouncing");
				return { updated: 1 };
			},
		},

		get: {
			visibility: "public",
			params: { id: "string|min:1" },
			async handler(ctx: Context<{ id: string }>) {
				return this.view(await this.load(ctx.params.id));
			},
		},

		list: {
			rest: "GET /admin/subscribers",
			...operatorOnly,
			params: {
				q: "string|trim|max:100|optional",
				status: { type: "enum", values: ["pending", "verified", "unsubscribed", "bouncing"], optional: true },
				page: "number|integer|min:1|convert|default:1",
				pageSize: "number|integer|min:1|max:100|convert|default:20",
			},
			async handler(ctx: Context<{ q?: string; status?: string; page: number; pageSize: number }>) {
				const { q, status, page, pageSize } = ctx.params;
				const query: Record<string, unknown> = status ? { status } : { ...notErased };
				if (q) {
					const pattern = new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
					query.$or = [{ email: { $regex: pattern } }, { name: { $regex: pattern } }];
				}
				const [rows, total, ...counts] = await Promise.all([
					this.adapter.find({ query, sort: ["-createdAt"], offset: (page - 1) * pageSize, limit: pageSize }),
					this.adapter.count({ query }),
					...["pending", "verified", "unsubscribed", "bouncing"].map((s) =>
						this.adapter.count({ query: { status: s } }),
					),
				]);
				const [pending, verified, unsubscribed, bouncing] = counts;
				return {
					...pageOf(
						rows.map((row: StoredSubscriber) => this.view(this.adapter.afterRetrieveTransformID(row, "id"))),
						total,
						page,
						pageSize,
					),
					counts: { pending, verified, unsubscribed, bouncing },
				};
			},
		},

		/** Routed by the gateway's /api/admin/subscribers/import route (larger bodies). */
		import: {
			...operatorOnly,
			params: { csv: "string|min:1|max:5000000", dryRun: "boolean|convert|default:false" },
			async handler(ctx: Context<{ csv: string; dryRun: boolean }>) {
				return importClients(ctx.params.csv, ctx.params.dryRun, {
					exists: async (email) => Boolean(await this.byEmail(email)),
					create: async (client) => {
						const now = this.isoNow();
						const subscriber: StoredSubscriber = {
							id: randomUUID(),
							...client,
							status: "pending",
							riskProfile: "conservative",
							interests: {},
							preferences: { ...defaultPreferences },
							// Imported clients consent when they confirm the verification e-mail.
							consent: { version: `import:${consentVersion}`, acceptedAt: now },
							createdAt: now,
							updatedAt: now,
							pendingLinks: [],
						};
						await this.upsert(subscriber.id, subscriber as unknown as Record<string, unknown>);
						await this.sendLink(ctx, subscriber, "verify");
					},
				});
			},
		},
	},

	methods: {
		/** Sets the SPA's session cookie, or ends it (no token). Secure when served over https. */
		setSessionCookie(ctx: Context<unknown, Meta>, token: string | undefined) {
			const secure = configOf(this.broker).publicUrl.startsWith("https:");
			ctx.meta.$responseHeaders = {
				...ctx.meta.$responseHeaders,
				"Set-Cookie": sessionCookie(token, lifetimeSeconds.session, secure),
			};
		},

		/** The durable queue, taken at the first erasure: most calls never need it. */
		erasureQueue(): Promise<DurableQueue> {
			this.queue ??= acquireQueue(this.broker);
			return this.queue;
		},

		async byEmail(email: string): Promise<StoredSubscriber | undefined> {
			const [found] = await this.adapter.find({ query: { email, ...notErased }, limit: 1 });
			return found ? this.adapter.afterRetrieveTransformID(found, "id") : undefined;
		},

		async load(id: string | undefined): Promise<StoredSubscriber> {
			const found = id ? await this.adapter.findById(id) : undefined;
			if (!found || isTombstone(found))
				throw new Errors.MoleculerClientError("No such subscriber.", 404, "NOT_FOUND");
			return this.adapter.afterRetrieveTransformID(found, "id");
		},

		/** Abuse limits of anything that e-mails a link: per IP, per address from that IP, per address. */
		async takeLinkLimits(kind: "register" | "link", email: string, ip = "?") {
			await this.limits.ip.take(`${kind}:${ip}`);
			await this.limits.addressFromIp.take(`${email}|${ip}`);
			await this.limits.address.take(email);
		},

		/** Signs a session and records it as valid (replacing `replaces`, on renewal). */
		async openSession(subscriberId: string, replaces?: string): Promise<string> {
			const { token, jti } = await signToken(this.key, "session", subscriberId, this.clock.now());
			const subscriber: StoredSubscriber = await this.load(subscriberId);
			const sessions = [...(subscriber.sessions ?? []).filter((id) => id !== replaces), jti].slice(
				-maxSessions,
			);
			await this.updateWhere({ _id: subscriberId }, { $set: { sessions } });
			return token;
		},

		isoNow(): string {
			return isoNow(this.clock);
		},

		/** The record as its owner and other services see it, with its suitability standing now. */
		view(subscriber: StoredSubscriber): SubscriberView {
			return publicView(subscriber, {
				now: this.clock.now(),
				validMonths: configOf(this.broker).suitabilityValidMonths,
			});
		},

		/** Saves the change, then tells every matcher node. */
		async change(
			ctx: Context,
			subscriber: StoredSubscriber,
			fields: Partial<StoredSubscriber>,
			change: SubscriberChange,
		): Promise<StoredSubscriber> {
			const set = { ...fields, updatedAt: this.isoNow() };
			// Only the changed fields: a link issued meanwhile (pendingLinks) is not overwritten.
			await this.updateWhere({ _id: subscriber.id }, { $set: set });
			const updated = { ...subscriber, ...set };
			await broadcast(ctx, "subscribers.changed", { id: updated.id, change });
			return updated;
		},

		/** Someone asked for a link for an existing address: the right one, and nothing else changes. */
		async remind(ctx: Context, subscriber: StoredSubscriber) {
			if (subscriber.status === "bouncing") return;
			await this.sendLink(ctx, subscriber, subscriber.status === "pending" ? "verify" : "sign-in");
		},

		async sendLink(
			ctx: Context,
			subscriber: StoredSubscriber,
			purpose: Extract<Purpose, "verify" | "sign-in">,
		) {
			const { token, jti } = await signToken(this.key, purpose, subscriber.id, this.clock.now());
			subscriber.pendingLinks = [...(subscriber.pendingLinks ?? []), jti].slice(-maxPendingLinks);
			await this.updateWhere({ _id: subscriber.id }, { $set: { pendingLinks: subscriber.pendingLinks } });
			const link = `${configOf(this.broker).publicUrl}/verificar?token=${token}`;
			await call(ctx, "mailer.send", {
				to: subscriber.email,
				template: purpose,
				locale: subscriber.locale,
				// A verification goes to an address nobody has confirmed yet: its name was typed by
				// whoever registered it, maybe a stranger, so the e-mail does not quote it.
				data: { ...(purpose === "verify" ? {} : { name: subscriber.name }), link },
				subscriberId: subscriber.id,
				idempotencyKey: `${purpose}:${jti}`,
			});
		},

		/** The whole inbox, oldest pages last (notifications.list reads the session from meta). */
		async collectNotifications(ctx: Context) {
			const rows: unknown[] = [];
			let before: string | undefined;
			for (;;) {
				const page = await call(ctx, "notifications.list", { limit: 100, ...(before ? { before } : {}) });
				rows.push(...page.rows);
				if (!page.hasMore || page.rows.length === 0) return rows;
				before = (page as { next?: string }).next;
			}
		},

		async collectPages<T>(fetch: (page: number) => Promise<{ rows: T[]; totalPages: number }>): Promise<T[]> {
			const rows: T[] = [];
			for (let page = 1; ; page++) {
				const result = await fetch(page);
				rows.push(...result.rows);
				if (page >= result.totalPages) return rows;
			}
		},
	},

	created() {
		this.clock = configOf(this.broker).clock;
		this.key = signingKey(configOf(this.broker));
		this.limits = {
			ip: limiter(30, 10 * 60, "from this address"),
			// Per address *and* caller: a stranger's requests cannot use up the owner's.
			addressFromIp: limiter(3, 10 * 60, "for this e-mail address"),
			// Per address from anywhere, high: against mail-bombing one inbox from many IPs.
			address: limiter(20, 60 * 60, "for this e-mail address"),
		} satisfies Record<string, Limiter>;
	},

	async stopped() {
		if (this.queue) await releaseQueue(this.broker);
	},
};

export default subscribers;
