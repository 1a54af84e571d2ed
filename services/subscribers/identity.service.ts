/**
 * Identity: registration with double opt-in, e-mail verification, magic-link sign-in and
 * sessions (check, renew, sign out). It signs and checks the tokens; the records they
 * point at stay with the subscribers service, which it asks through ./accounts.ts, so it
 * owns no collection. Every session route acts on the session's subscriber
 * (ctx.meta.subscriberId), never on an id from the request.
 */
import type { KeyObject } from "node:crypto";
import { type Context, Errors } from "moleculer";
import { configOf } from "../../config.ts";
import type { Clock } from "../../domain/clock.ts";
import { answers, call, identityRules } from "../../domain/contracts.ts";
import {
	type Locale,
	type Preferences,
	type RiskProfile,
	registrationSchema,
} from "../../domain/subscriber.ts";
import { defineService } from "../../lib/service.ts";
import { type Account, callAccounts } from "./accounts.ts";
import { interestsOrThrow } from "./interests.ts";
import { type Limiter, limiter } from "./limits.ts";
import { signingKey } from "./secret.ts";
import { type RouteMeta, type SessionMeta, setSessionCookie } from "./session.ts";
import { profileChoice, scoredOrThrow } from "./suitability.ts";
import { type Purpose, signToken, verifyToken } from "./tokens.ts";

const accepted = "If this address can receive our e-mail, a link is on its way. Check your inbox.";

interface IdentitySettings {
	rest: string;
}

interface IdentityLocals {
	clock: Clock;
	/** Signs and checks every link and session. */
	key: KeyObject;
	limits: LinkLimits;
}

/** Abuse limits on links, set in created. */
interface LinkLimits {
	ip: Limiter;
	addressFromIp: Limiter;
	address: Limiter;
}

