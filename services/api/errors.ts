/**
 * One JSON error shape for every failure the gateway answers:
 * `{ "error": { "type", "message", "data" } }` with the error's own 4xx/5xx status.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

interface GatewayError {
	code?: number;
	type?: string;
	message?: string;
	data?: unknown;
}

export interface ErrorBody {
	error: { type: string; message: string; data?: unknown };
}

export function errorResponse(err: GatewayError): { status: number; body: ErrorBody } {
	const status = typeof err.code === "number" && err.code >= 400 && err.code < 600 ? err.code : 500;
	// A bare Error is a bug, not a message for clients: keep its details in the logs.
	const known = typeof err.type === "string" && err.type !== "";
	// Moleculer's parameter validation says only "Parameters validation error!": name the fields.
	const details = Array.isArray(err.data) ? (err.data as { message?: unknown }[]).map((d) => d?.message) : [];
	const message =
		err.type === "VALIDATION_ERROR" && details.length > 0 && details.every((m) => typeof m === "string")
			? details.join(" ")
			: err.message;
	return {
		status,
		body: {
			error: {
				type: known ? (err.type as string) : "INTERNAL_ERROR",
				message: known || status < 500 ? (message ?? "Error") : "Internal server error",
				data: known ? err.data : undefined,
			},
		},
	};
}

export function sendJsonError(res: ServerResponse, err: GatewayError): void {
	const { status, body } = errorResponse(err);
	if (res.headersSent) return;
	const headers: Record<string, string> = { "Content-Type": "application/json; charset=utf-8" };
	// 429 and 503 say when to come back (err.data.retryAfter, seconds).
	const retryAfter = (err.data as { retryAfter?: unknown } | undefined)?.retryAfter;
	if (typeof retryAfter === "number" && (status === 429 || status === 503))
		headers["Retry-After"] = String(retryAfter);
	let text: string;
	try {
		text = JSON.stringify(body);
	} catch {
		// Data that cannot be serialized (too deep, cyclic) is dropped, never the answer.
		text = JSON.stringify({ error: { type: body.error.type, message: body.error.message } });
	}
	res.writeHead(status, headers);
	res.end(text);
}

/** moleculer-web strips a matched route's prefix from req.url and keeps the original. */
export function requestPath(req: IncomingMessage & { originalUrl?: string }): string {
	return (req.originalUrl ?? req.url ?? "/").split("?")[0] ?? "/";
}

export function wantsApp(req: IncomingMessage): boolean {
	const path = requestPath(req);
	return (
		(req.method === "GET" || req.method === "HEAD") &&
		!path.startsWith("/api/") &&
		path !== "/api" &&
		// Missing files (/app.js) are real 404s; only page routes fall back to the app.
		!/\.[a-z0-9]+$/i.test(path)
	);
}
