/**
 * Tokens are signed with node:crypto and verified by jose (services/subscribers/tokens.ts):
 * what one signs, the other must accept, with its claims and times, and nothing else.
 */
import assert from "node:assert/strict";
import { createSecretKey } from "node:crypto";
import { describe, it } from "node:test";
import { decodeProtectedHeader, jwtVerify } from "jose";
import { lifetimeSeconds, signToken, verifyToken } from "../../services/subscribers/tokens.ts";

const key = createSecretKey(Buffer.from("a test secret of at least thirty-two bytes!"));
const otherKey = createSecretKey(Buffer.from("another secret, also thirty-two bytes or more"));
const now = Date.UTC(2026, 0, 2, 10, 0, 0);

/** The error a rejected verification throws: its HTTP status and type. */
async function refusal(verifying: Promise<unknown>): Promise<{ code: number; type: string }> {
	const err = await verifying.then(
		() => assert.fail("expected the token to be refused"),
		(e: { code: number; type: string }) => e,
	);
	return { code: err.code, type: err.type };
}

describe("tokens", () => {
	it("are HS256 JWTs that jose verifies, with the purpose, subject, id and lifetime signed", async () => {
		const { token, jti } = signToken(key, "unsubscribe", "client-1", now);
		assert.deepEqual(decodeProtectedHeader(token), { alg: "HS256" });
		const { payload } = await jwtVerify(token, key, { algorithms: ["HS256"], currentDate: new Date(now) });
		const iat = now / 1000;
		assert.deepEqual(payload, {
			purpose: "unsubscribe",
			sub: "client-1",
			jti,
			iat,
			exp: iat + lifetimeSeconds.unsubscribe,
		});
		assert.deepEqual(await verifyToken(key, token, ["unsubscribe"], now), {
			sub: "client-1",
			jti,
			purpose: "unsubscribe",
		});
	});

	it("each carries an id of its own", () => {
		const ids = new Set(Array.from({ length: 50 }, () => signToken(key, "session", "client-1", now).jti));
		assert.equal(ids.size, 50);
	});

	it("are refused when signed with another key, altered, of another purpose or expired", async () => {
		const { token } = signToken(key, "sign-in", "client-1", now);
		assert.deepEqual(await refusal(verifyToken(otherKey, token, ["sign-in"], now)), {
			code: 401,
			type: "LINK_INVALID",
		});
		const [head, claims, signature] = token.split(".") as [string, string, string];
		const forged = Buffer.from(claims, "base64url").toString().replace("client-1", "client-2");
		const altered = `${head}.${Buffer.from(forged).toString("base64url")}.${signature}`;
		assert.deepEqual(await refusal(verifyToken(key, altered, ["sign-in"], now)), {
			code: 401,
			type: "LINK_INVALID",
		});
		assert.deepEqual(await refusal(verifyToken(key, token, ["session"], now)), {
			code: 401,
			type: "UNAUTHORIZED",
		});
		const later = now + (lifetimeSeconds["sign-in"] + 1) * 1000;
		assert.deepEqual(await refusal(verifyToken(key, token, ["sign-in"], later)), {
			code: 401,
			type: "LINK_EXPIRED",
		});
	});
});
