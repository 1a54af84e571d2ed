/**
 * What the client routes of identity and subscribers share: the session the gateway puts
 * in ctx.meta, and the SPA's cookie that carries it.
 */
import type { Context, ServiceBroker } from "moleculer";
import { configOf } from "../../config.ts";
import { type SessionCarrier, sessionCookie } from "../../lib/auth.ts";
import { lifetimeSeconds } from "./tokens.ts";

/** ctx.meta of any route: the caller's address, and what the answer carries besides its body. */
export type RouteMeta = {
	ip?: string;
	$statusCode?: number;
	$responseType?: string;
	$responseHeaders?: Record<string, string>;
};

/**
 * ctx.meta of a client route (`auth: "subscriber"`): the gateway checked the session and put
 * its subscriber here, so the route acts on it, never on an id from the request.
 */
export type SessionMeta = RouteMeta & {
	subscriberId: string;
	/** The session's jti (set by the gateway with subscriberId). */
	sessionId?: string;
	sessionCarrier?: SessionCarrier;
};

/** Sets the SPA's session cookie, or ends it (no token). Secure when served over https. */
export function setSessionCookie(
	broker: ServiceBroker,
	ctx: Context<unknown, RouteMeta>,
	token: string | undefined,
): void {
	const secure = configOf(broker).publicUrl.startsWith("https:");
	ctx.meta.$responseHeaders = {
		...ctx.meta.$responseHeaders,
		"Set-Cookie": sessionCookie(token, lifetimeSeconds.session, secure),
	};
}
