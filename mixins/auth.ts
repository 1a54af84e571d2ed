/**
 * Who may call what over HTTP. An action declares it with `...operatorOnly`; the api
 * gateway checks it (its `authorize`). Operator routes take OPERATOR_TOKEN as a bearer token.
 */
import { createHash, timingSafeEqual } from "node:crypto";
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

/** Spread into an action schema: only operators may call it over HTTP. */
export const operatorOnly = { auth: "operator" } as unknown as Record<string, never>;
