/**
 * Subscribers: the client's own profile, interests and preferences, one-click unsubscribe,
 * export and erasure (LGPD), operators' list and import, and the internal feeds other
 * services read. Owns the subscribers collection; registration, sign-in and sessions are
 * the identity service's (./identity.service.ts), which keeps its link and session ids on
 * these records through ./accounts.mixin.ts. Every client route acts on the session's
 * subscriber (ctx.meta.subscriberId), never on an id from the request, so no client can
 * reach another's data.
 */
import { randomUUID } from "node:crypto";
import type { Context } from "moleculer";
import { configOf } from "../../config.ts";
import {
	accountRules,
	answers,
	broadcast,
	call,
	type ErasureMessage,
	formRules,
	interestsRule,
	preferencesRule,
	subscriberViewRule,
} from "../../domain/contracts.ts";
import { interestFields } from "../../domain/interests.ts";
import {
	locales,
	maxRiskLevel,
	type Preferences,
	personNameSchema,
	preferencesSchema,
	riskProfiles,
	type Subscriber,
} from "../../domain/subscriber.ts";
import { answersInWords } from "../../domain/suitability.ts";
import { acquireQueue, type DurableQueue, releaseQueue } from "../../lib/durable-queue.ts";
import { defineService } from "../../lib/service.ts";
import { DbMixin } from "../../mixins/db.mixin.ts";
import { AccountsMixin } from "./accounts.mixin.ts";
import { AdminMixin } from "./admin.mixin.ts";
import { FeedsMixin } from "./feeds.mixin.ts";
import { interestsOrThrow } from "./interests.ts";
import { unsubscribePage } from "./pages.ts";
import { RecordsMixin, type SubscribersHost } from "./records.mixin.ts";
import { signingKey } from "./secret.ts";
import { type RouteMeta, type SessionMeta, setSessionCookie } from "./session.ts";
import { SuitabilityMixin, type SuitabilitySweeps } from "./suitability.mixin.ts";
import { profileChoice } from "./suitability.ts";
import { signToken, verifyToken } from "./tokens.ts";
import { isTombstone, type SubscriberDoc, tombstone } from "./view.ts";

interface SubscribersSettings {
	rest: string;
}

/** The record methods, clock and key (./records.mixin.ts), the suitability sweep, and the erasure queue. */
interface SubscribersLocals extends SubscribersHost, SuitabilitySweeps {
	/** Taken at the first erasure (erasureQueue), released when the service stops. */
	queue?: Promise<DurableQueue>;
}

