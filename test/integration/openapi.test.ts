/**
 * The OpenAPI document of a running node lists every REST route of the README with the
 * right security, and the routes it lists are the ones the gateway answers; the docs page
 * is served as HTML that reads the document. In a cluster, the gateway documents the services
 * of other nodes, once however many nodes run them.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pkg from "../../package.json" with { type: "json" };
import { getJson, natsUrl, type RunningSystem, startSystem, uniqueNamespace, waitFor } from "../harness.ts";

const operatorToken = "openapi-operator-token-123456";

/** The README's REST table, relative to the server URL /api. */
const readmeRoutes = [
	"/health",
	"/ready",
	"/products",
	"/products/{id}",
	"/publications",
	"/publications/{id}",
	"/prices/{ticker}",
	"/metrics/{ticker}",
	"/collector/run",
	"/collector/runs",
	"/collector/sources",
	"/subscribers",
	"/auth/verify",
	"/auth/magic-link",
	"/me",
	"/me/interests",
	"/me/preferences",
	"/me/export",
	"/me/notifications",
	"/me/notifications/unread",
	"/me/notifications/read",
	"/me/interests/preview",
	"/interests/schema",
	"/unsubscribe",
	"/admin/subscribers",
	"/admin/subscribers/import",
];

type Operation = { security?: Record<string, string[]>[]; parameters?: { name: string; in: string }[] };

describe("OpenAPI document and API reference page", () => {
	let system: RunningSystem;
	// biome-ignore lint/suspicious/noExplicitAny: the document's shape is what the tests check.
	let doc: any;

	before(async () => {
		system = await startSystem({ OPERATOR_TOKEN: operatorToken });
		const res = await getJson(`${system.url}/api/openapi.json`);
		assert.equal(res.status, 200, JSON.stringify(res.body));
		assert.match(res.headers.get("content-type") ?? "", /application\/json/);
		doc = res.body;
	});
	after(async () => {
		await system.stop();
	});

	const operation = (path: string, method: string): Operation => {
		const found = doc.paths[path]?.[method];
		assert.ok(found, `${method.toUpperCase()} ${path} is in the document`);
		return found;
	};
	const schemesOf = (path: string, method: string) =>
		(operation(path, method).security ?? []).flatMap((requirement) => Object.keys(requirement));

	it("is an OpenAPI 3 document of this version, served under /api", () => {
		assert.match(doc.openapi, /^3\.\d+\.\d+$/);
		assert.equal(doc.info.title, "Insights API");
		assert.equal(doc.info.version, pkg.version);
		assert.deepEqual(doc.servers, [{ url: "/api" }]);
		assert.equal(typeof doc.paths, "object");
		assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ["operatorToken", "sessionToken"]);
		assert.ok(doc.components.schemas.Error, "the error schema");
	});

	it("lists every route of the README's REST table, without the /api prefix", () => {
		const missing = readmeRoutes.filter((path) => !doc.paths[path]);
		assert.deepEqual(missing, [], `missing from ${Object.keys(doc.paths).join(", ")}`);
		assert.ok(
			Object.keys(doc.paths).every((path) => !path.startsWith("/api/") || path === "/api/list-aliases"),
			"paths are relative to the server URL",
		);
	});

	it("secures operator routes with the operator token, client routes with a session, none elsewhere", () => {
		assert.deepEqual(schemesOf("/collector/run", "post"), ["operatorToken"]);
		assert.deepEqual(schemesOf("/admin/subscribers", "get"), ["operatorToken"]);
		assert.deepEqual(schemesOf("/admin/subscribers/import", "post"), ["operatorToken"]);
		assert.deepEqual(schemesOf("/me", "get"), ["sessionToken"]);
		assert.deepEqual(schemesOf("/me/interests", "put"), ["sessionToken"]);
		assert.deepEqual(schemesOf("/me/notifications", "get"), ["sessionToken"]);
		assert.deepEqual(schemesOf("/products", "get"), []);
		assert.deepEqual(schemesOf("/subscribers", "post"), []);
		assert.deepEqual(schemesOf("/unsubscribe", "get"), []);
		assert.deepEqual(schemesOf("/health", "get"), []);
	});

	it("documents parameters: path and query for reads, a body for writes", () => {
		const product = operation("/products/{id}", "get").parameters ?? [];
		assert.ok(product.some((p) => p.in === "path"));
		const list = operation("/products", "get").parameters ?? [];
		assert.deepEqual(list.map((p) => p.name).sort(), [
			"audience",
			"category",
			"openToInvestment",
			"page",
			"pageSize",
			"q",
		]);
		assert.ok(doc.paths["/collector/run"].post.requestBody.content["application/json"].schema);
		assert.equal(
			doc.paths["/me/interests"].put.requestBody.content["application/json"].schema.type,
			"object",
		);
	});

	it("lists only routes the gateway answers: every secured one refuses a call without a token", async () => {
		for (const [path, item] of Object.entries<Record<string, Operation>>(doc.paths))
			for (const [method, op] of Object.entries(item)) {
				if (!op.security?.length) continue;
				const url = `${system.url}/api${path.replace(/\{[^}]+\}/g, "x")}`;
				const res = await getJson(url, {
					method: method.toUpperCase(),
					headers: { "content-type": "application/json" },
					body: method === "get" || method === "delete" ? undefined : "{}",
				});
				assert.equal(res.status, 401, `${method.toUpperCase()} ${path}: ${JSON.stringify(res.body)}`);
			}
	});

	it("lists only routes the gateway answers: public ones without path parameters are found", async () => {
		for (const [path, item] of Object.entries<Record<string, Operation>>(doc.paths))
			for (const [method, op] of Object.entries(item)) {
				// Path parameters would reach real work (prices from Yahoo); the secured test covers the rest.
				if (op.security?.length || path.includes("{")) continue;
				const body = method === "get" || method === "delete" ? undefined : "{}";
				// Empty bodies fail validation before anything happens: no sign-up, no e-mail.
				const res = await getJson(`${system.url}/api${path}`, {
					method: method.toUpperCase(),
					headers: {
						"content-type":
							path === "/unsubscribe" ? "application/x-www-form-urlencoded" : "application/json",
					},
					body: path === "/unsubscribe" && body ? "" : body,
				});
				assert.notEqual(res.status, 404, `${method.toUpperCase()} ${path}: ${JSON.stringify(res.body)}`);
				assert.ok(
					res.status < 500,
					`${method.toUpperCase()} ${path}: ${res.status} ${JSON.stringify(res.body)}`,
				);
			}
	});

	it("serves the reference page as HTML that reads the document", async () => {
		const res = await fetch(`${system.url}/api/docs`);
		assert.equal(res.status, 200);
		assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
		const html = await res.text();
		assert.match(html, /<!doctype html>/i);
		assert.match(html, /<script>[\s\S]*fetch\([\s\S]*<\/script>/);
		assert.match(html, /\/api\/openapi\.json/);
	});
});

