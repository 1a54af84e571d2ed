/**
 * What the gateway answers while its node is still starting (its server listens before
 * the other local services have started and their routes exist): every API route a 503
 * STARTING with Retry-After, never a 404 for a route that is about to exist, and
 * /api/health its liveness with `ready: false`. Pages and assets are served as usual.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Health } from "../../domain/contracts.ts";
import { requestPath, sendJsonError } from "./errors.ts";

/** Seconds a caller is asked to wait: a node's start takes a few. */
export const startingRetryAfter = 2;

/** Answers `req` if the node is not ready to route it; false when it should go on. */
export function answerWhileStarting(
	req: IncomingMessage,
	res: ServerResponse,
	health: () => Omit<Health, "ready" | "status">,
): boolean {
	const path = requestPath(req);
	if (path !== "/api" && !path.startsWith("/api/")) return false;
	if (path === "/api/health" && (req.method === "GET" || req.method === "HEAD")) {
		const body: Health = { status: "starting", ready: false, ...health() };
		res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
		res.end(req.method === "HEAD" ? undefined : JSON.stringify(body));
		return true;
	}
	sendJsonError(res, {
		code: 503,
		type: "STARTING",
		message: `This node is starting; try again in ${startingRetryAfter} s.`,
		data: { retryAfter: startingRetryAfter },
	});
	return true;
}
