/**
 * The OpenAPI document of a running node lists every REST route of the README with the
 * right security, and the routes it lists are the ones the gateway answers; the docs page
 * is served as HTML that reads the document. In a cluster, the gateway documents the services
 * of other nodes, once however many nodes run them.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pkg from "../../package.json" with { type: "json" };
import { verifiedClient } from "../fixtures/clients.ts";
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

// biome-ignore lint/suspicious/noExplicitAny: a JSON Schema, read as it comes.
type Schema = any;
type Operation = { security?: Record<string, string[]>[]; parameters?: { name: string; in: string }[] };

describe("OpenAPI document and API reference page", () => {
	let system: RunningSystem;
	// biome-ignore lint/suspicious/noExplicitAny: the document's shape is what the tests check.
	let doc: any;

	before(async () => {
		system = await startSystem({ OPERATOR_TOKEN: operatorToken, PRICES_PROVIDER: "sample" });
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

	it("gives every route's success answer a schema", () => {
		const untyped: string[] = [];
		for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, Schema>>))
			for (const [method, op] of Object.entries(operations)) {
				const [, ok] =
					Object.entries(op.responses as Record<string, Schema>).find(([s]) => s.startsWith("2")) ?? [];
				const schema = ok && Object.values(ok.content as Record<string, Schema>)[0]?.schema;
				if (!schema || Object.keys(schema).length === 0) untyped.push(`${method.toUpperCase()} ${path}`);
			}
		assert.deepEqual(untyped, []);
	});

	it("describes what reads answer with the domain's own schemas, and real answers fit them", async () => {
		await system.broker.call("products.publish", {
			id: "openapi-1",
			sources: ["house"],
			products: [
				{
					id: "house:fund:a",
					source: "house",
					category: "fund",
					nativeId: "a",
					name: "Fundo A",
					adminFee: 0.005,
					minimumInvestment: 1000,
					collectedAt: "2026-12-01T10:00:00.000Z",
				},
			],
		});
		const success = (path: string): Schema => operation(path, "get") && doc.paths[path].get.responses["200"];
		/** Every field of the answer is one the schema names, every required one is there, all the way down. */
		const fits = (value: unknown, schema: Schema, at: string): void => {
			if (schema.type === "array") {
				assert.ok(Array.isArray(value), `${at} is an array`);
				for (const [i, item] of (value as unknown[]).entries()) fits(item, schema.items, `${at}[${i}]`);
			} else if (schema.type === "object" && schema.properties) {
				const record = value as Record<string, unknown>;
				for (const key of Object.keys(record))
					assert.ok(key in schema.properties, `${at}.${key} is in the schema`);
				for (const key of schema.required ?? []) assert.ok(key in record, `${at}.${key} is answered`);
				for (const [key, inner] of Object.entries(record))
					if (inner !== null && typeof inner === "object")
						fits(inner, schema.properties[key], `${at}.${key}`);
			} else if (schema.type === "object" && schema.additionalProperties)
				for (const [key, inner] of Object.entries(value as object))
					fits(inner, schema.additionalProperties, `${at}.${key}`);
			else if (schema.type)
				assert.equal(
					typeof value === "number" ? "number" : typeof value,
					schema.type === "integer" ? "number" : schema.type,
					at,
				);
		};
		for (const [path, url] of [
			["/health", "/api/health"],
			["/products", "/api/products"],
			["/products/{id}", "/api/products/house%3Afund%3Aa"],
			["/publications", "/api/publications"],
			["/publications/{id}", "/api/publications/openapi-1"],
			["/ready", "/api/ready"],
			["/analytics/frequency", "/api/analytics/frequency"],
			["/analytics/top", "/api/analytics/top"],
			["/analytics/publications", "/api/analytics/publications"],
			["/analytics/summary", "/api/analytics/summary"],
			["/collector/sources", "/api/collector/sources"],
			["/collector/status", "/api/collector/status"],
			["/prices/{ticker}", "/api/prices/PETR4"],
			["/metrics/{ticker}", "/api/metrics/PETR4"],
			["/suitability/questionnaire", "/api/suitability/questionnaire"],
			["/investor-category/statements", "/api/investor-category/statements"],
			["/interests/schema", "/api/interests/schema"],
			["/openapi.json", "/api/openapi.json"],
		] as const) {
			const schema = success(path).content["application/json"].schema;
			const described = schema.type === "array" ? schema.items : schema;
			assert.ok(Object.keys(described.properties ?? {}).length > 0, `${path}: a schema with properties`);
			const { status, body } = await getJson(`${system.url}${url}`);
			assert.equal(status, 200, url);
			fits(body, schema, path);
		}
		// An operator's collection (the test's sample sources): its summary, then the runs page.
		const run = await getJson(`${system.url}/api/collector/run`, {
			method: "POST",
			headers: { authorization: `Bearer ${operatorToken}`, "content-type": "application/json" },
			body: "{}",
		});
		assert.equal(run.status, 200, JSON.stringify(run.body));
		fits(
			run.body,
			doc.paths["/collector/run"].post.responses["200"].content["application/json"].schema,
			"/collector/run",
		);
		const runs = await getJson(`${system.url}/api/collector/runs`);
		fits(runs.body, success("/collector/runs").content["application/json"].schema, "/collector/runs");
		assert.ok(runs.body.rows.length > 0);
		// A client's own routes, with a session.
		const client = await verifiedClient(system.url, system.config.dataDir, "openapi@example.com", {
			fund: {},
		});
		const session = { authorization: `Bearer ${client.token}` };
		const me = await getJson(`${system.url}/api/me`, { headers: session });
		fits(me.body, success("/me").content["application/json"].schema, "/me");
		const prefs = await getJson(`${system.url}/api/me/preferences`, { headers: session });
		fits(prefs.body, success("/me/preferences").content["application/json"].schema, "/me/preferences");
		const interests = await getJson(`${system.url}/api/me/interests`, { headers: session });
		fits(interests.body, success("/me/interests").content["application/json"].schema, "/me/interests");
		const preview = await getJson(`${system.url}/api/me/interests/preview`, {
			method: "POST",
			headers: { ...session, "content-type": "application/json" },
			body: JSON.stringify({ interests: { fund: {} } }),
		});
		assert.equal(preview.status, 200, JSON.stringify(preview.body));
		fits(
			preview.body,
			doc.paths["/me/interests/preview"].post.responses["200"].content["application/json"].schema,
			"/me/interests/preview",
		);
		const deliveries = await getJson(`${system.url}/api/admin/mail/deliveries`, {
			headers: { authorization: `Bearer ${operatorToken}` },
		});
		assert.ok(deliveries.body.rows.length > 0, "the client's verification e-mail is listed");
		fits(
			deliveries.body,
			success("/admin/mail/deliveries").content["application/json"].schema,
			"/admin/mail/deliveries",
		);
		const exported = await getJson(`${system.url}/api/me/export`, { headers: session });
		fits(exported.body, success("/me/export").content["application/json"].schema, "/me/export");
		const listed = await getJson(`${system.url}/api/admin/subscribers`, {
			headers: { authorization: `Bearer ${operatorToken}` },
		});
		fits(listed.body, success("/admin/subscribers").content["application/json"].schema, "/admin/subscribers");
		const operator = { authorization: `Bearer ${operatorToken}` };
		const trail = await getJson(`${system.url}/api/admin/audit?productId=house%3Afund%3Aa`, {
			headers: operator,
		});
		assert.equal(trail.status, 200, JSON.stringify(trail.body));
		fits(trail.body, success("/admin/audit").content["application/json"].schema, "/admin/audit");
		const imported = await getJson(`${system.url}/api/admin/subscribers/import`, {
			method: "POST",
			headers: { ...operator, "content-type": "application/json" },
			body: JSON.stringify({ csv: "email,name\nimport@example.com,Ana Souza\n", dryRun: true }),
		});
		assert.equal(imported.status, 200, JSON.stringify(imported.body));
		fits(
			imported.body,
			doc.paths["/admin/subscribers/import"].post.responses["200"].content["application/json"].schema,
			"/admin/subscribers/import",
		);
		assert.equal(success("/admin/mail/preview").content["text/html"].schema.type, "string");
		const link = await getJson(`${system.url}/api/auth/magic-link`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ email: client.email }),
		});
		fits(
			link.body,
			doc.paths["/auth/magic-link"].post.responses["202"].content["application/json"].schema,
			"/auth/magic-link",
		);
		const renewed = await getJson(`${system.url}/api/auth/renew`, { method: "POST", headers: session });
		fits(
			renewed.body,
			doc.paths["/auth/renew"].post.responses["200"].content["application/json"].schema,
			"/auth/renew",
		);
		// Renewal swapped the session: the new token erases.
		const erased = await getJson(`${system.url}/api/me`, {
			method: "DELETE",
			headers: { authorization: `Bearer ${renewed.body.token}` },
		});
		assert.equal(erased.status, 200, JSON.stringify(erased.body));
		fits(
			erased.body,
			doc.paths["/me"].delete.responses["200"].content["application/json"].schema,
			"DELETE /me",
		);
		const product = success("/products/{id}").content["application/json"].schema;
		assert.ok(product.properties.venues && product.properties.category.enum.includes("fund"));
		assert.ok(
			success("/me/notifications").content["application/json"].schema.properties.rows.items.properties.cursor,
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