describe("OpenAPI document of a cluster", () => {
	const nodes: RunningSystem[] = [];
	after(async () => {
		await Promise.all(nodes.map((node) => node.stop()));
	});

	it("documents services of other nodes once, however many nodes run them", async () => {
		const cluster = { TRANSPORTER: natsUrl, NAMESPACE: uniqueNamespace(), LOG_LEVEL: "error" };
		const market = { ...cluster, SERVICES: "prices,metrics", PRICES_PROVIDER: "sample" };
		nodes.push(await startSystem({ ...cluster, SERVICES: "api", NODE_ID: "gateway" }));
		nodes.push(await startSystem({ ...market, NODE_ID: "market-1" }));
		nodes.push(await startSystem({ ...market, NODE_ID: "market-2" }));
		const gateway = nodes[0] as RunningSystem;
		await gateway.broker.waitForServices(["prices", "metrics"], 10_000);
		await waitFor(
			() =>
				(gateway.broker.registry.getServiceList({ onlyAvailable: true }) as { name: string }[]).filter(
					(service) => service.name === "prices",
				).length === 2,
			{ what: "prices on both market nodes" },
		);

		const { status, body } = await getJson(`${gateway.url}/api/openapi.json`);
		assert.equal(status, 200);
		const prices = body.paths["/prices/{ticker}"];
		assert.deepEqual(Object.keys(prices ?? {}), ["get"]);
		assert.equal(prices.get.operationId, "prices.history");
		// The ticker's rule crossed NATS as JSON: its RegExp is lost, its lengths are not.
		const ticker = prices.get.parameters.find((p: { name: string }) => p.name === "ticker");
		assert.deepEqual(ticker.schema, { type: "string", minLength: 1, maxLength: 20 });
		assert.ok(body.paths["/metrics/{ticker}"]?.get);
		assert.equal(body.paths["/products"], undefined, "no node runs products");
		const ids = Object.values<Record<string, { operationId: string }>>(body.paths).flatMap((item) =>
			Object.values(item).map((op) => op.operationId),
		);
		assert.equal(new Set(ids).size, ids.length, `operation ids once each: ${ids.join(", ")}`);
	});
});
