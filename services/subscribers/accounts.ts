/**
 * The internal actions between the identity and subscribers services, typed: identity keeps
 * no records of its own (two services on one NeDB file are not safe) and asks subscribers,
 * which owns the collection, to keep a client's link and session ids; an operator's import
 * asks identity for the verification e-mails. Both services always run on the same node
 * (services/index.ts), and these actions are `protected`: callable from that node only.
 */
import type { Interests, Preferences, Subscriber, SubscriberView } from "../../domain/subscriber.ts";
import type { Scored } from "../../domain/suitability.ts";

/** Whom a link goes to, and whether it is to verify or to sign in. */
export type Account = Pick<Subscriber, "id" | "email" | "name" | "locale" | "status">;

/** A registration, already checked by identity: what the new pending record holds. */
export interface Enrollment
	extends Pick<Subscriber, "email" | "name" | "locale" | "riskProfile" | "riskProfileChosen"> {
	suitability?: Scored;
	interests: Interests;
	preferences?: Partial<Preferences>;
	/** The caller's address, for the consent record. */
	ip?: string;
}

/** An authenticated session's standing on the record: still listed, signed out, or no account. */
export type SessionStanding = { state: "open" | "signed-out" | "no-account"; live: boolean };

export interface AccountActions {
	"subscribers.accountByEmail": { params: { email: string }; result: Account | null };
	"subscribers.enroll": { params: Enrollment; result: Account };
	"subscribers.recordLink": { params: { id: string; linkId: string }; result: { pending: number } };
	"subscribers.spendLink": { params: { id: string; linkId: string }; result: { spent: boolean } };
	"subscribers.confirmAddress": { params: { id: string }; result: SubscriberView };
	"subscribers.recordSession": {
		params: { id: string; sessionId: string; replaces?: string };
		result: { open: number };
	};
	"subscribers.dropSessions": {
		params: { id: string; sessionId?: string; everywhere?: boolean };
		result: { signedOut: number };
	};
	"subscribers.sessionStanding": { params: { id: string; sessionId: string }; result: SessionStanding };
	"identity.invite": { params: Pick<Account, "id" | "email" | "name" | "locale">; result: { sent: true } };
}

/** A type-checked call of one of the actions above (as domain/contracts.ts's `call`). */
export function callAccounts<A extends keyof AccountActions>(
	via: { call(name: string, params?: unknown): Promise<unknown> },
	name: A,
	params: AccountActions[A]["params"],
): Promise<AccountActions[A]["result"]> {
	return via.call(name, params) as Promise<AccountActions[A]["result"]>;
}
