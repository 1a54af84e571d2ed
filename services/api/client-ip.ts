/**
 * Who is calling, for rate limits and consent records. Behind the edge proxy every request
 * comes from the proxy, so with TRUST_PROXY=1 the address is the X-Real-IP header the proxy
 * sets (deploy/nginx.conf overwrites whatever a client sent). Never trust it without a proxy:
 * anyone could claim any address.
 */
import type { IncomingMessage } from "node:http";

export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
	const forwarded = req.headers["x-real-ip"];
	if (trustProxy && typeof forwarded === "string" && /^[\da-fA-F.:]{2,45}$/.test(forwarded.trim()))
		return forwarded.trim();
	return req.socket.remoteAddress ?? "?";
}