export default defineService<IdentitySettings, IdentityLocals>()({
	name: "identity",

	settings: { rest: "/" },

	methods: {
		/** Abuse limits of anything that e-mails a link: per IP, per address from that IP, per address. */
		async takeLinkLimits(kind: "register" | "link", email: string, ip = "?"): Promise<void> {
			await this.limits.ip.take(`${kind}:${ip}`);
			await this.limits.addressFromIp.take(`${email}|${ip}`);
			await this.limits.address.take(email);
		},

		/** Signs a session and records it as valid (replacing `replaces`, on renewal). */
		async openSession(ctx: Context, subscriberId: string, replaces?: string): Promise<string> {
			const { token, jti } = signToken(this.key, "session", subscriberId, this.clock.now());
			await callAccounts(ctx, "subscribers.recordSession", {
				id: subscriberId,
				sessionId: jti,
				...(replaces ? { replaces } : {}),
			});
			return token;
		},

		/** Someone asked for a link for an existing address: the right one, and nothing else changes. */
		async remind(ctx: Context, account: Account): Promise<void> {
			if (account.status === "bouncing") return;
			await this.sendLink(ctx, account, account.status === "pending" ? "verify" : "sign-in");
		},

		async sendLink(
			ctx: Context,
			account: Pick<Account, "id" | "email" | "name" | "locale">,
			purpose: Extract<Purpose, "verify" | "sign-in">,
		): Promise<void> {
			const { token, jti } = signToken(this.key, purpose, account.id, this.clock.now());
			await callAccounts(ctx, "subscribers.recordLink", { id: account.id, linkId: jti });
			const link = `${configOf(this.broker).publicUrl}/verificar?token=${token}`;
			await call(ctx, "mailer.send", {
				to: account.email,
				template: purpose,
				locale: account.locale,
				// A verification goes to an address nobody has confirmed yet: its name was typed by
				// whoever registered it, maybe a stranger, so the e-mail does not quote it.
				data: { ...(purpose === "verify" ? {} : { name: account.name }), link },
				subscriberId: account.id,
				idempotencyKey: `${purpose}:${jti}`,
			});
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
		};
	},

	actions: {
		register: {
			rest: "POST /subscribers",
			openapi: { status: 202, response: answers("identity.register", identityRules.accepted) },
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
					RouteMeta
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
				const existing = await callAccounts(ctx, "subscribers.accountByEmail", { email });
				if (!existing) {
					const enrolled = await callAccounts(ctx, "subscribers.enroll", {
						email,
						name,
						locale,
						...choice,
						...(scored ? { suitability: scored } : {}),
						interests,
						...(preferences ? { preferences } : {}),
						...(ctx.meta.ip ? { ip: ctx.meta.ip } : {}),
					});
					await this.sendLink(ctx, enrolled, "verify");
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
			openapi: { response: answers("identity.verify", identityRules.verified) },
			params: {
				token: "string|min:10|max:2000",
				session: { type: "enum", values: ["token", "cookie"], default: "token" },
			},
			async handler(ctx: Context<{ token: string; session: "token" | "cookie" }, RouteMeta>) {
				const claims = await verifyToken(this.key, ctx.params.token, ["verify", "sign-in"], this.clock.now());
				const { spent } = await callAccounts(ctx, "subscribers.spendLink", {
					id: claims.sub,
					linkId: claims.jti,
				});
				if (!spent)
					throw new Errors.MoleculerClientError(
						"This link was already used or replaced by a newer one: ask for a new one.",
						401,
						"LINK_USED",
					);
				const subscriber = await callAccounts(ctx, "subscribers.confirmAddress", { id: claims.sub });
				const token = await this.openSession(ctx, subscriber.id);
				if (ctx.params.session === "cookie") {
					setSessionCookie(this.broker, ctx, token);
					return { subscriber };
				}
				return { token, subscriber };
			},
		},

		magicLink: {
			rest: "POST /auth/magic-link",
			openapi: { status: 202, response: answers("identity.magicLink", identityRules.accepted) },
			params: { email: { type: "email", normalize: true, max: 254 } },
			async handler(ctx: Context<{ email: string }, RouteMeta>) {
				await this.takeLinkLimits("link", ctx.params.email, ctx.meta.ip);
				const existing = await callAccounts(ctx, "subscribers.accountByEmail", { email: ctx.params.email });
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
				const { state, live } = await callAccounts(ctx, "subscribers.sessionStanding", {
					id: claims.sub,
					sessionId: claims.jti,
				});
				if (state === "no-account")
					throw new Errors.MoleculerClientError("This account no longer exists.", 401, "UNAUTHORIZED");
				if (state === "signed-out")
					throw new Errors.MoleculerClientError(
						"This session was signed out: sign in again.",
						401,
						"SESSION_REVOKED",
					);
				// The live gateway needs to know whether to push to this client at all.
				return { subscriberId: claims.sub, sessionId: claims.jti, live };
			},
		},

		/**
		 * A fresh session for the current one, which stops working: sessions live while used.
		 * It comes the way the current one came (a cookie stays a cookie, out of scripts' reach).
		 */
		renew: {
			rest: "POST /auth/renew",
			auth: "subscriber",
			openapi: { response: answers("identity.renew", identityRules.renewed) },
			async handler(ctx: Context<unknown, SessionMeta>): Promise<{ token?: string; renewed: true }> {
				const token = await this.openSession(ctx, ctx.meta.subscriberId, ctx.meta.sessionId);
				if (ctx.meta.sessionCarrier !== "cookie") return { token, renewed: true };
				setSessionCookie(this.broker, ctx, token);
				return { renewed: true };
			},
		},

		/** This session only; `everywhere: true` every session of the client (a lost phone). */
		signOut: {
			rest: "POST /auth/sign-out",
			auth: "subscriber",
			openapi: { response: answers("identity.signOut", identityRules.signedOut) },
			params: { everywhere: { type: "boolean", optional: true } },
			async handler(ctx: Context<{ everywhere?: boolean }, SessionMeta>): Promise<{ signedOut: number }> {
				const { signedOut } = await callAccounts(ctx, "subscribers.dropSessions", {
					id: ctx.meta.subscriberId,
					...(ctx.meta.sessionId ? { sessionId: ctx.meta.sessionId } : {}),
					...(ctx.params.everywhere ? { everywhere: true } : {}),
				});
				setSessionCookie(this.broker, ctx, undefined);
				return { signedOut };
			},
		},

		/** Internal (subscribers' operator import): the verification e-mail of an imported client. */
		invite: {
			visibility: "protected",
			params: {
				id: "string|min:1",
				email: "string|min:1",
				name: "string|min:1",
				locale: "string|min:1",
			},
			async handler(
				ctx: Context<Pick<Account, "id" | "email" | "name" | "locale">>,
			): Promise<{ sent: true }> {
				await this.sendLink(ctx, ctx.params, "verify");
				return { sent: true };
			},
		},
	},
});
