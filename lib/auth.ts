/**
 * Who may call what over HTTP. An action declares it with `auth: "operator"` or
 * `auth: "subscriber"` (types/moleculer.d.ts); the api gateway checks it (its `authorize`).
 * Operator routes take OPERATOR_TOKEN as a bearer token.
 * A client's session comes as a bearer token (API clients) or, in the SPA, as an HttpOnly
 * cookie that no script on the page can read (docs/decisions.md).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { parseCookie, stringifySetCookie } from "cookie";
import { Errors } from "moleculer";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** The token of an `Authorization: Bearer <token>` header. */
export function bearer(authorization: string | undefined): string | undefined {
	return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
}

export function checkOperator(expected: string | undefined, authorization: string | undefined): void {
	if (!expected)
		throw new Errors.MoleculerClientError(
			"Operator routes are off on this node: OPERATOR_TOKEN is not set.",
			403,
			"OPERATOR_ROUTES_OFF",
		);
	const given = bearer(authorization);
	if (!given)
		throw new Errors.MoleculerClientError(
			"This route is for operators: send Authorization: Bearer <OPERATOR_TOKEN>.",
			401,
			"UNAUTHORIZED",
		);
	// Compared as digests: constant time, whatever the lengths.
	if (!timingSafeEqual(digest(given), digest(expected)))
		throw new Errors.MoleculerClientError("The operator token is not valid.", 403, "FORBIDDEN");
}

/** The SPA's session cookie. */
export const sessionCookieName = "insights_session";

/** How a request presented its session: the cookie needs a guard against other sites' forms. */
export type SessionCarrier = "bearer" | "cookie";

export function sessionFromCookie(header: string | undefined): string | undefined {
	const value = header ? parseCookie(header)[sessionCookieName] : undefined;
	return value || undefined;
}

/**
 * The Set-Cookie header of a session, or of its end (no token). HttpOnly: out of reach of
 * any script; SameSite=Strict: never sent by another site's page; Secure behind https.
 */
export function sessionCookie(token: string | undefined, maxAgeSeconds: number, secure: boolean): string {
	return stringifySetCookie({
		name: sessionCookieName,
		value: token ?? "",
		httpOnly: true,
		sameSite: "strict",
		secure,
		path: "/",
		maxAge: token ? maxAgeSeconds : 0,
	});
}

/**
 * A cookie session changes nothing without the SPA's own header: a form or image on another
 * site cannot add it, and a script there would need CORS to (SameSite already stops most).
 */
export function checkCookieWrite(method: string | undefined, requestedWith: unknown): void {
	if (method === "GET" || method === "HEAD" || typeof requestedWith === "string") return;
	throw new Errors.MoleculerClientError(
		"Send X-Requested-With with requests that change data in a cookie session.",
		403,
		"CSRF_HEADER_MISSING",
	);
}
