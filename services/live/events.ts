/**
 * What a client may send over its socket, checked like any REST body, and how often: a
 * socket that floods gets errors in its acks, not server time.
 */
import { Errors } from "moleculer";
import { Validator } from "../../domain/validate.ts";
import { payloadProblem } from "../../lib/payload-guard.ts";
import { type Limiter, limiter } from "../subscribers/limits.ts";

const validator = new Validator({ useNewCustomCheckerFunction: true });

const schemas = {
	read: validator.compile({
		$$root: true,
		type: "object",
		strict: true,
		props: {
			ids: { type: "array", items: "string|min:1|max:400", max: 500, optional: true },
			all: { type: "equal", value: true, optional: true },
		},
	}),
	history: validator.compile({
		$$root: true,
		type: "object",
		strict: true,
		props: {
			before: "string|max:400|optional",
			limit: "number|integer|min:1|max:100|optional",
			unread: "boolean|optional",
		},
	}),
};

export function checkEvent(event: keyof typeof schemas, payload: unknown): Record<string, unknown> {
	if (typeof payload !== "object" || payload === null || Array.isArray(payload))
		throw new Errors.ValidationError(`${event} takes an object.`, "INVALID_EVENT");
	const problem = payloadProblem(payload);
	if (problem) throw new Errors.ValidationError(problem, "INVALID_EVENT");
	const copy = structuredClone(payload) as Record<string, unknown>;
	const result = schemas[event](copy);
	if (result !== true)
		throw new Errors.ValidationError(
			(result as { message?: string }[]).map((e) => e.message).join(" "),
			"INVALID_EVENT",
		);
	return copy;
}

/** 20 events per 10 s per socket. */
export function socketLimiter(): Limiter {
	return limiter(20, 10, "on this socket");
}
