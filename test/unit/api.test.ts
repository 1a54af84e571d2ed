import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Errors } from "moleculer";
import { clientIp } from "../../services/api/client-ip.ts";
import { errorResponse, wantsApp } from "../../services/api/errors.ts";
import { nodeHealth } from "../../services/api/health.ts";

describe("gateway errors", () => {
	it("keeps a Moleculer error's status, type, message and data", () => {
		const err = new Errors.MoleculerClientError("No product.", 404, "NOT_FOUND", { id: "x" });
		assert.deepEqual(errorResponse(err), {
			status: 404,
			body: { error: { type: "NOT_FOUND", message: "No product.", data: { id: "x" } } },
		});
	});

	it("hides the message of an unexpected error behind a 500", () => {
		const { status, body } = errorResponse(
			new TypeError("cannot read properties of undefined (secret path)"),
		);
		assert.equal(status, 500);
		assert.deepEqual(body.error, {
			type: "INTERNAL_ERROR",
			message: "Internal server error",
			data: undefined,
		});
	});

	it("falls back to the app only for page routes", () => {
		const req = (method: string, url: string, originalUrl?: string) =>
			({ method, url, originalUrl }) as never;
		assert.equal(wantsApp(req("GET", "/dicas/123")), true);
		assert.equal(wantsApp(req("GET", "/nope", "/api/nope")), false);
		assert.equal(wantsApp(req("GET", "/main.js")), false);
		assert.equal(wantsApp(req("POST", "/dicas")), false);
	});
});

describe("nodeHealth", () => {
	it("lists each node's own services, sorted, without internal ones, local node first", () => {
		const nodes = nodeHealth([
			{
				id: "b",
				available: true,
				local: false,
				services: [{ name: "$node" }, { name: "products" }, { name: "publications" }],
			},
			{ id: "a", available: true, local: true, services: [{ name: "api" }, { name: "$node" }] },
		]);
		assert.deepEqual(nodes, [
			{ id: "a", available: true, local: true, services: ["api"] },
			{ id: "b", available: true, local: false, services: ["products", "publications"] },
		]);
	});
});

describe("clientIp", () => {
	const request = (headers: Record<string, string>) =>
		({ headers, socket: { remoteAddress: "10.0.0.2" } }) as unknown as import("node:http").IncomingMessage;

	it("uses the proxy's X-Real-IP only when told to trust the proxy", () => {
		assert.equal(clientIp(request({ "x-real-ip": "203.0.113.7" }), true), "203.0.113.7");
		assert.equal(clientIp(request({ "x-real-ip": "203.0.113.7" }), false), "10.0.0.2");
		assert.equal(clientIp(request({ "x-real-ip": "2001:db8::1" }), true), "2001:db8::1");
	});

	it("ignores a header that is not an address", () => {
		assert.equal(clientIp(request({ "x-real-ip": "evil, 1.2.3.4" }), true), "10.0.0.2");
		assert.equal(clientIp(request({}), true), "10.0.0.2");
	});
});
