/**
 * The subscribers service's side of identity, mixed into it: the record's pending link ids
 * and session ids, kept here because this service owns the collection. Only the identity
 * service calls these (./accounts.ts); tokens are signed and checked there.
 */
import { randomUUID } from "node:crypto";
import type { Context } from "moleculer";
import { defaultPreferences, locales, riskProfiles } from "../../domain/subscriber.ts";
import { defineMixin } from "../../lib/service.ts";
import type { Account, AccountActions, SessionStanding } from "./accounts.ts";
import type { SubscribersHost } from "./records.mixin.ts";
import { isTombstone, type StoredSubscriber, type SubscriberDoc, storedInterests } from "./view.ts";

/** The consent text version clients accept when they register (docs/privacy). */
export const consentVersion = "2026-11";
/** Verify and sign-in links kept valid per subscriber: the newest few. */
const maxPendingLinks = 5;
/** Sessions (devices, browsers) kept valid per subscriber: signing in on a 21st drops the oldest. */
const maxSessions = 20;
/** Callable from this node only: identity runs beside subscribers (services/index.ts). */
const internal = "protected" as const;

type Params<A extends keyof AccountActions> = Context<AccountActions[A]["params"]>;

const accountOf = ({ id, email, name, locale, status }: StoredSubscriber): Account => ({
	id,
	email,
	name,
	locale,
	status,
});

export const AccountsMixin = defineMixin<object, SubscribersHost>()({
	actions: {
		accountByEmail: {
			visibility: internal,
			params: { email: "string|min:1" },
			async handler(ctx: Params<"subscribers.accountByEmail">): Promise<Account | null> {
				const found = await this.byEmail(ctx.params.email);
				return found ? accountOf(found) : null;
			},
		},

		/** A new pending record from a registration identity has checked. */
		enroll: {
			visibility: internal,
			params: {
				email: "string|min:1",
				name: "string|min:1",
				locale: { type: "enum", values: [...locales] },
				riskProfile: { type: "enum", values: [...riskProfiles] },
				riskProfileChosen: "boolean|optional",
				suitability: "object|optional",
				interests: "object",
				preferences: "object|optional",
				ip: "string|optional",
			},
			async handler(ctx: Params<"subscribers.enroll">): Promise<Account> {
				const { email, name, locale, riskProfile, riskProfileChosen, interests, preferences, ip } =
					ctx.params;
				const scored = ctx.params.suitability;
				const now = this.isoNow();
				const subscriber: StoredSubscriber = {
					id: randomUUID(),
					email,
					name,
					locale,
					status: "pending",
					riskProfile,
					...(riskProfileChosen === undefined ? {} : { riskProfileChosen }),
					...(scored ? { suitability: { ...scored, assessedAt: now } } : {}),
					...storedInterests(interests),
					preferences: { ...defaultPreferences, ...preferences },
					consent: {
						version: consentVersion,
						acceptedAt: now,
						...(ip ? { ip } : {}),
					},
					createdAt: now,
					updatedAt: now,
					pendingLinks: [],
				};
				await this.upsert(subscriber.id, subscriber);
				return accountOf(subscriber);
			},
		},

		/** A verify or sign-in link just signed: valid until used or pushed out by newer ones. */
		recordLink: {
			visibility: internal,
			params: { id: "string|min:1", linkId: "string|min:1" },
			async handler(ctx: Params<"subscribers.recordLink">): Promise<{ pending: number }> {
				const subscriber = await this.load(ctx.params.id);
				const pendingLinks = [...(subscriber.pendingLinks ?? []), ctx.params.linkId].slice(-maxPendingLinks);
				await this.updateWhere({ _id: subscriber.id }, { $set: { pendingLinks } });
				return { pending: pendingLinks.length };
			},
		},

		/** Removes the link's id in the same atomic update that finds it: two clicks, one sign-in. */
		spendLink: {
			visibility: internal,
			params: { id: "string|min:1", linkId: "string|min:1" },
			async handler(ctx: Params<"subscribers.spendLink">): Promise<{ spent: boolean }> {
				const { id, linkId } = ctx.params;
				const spent = await this.updateWhere(
					{ _id: id, pendingLinks: linkId },
					{ $pull: { pendingLinks: linkId } },
				);
				return { spent: spent > 0 };
			},
		},

		/** A spent verify or sign-in link: a pending address is now verified; any other stays as it is. */
		confirmAddress: {
			visibility: internal,
			params: { id: "string|min:1" },
			async handler(ctx: Params<"subscribers.confirmAddress">) {
				let subscriber = await this.load(ctx.params.id);
				if (subscriber.status === "pending") {
					subscriber = await this.change(
						ctx,
						subscriber,
						{ status: "verified", verifiedAt: this.isoNow() },
						"verified",
					);
				}
				return this.view(subscriber);
			},
		},

		/** A session just signed, recorded as valid (replacing `replaces`, on renewal). */
		recordSession: {
			visibility: internal,
			params: { id: "string|min:1", sessionId: "string|min:1", replaces: "string|optional" },
			async handler(ctx: Params<"subscribers.recordSession">): Promise<{ open: number }> {
				const { id, sessionId, replaces } = ctx.params;
				const subscriber = await this.load(id);
				const sessions = [
					...(subscriber.sessions ?? []).filter((listed) => listed !== replaces),
					sessionId,
				].slice(-maxSessions);
				await this.updateWhere({ _id: id }, { $set: { sessions } });
				return { open: sessions.length };
			},
		},

		/** This session only; `everywhere: true` every session of the client (a lost phone). */
		dropSessions: {
			visibility: internal,
			params: { id: "string|min:1", sessionId: "string|optional", everywhere: "boolean|optional" },
			async handler(ctx: Params<"subscribers.dropSessions">): Promise<{ signedOut: number }> {
				const { id, sessionId, everywhere } = ctx.params;
				const update = everywhere ? { $set: { sessions: [] } } : { $pull: { sessions: sessionId } };
				const before = await this.load(id);
				await this.updateWhere({ _id: id }, update);
				return { signedOut: everywhere ? (before.sessions?.length ?? 0) : 1 };
			},
		},

		/** Whether a signed session is still listed; and, for the live gateway, whether to push at all. */
		sessionStanding: {
			visibility: internal,
			params: { id: "string|min:1", sessionId: "string|min:1" },
			async handler(ctx: Params<"subscribers.sessionStanding">): Promise<SessionStanding> {
				const found = await this.adapter.findById<SubscriberDoc>(ctx.params.id);
				if (!found || isTombstone(found)) return { state: "no-account", live: false };
				if (!found.sessions?.includes(ctx.params.sessionId)) return { state: "signed-out", live: false };
				return { state: "open", live: found.preferences?.live !== false };
			},
		},
	},
});
