/**
 * Signed tokens (HS256 JWTs): sessions, and the links we e-mail (verify, sign-in,
 * unsubscribe). A link token carries a jti that the subscriber's record must still list,
 * which makes verify and sign-in links single-use.
 *
 * Verified by jose, which checks the algorithm, the signature and the times. Signed here with
 * node:crypto's HMAC: jose signs through WebCrypto, an asynchronous job on libuv's pool for
 * every token, and every digest signs one (its unsubscribe link): 7% of the mailer's thread
 * in bench mail. The token is the same compact JWS either way (the tokens test has jose
 * verify what this signs).
 */
import { createHmac, type KeyObject, randomUUID } from "node:crypto";
import { errors as joseErrors, jwtVerify } from "jose";
import { Errors } from "moleculer";

export const purposes = ["session", "verify", "sign-in", "unsubscribe"] as const;
export type Purpose = (typeof purposes)[number];

/** How long each kind of token lives, in seconds. */
export const lifetimeSeconds: Record<Purpose, number> = {
	// A week, renewed while in use (POST /api/auth/renew): a stolen session dies soon.
	session: 7 * 86_400,
	verify: 24 * 3_600,
	"sign-in": 15 * 60,
	unsubscribe: 365 * 86_400,
};

export interface Claims {
	sub: string;
	jti: string;
	purpose: Purpose;
}

const base64url = (json: object) => Buffer.from(JSON.stringify(json)).toString("base64url");
const header = base64url({ alg: "HS256" });

/** `now` is the node's clock (ms): issue and expiry times follow it, as verification does. */
export function signToken(
	key: KeyObject,
	purpose: Purpose,
	subscriberId: string,
	now: number,
): { token: string; jti: string } {
	const jti = randomUUID();
	const iat = Math.floor(now / 1000);
	const claims = base64url({ purpose, sub: subscriberId, jti, iat, exp: iat + lifetimeSeconds[purpose] });
	const signed = `${header}.${claims}`;
	return { token: `${signed}.${createHmac("sha256", key).update(signed).digest("base64url")}`, jti };
}

const what: Record<Purpose, string> = {
	session: "session",
	verify: "link",
	"sign-in": "link",
	unsubscribe: "link",
};

/** The token's claims, or a 401 saying plainly whether it expired or is not valid. */
export async function verifyToken(
	key: KeyObject,
	token: string,
	allowed: readonly Purpose[],
	now: number,
): Promise<Claims> {
	const kind = what[allowed[0] ?? "session"];
	try {
		const { payload } = await jwtVerify(token, key, { algorithms: ["HS256"], currentDate: new Date(now) });
		const purpose = payload.purpose as Purpose;
		if (!allowed.includes(purpose) || !payload.sub || !payload.jti) throw new Error("wrong purpose");
		return { sub: payload.sub, jti: payload.jti, purpose };
	} catch (err) {
		if (err instanceof joseErrors.JWTExpired)
			throw new Errors.MoleculerClientError(
				kind === "link"
					? "This link has expired: ask for a new one."
					: "Your session has expired: sign in again.",
				401,
				kind === "link" ? "LINK_EXPIRED" : "SESSION_EXPIRED",
			);
		throw new Errors.MoleculerClientError(
			kind === "link"
				? "This link is not valid."
				: "Sign in first: the session token is missing or not valid.",
			401,
			kind === "link" ? "LINK_INVALID" : "UNAUTHORIZED",
		);
	}
}