export default defineService<SubscribersSettings, SubscribersLocals>()({
	name: "subscribers",
	mixins: [
		DbMixin({
			collection: "subscribers",
			unique: ["email"],
			// Not status: nearly every client shares "verified", and NeDB would rebuild that
			// value's list of a million on each client's update (DbMixinOptions.indexed); a count
			// by status reads as many documents either way. Only assessed clients have an
			// assessedAt (sparse).
			indexed: ["updatedAt"],
			sparse: ["suitability.assessedAt"],
		}),
		RecordsMixin,
		SuitabilityMixin,
		AccountsMixin,
		FeedsMixin,
		AdminMixin,
	],

	settings: { rest: "/" },

	methods: {
		/** The durable queue, taken at the first erasure: most calls never need it. */
		erasureQueue(): Promise<DurableQueue> {
			this.queue ??= acquireQueue(this.broker);
			return this.queue;
		},

		/** The whole inbox, oldest pages last (notifications.list reads the session from meta). */
		async collectNotifications(ctx: Context): Promise<unknown[]> {
			const rows: unknown[] = [];
			let before: string | undefined;
			for (;;) {
				const page = await call(ctx, "notifications.list", { limit: 100, ...(before ? { before } : {}) });
				rows.push(...page.rows);
				if (!page.hasMore || page.rows.length === 0) return rows;
				before = page.next;
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
	},

	async stopped() {
		if (this.queue) await releaseQueue(this.broker);
	},

	actions: {
		/** Public: what a client can constrain per category, for forms built from one source. */
		interestsSchema: {
			rest: "GET /interests/schema",
			openapi: { response: answers("subscribers.interestsSchema", formRules.interestsSchema) },
			async handler(ctx: Context) {
				// Without the catalogue the schema still answers, with no values seen.
				const facets: Partial<Record<string, Record<string, string[]>>> = await call(
					ctx,
					"products.facets",
					{},
				).catch((err: Error) => {
					this.logger.warn(`Interests schema without product values: ${err.message}`);
					return {};
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
											values: field.values ?? facets[category]?.[field.name] ?? [],
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
			openapi: { response: answers("subscribers.me", subscriberViewRule) },
			auth: "subscriber",
			async handler(ctx: Context<unknown, SessionMeta>) {
				return this.view(await this.load(ctx.meta.subscriberId));
			},
		},

		updateMe: {
			rest: "PUT /me",
			openapi: { response: answers("subscribers.updateMe", subscriberViewRule) },
			auth: "subscriber",
			params: {
				name: { ...personNameSchema, optional: true },
				locale: { type: "enum", values: [...locales], optional: true },
				riskProfile: { type: "enum", values: [...riskProfiles], optional: true },
				$$strict: true,
			},
			async handler(ctx: Context<Partial<Pick<Subscriber, "name" | "locale" | "riskProfile">>, SessionMeta>) {
				const subscriber = await this.load(ctx.meta.subscriberId);
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
			openapi: { response: answers("subscribers.interests", interestsRule) },
			auth: "subscriber",
			async handler(ctx: Context<unknown, SessionMeta>) {
				return (await this.load(ctx.meta.subscriberId)).interests;
			},
		},

		setInterests: {
			rest: "PUT /me/interests",
			openapi: { response: answers("subscribers.setInterests", interestsRule) },
			auth: "subscriber",
			async handler(ctx: Context<unknown, SessionMeta>) {
				const interests = interestsOrThrow(ctx.params);
				const subscriber = await this.load(ctx.meta.subscriberId);
				return (await this.change(ctx, subscriber, { interests }, "interests")).interests;
			},
		},

		preferences: {
			rest: "GET /me/preferences",
			auth: "subscriber",
			openapi: { response: answers("subscribers.preferences", preferencesRule) },
			async handler(ctx: Context<unknown, SessionMeta>) {
				return (await this.load(ctx.meta.subscriberId)).preferences;
			},
		},

		setPreferences: {
			rest: "PUT /me/preferences",
			auth: "subscriber",
			openapi: { response: answers("subscribers.setPreferences", preferencesRule) },
			params: { ...preferencesSchema.props, $$strict: true },
			async handler(ctx: Context<Partial<Preferences>, SessionMeta>) {
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
			openapi: { response: answers("subscribers.export", accountRules.export) },
			auth: "subscriber",
			async handler(ctx: Context<unknown, SessionMeta>) {
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
			openapi: { response: answers("subscribers.erase", accountRules.erased) },
			auth: "subscriber",
			async handler(ctx: Context<unknown, SessionMeta>) {
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
				setSessionCookie(this.broker, ctx, undefined);
				this.logger.info("Subscriber erased", { id: subscriber.id });
				return { erased: true };
			},
		},

		/** GET shows a confirmation page (mail scanners follow GET links); POST is RFC 8058's one click. */
		/** Routed by the gateway's own /api/unsubscribe route (it parses forms). */
		unsubscribePage: {
			params: { token: "string|min:10|max:2000" },
			async handler(ctx: Context<{ token: string }, RouteMeta>) {
				const claims = await verifyToken(this.key, ctx.params.token, ["unsubscribe"], this.clock.now()).catch(
					() => undefined,
				);
				const found = claims ? await this.adapter.findById<SubscriberDoc>(claims.sub) : undefined;
				const subscriber = isTombstone(found) ? undefined : found;
				ctx.meta.$responseType = "text/html; charset=utf-8";
				return unsubscribePage(subscriber?.locale ?? "pt-BR", subscriber ? ctx.params.token : undefined);
			},
		},

		unsubscribe: {
			params: { token: "string|min:10|max:2000" },
			async handler(ctx: Context<{ token: string }, RouteMeta>) {
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
				const { token } = signToken(this.key, "unsubscribe", ctx.params.id, this.clock.now());
				return `${configOf(this.broker).publicUrl}/api/unsubscribe?token=${token}`;
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
	},
});
