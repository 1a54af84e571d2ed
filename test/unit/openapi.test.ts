import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { docsPage } from "../../services/api/docs-page.ts";
import {
	buildOpenApi,
	dedupeServices,
	type ExplicitRoute,
	isOptional,
	propsToSchema,
	ruleToSchema,
	type ServiceInfo,
} from "../../services/api/openapi.ts";

describe("fastest-validator rules as JSON Schema", () => {
	it("reads the string shorthand: type, flags, numbers and defaults", () => {
		assert.deepEqual(ruleToSchema("number|integer|min:1|max:100|convert|default:20"), {
			type: "integer",
			minimum: 1,
			maximum: 100,
			default: 20,
		});
		assert.deepEqual(ruleToSchema("string|trim|max:100|optional"), { type: "string", maxLength: 100 });
		assert.deepEqual(ruleToSchema("boolean|convert|default:false"), { type: "boolean", default: false });
		assert.deepEqual(ruleToSchema("string|default:pt-BR"), { type: "string", default: "pt-BR" });
		assert.deepEqual(ruleToSchema("string[]"), { type: "array", items: { type: "string" } });
	});

	it("strings: lengths, exact length, non-empty, pattern (a RegExp's source), enum", () => {
		assert.deepEqual(ruleToSchema({ type: "string", min: 1, max: 20, pattern: /^\^?[A-Za-z0-9.-]+$/ }), {
			type: "string",
			minLength: 1,
			maxLength: 20,
			pattern: "^\\^?[A-Za-z0-9.-]+$",
		});
		assert.deepEqual(ruleToSchema({ type: "string", length: 8 }), {
			type: "string",
			minLength: 8,
			maxLength: 8,
		});
		assert.deepEqual(ruleToSchema({ type: "string", empty: false }), { type: "string", minLength: 1 });
		assert.deepEqual(ruleToSchema({ type: "string", pattern: "^a+$" }), { type: "string", pattern: "^a+$" });
		// A RegExp that crossed the transporter as JSON arrives as {}: no pattern rather than a wrong one.
		assert.deepEqual(ruleToSchema({ type: "string", pattern: {} }), { type: "string" });
		assert.deepEqual(ruleToSchema({ type: "string", enum: ["a", "b"] }), {
			type: "string",
			enum: ["a", "b"],
		});
	});

	it("numbers: integer, bounds, positive and negative, equal", () => {
		assert.deepEqual(ruleToSchema("number|min:0|max:23"), { type: "number", minimum: 0, maximum: 23 });
		assert.deepEqual(ruleToSchema("number|positive"), { type: "number", minimum: 0, exclusiveMinimum: true });
		assert.deepEqual(ruleToSchema("number|integer|negative"), {
			type: "integer",
			maximum: 0,
			exclusiveMaximum: true,
		});
		assert.deepEqual(ruleToSchema({ type: "number", equal: 5 }), { type: "number", enum: [5] });
	});

	it("email, url, uuid and date as formatted strings", () => {
		assert.deepEqual(ruleToSchema({ type: "email", normalize: true, max: 254 }), {
			type: "string",
			format: "email",
			maxLength: 254,
		});
		assert.deepEqual(ruleToSchema("url"), { type: "string", format: "uri" });
		assert.deepEqual(ruleToSchema("uuid"), { type: "string", format: "uuid" });
		assert.deepEqual(ruleToSchema("date|convert"), { type: "string", format: "date-time" });
	});

	it("enum and equal as enums, typed when their values share a type", () => {
		assert.deepEqual(ruleToSchema({ type: "enum", values: ["pending", "verified"] }), {
			type: "string",
			enum: ["pending", "verified"],
		});
		assert.deepEqual(ruleToSchema({ type: "enum", values: [1, "a"] }), { enum: [1, "a"] });
		assert.deepEqual(ruleToSchema({ type: "equal", value: true, strict: true }), {
			type: "boolean",
			enum: [true],
		});
	});

	it("arrays: items, min/max as item counts, exact length, unique", () => {
		assert.deepEqual(
			ruleToSchema({ type: "array", items: "string|min:1|max:50", optional: true, min: 1, max: 100 }),
			{ type: "array", items: { type: "string", minLength: 1, maxLength: 50 }, minItems: 1, maxItems: 100 },
		);
		assert.deepEqual(ruleToSchema({ type: "array", length: 2, unique: true }), {
			type: "array",
			items: {},
			minItems: 2,
			maxItems: 2,
			uniqueItems: true,
		});
		assert.deepEqual(ruleToSchema({ type: "array", items: "string", enum: ["a", "b"] }), {
			type: "array",
			items: { type: "string", enum: ["a", "b"] },
		});
	});

	it("objects: props as properties, required unless optional or defaulted, strict, nested", () => {
		assert.deepEqual(
			ruleToSchema({
				type: "object",
				strict: true,
				props: {
					email: "boolean|optional",
					digestHour: "number|integer|min:0|max:23",
					window: { type: "object", props: { days: "number|default:30" }, optional: true },
					gone: "forbidden",
				},
			}),
			{
				type: "object",
				properties: {
					email: { type: "boolean" },
					digestHour: { type: "integer", minimum: 0, maximum: 23 },
					window: { type: "object", properties: { days: { type: "number", default: 30 } } },
				},
				required: ["digestHour"],
				additionalProperties: false,
			},
		);
		assert.deepEqual(ruleToSchema({ type: "object", optional: true }), { type: "object" });
		assert.deepEqual(ruleToSchema({ type: "object", minProps: 1, maxProps: 3 }), {
			type: "object",
			minProperties: 1,
			maxProperties: 3,
		});
		// fastest-validator's nested object without `type`: the other keys are its props.
		assert.deepEqual(ruleToSchema({ $$type: "object|optional", city: "string" }), {
			type: "object",
			properties: { city: { type: "string" } },
			required: ["city"],
		});
	});

	it("records, multi (rule lists too), any, nullable and unknown rules", () => {
		assert.deepEqual(ruleToSchema({ type: "record", key: "string", value: "number|min:0" }), {
			type: "object",
			additionalProperties: { type: "number", minimum: 0 },
		});
		assert.deepEqual(ruleToSchema({ type: "record" }), { type: "object", additionalProperties: {} });
		assert.deepEqual(ruleToSchema({ type: "multi", rules: ["string", "number"] }), {
			oneOf: [{ type: "string" }, { type: "number" }],
		});
		assert.deepEqual(ruleToSchema(["string", { type: "boolean" }]), {
			oneOf: [{ type: "string" }, { type: "boolean" }],
		});
		assert.deepEqual(ruleToSchema("any"), {});
		assert.deepEqual(ruleToSchema("string|nullable"), { type: "string", nullable: true });
		assert.deepEqual(ruleToSchema({ type: "custom", check: () => true }), {});
		assert.deepEqual(ruleToSchema({ type: "string", default: () => "now" }), { type: "string" });
	});

	it("optional means optional: true, a default, or every rule of a multi optional", () => {
		assert.equal(isOptional("string|optional"), true);
		assert.equal(isOptional("number|default:1"), true);
		assert.equal(isOptional({ type: "string" }), false);
		assert.equal(isOptional(["string|optional", "number|optional"]), true);
		assert.equal(isOptional(["string|optional", "number"]), false);
	});

	it("top-level params skip $$ keys", () => {
		assert.deepEqual(propsToSchema({ name: "string", $$strict: true }), {
			properties: { name: { type: "string" } },
			required: ["name"],
		});
	});
});

const catalogue: ServiceInfo = {
	name: "items",
	fullName: "items",
	settings: { rest: "/items" },
	actions: {
		"items.list": {
			name: "items.list",
			rawName: "list",
			rest: "GET /",
			params: { q: "string|optional", page: "number|integer|min:1|convert|default:1" },
		},
		"items.get": { name: "items.get", rawName: "get", rest: "GET /:id", params: { id: "string|min:1" } },
		"items.create": {
			name: "items.create",
			rawName: "create",
			rest: "POST /",
			auth: "operator",
			params: {
				title: "string|min:1",
				tags: { type: "array", items: "string", optional: true },
				$$strict: true,
			},
		},
		"items.remove": { name: "items.remove", rawName: "remove", rest: "DELETE /:id", auth: "operator" },
		"items.stage": { name: "items.stage", rawName: "stage", rest: "POST /stage", visibility: "public" },
		"items.count": { name: "items.count", rawName: "count" },
	},
};

const account: ServiceInfo = {
	name: "account",
	settings: { rest: "/" },
	actions: {
		"account.me": { name: "account.me", rawName: "me", rest: "GET /me", auth: "subscriber" },
		"account.setInterests": {
			name: "account.setInterests",
			rawName: "setInterests",
			rest: "PUT /me/interests",
			auth: "subscriber",
		},
		"account.register": {
			name: "account.register",
			rawName: "register",
			rest: { method: "POST", path: "/register" },
			params: { email: { type: "email" } },
			openapi: { status: 202, summary: "Sign up" },
		},
		"account.unsubscribe": {
			name: "account.unsubscribe",
			rawName: "unsubscribe",
			params: { token: "string" },
		},
	},
};

// No settings.rest: moleculer-web puts the routes under the service's name.
const gateway: ServiceInfo = {
	name: "gw",
	settings: {},
	actions: {
		"gw.health": { name: "gw.health", rawName: "health" },
		"gw.aliases": { name: "gw.aliases", rawName: "aliases", rest: "GET /aliases" },
	},
};

const explicitRoutes: ExplicitRoute[] = [
	{ method: "GET", path: "/health", action: "gw.health" },
	{
		method: "POST",
		path: "/unsubscribe",
		action: "account.unsubscribe",
		openapi: { requestType: "application/x-www-form-urlencoded", responseType: "text/html" },
	},
];

describe("buildOpenApi", () => {
	const doc = buildOpenApi({ services: [catalogue, account, gateway], explicitRoutes, version: "1.2.3" });
	const op = (path: string, method: string) => {
		const operation = doc.paths[path]?.[method];
		assert.ok(operation, `${method} ${path} in ${Object.keys(doc.paths).join(", ")}`);
		return operation;
	};

	it("describes the document: version 3.0.3, title, version, server, security schemes, error schema", () => {
		assert.equal(doc.openapi, "3.0.3");
		assert.deepEqual(doc.info.title, "Insights API");
		assert.equal(doc.info.version, "1.2.3");
		assert.deepEqual(doc.servers, [{ url: "/api" }]);
		assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ["operatorToken", "sessionToken"]);
		assert.equal(doc.components.securitySchemes.operatorToken?.scheme, "bearer");
		assert.deepEqual(doc.components.schemas.Error?.properties?.error?.required, ["type", "message"]);
		assert.deepEqual(doc.tags, [{ name: "account" }, { name: "gw" }, { name: "items" }]);
		assert.deepEqual(
			buildOpenApi({ services: [], explicitRoutes: [], version: "1", serverUrl: "/v2" }).servers,
			[{ url: "/v2" }],
		);
	});

	it("lists every published REST route, with path parameters in braces, and nothing else", () => {
		assert.deepEqual(Object.keys(doc.paths), [
			"/gw/aliases",
			"/health",
			"/items",
			"/items/{id}",
			"/me",
			"/me/interests",
			"/register",
			"/unsubscribe",
		]);
		assert.deepEqual(Object.keys(doc.paths["/items"] ?? {}), ["get", "post"]);
		assert.deepEqual(Object.keys(doc.paths["/items/{id}"] ?? {}), ["get", "delete"]);
	});

	it("names operations after their action, tags them with the service, summarizes the action name", () => {
		const list = op("/items", "get");
		assert.equal(list.operationId, "items.list");
		assert.deepEqual(list.tags, ["items"]);
		assert.equal(list.summary, "List");
		assert.equal(op("/me/interests", "put").summary, "Set interests");
		assert.equal(op("/health", "get").operationId, "gw.health");
		assert.deepEqual(op("/health", "get").tags, ["gw"]);
	});

	it("GET params become query parameters; path params are required path parameters", () => {
		assert.deepEqual(op("/items", "get").parameters, [
			{ name: "q", in: "query", required: false, schema: { type: "string" } },
			{ name: "page", in: "query", required: false, schema: { type: "integer", minimum: 1, default: 1 } },
		]);
		assert.deepEqual(op("/items/{id}", "get").parameters, [
			{ name: "id", in: "path", required: true, schema: { type: "string", minLength: 1 } },
		]);
		assert.deepEqual(op("/items/{id}", "delete").parameters, [
			{ name: "id", in: "path", required: true, schema: { type: "string" } },
		]);
		assert.equal(op("/items/{id}", "get").requestBody, undefined);
	});

	it("POST and PUT params become a JSON request body; an action without params takes an open object", () => {
		assert.deepEqual(op("/items", "post").requestBody, {
			required: true,
			content: {
				"application/json": {
					schema: {
						type: "object",
						properties: {
							title: { type: "string", minLength: 1 },
							tags: { type: "array", items: { type: "string" } },
						},
						required: ["title"],
						additionalProperties: false,
					},
				},
			},
		});
		assert.equal(op("/items", "post").parameters, undefined);
		assert.deepEqual(op("/me/interests", "put").requestBody, {
			required: false,
			content: { "application/json": { schema: { type: "object", additionalProperties: true } } },
		});
	});

	it("secures operator and subscriber actions with their bearer schemes; public ones have none", () => {
		assert.deepEqual(op("/items", "post").security, [{ operatorToken: [] }]);
		assert.deepEqual(op("/items/{id}", "delete").security, [{ operatorToken: [] }]);
		assert.deepEqual(op("/me", "get").security, [{ sessionToken: [] }]);
		assert.equal(op("/items", "get").security, undefined);
		assert.equal(op("/register", "post").security, undefined);
	});

	it("answers the standard responses: 401/403 only when secured, 404 with path params, 422 with input", () => {
		const codes = (path: string, method: string) => Object.keys(op(path, method).responses);
		assert.deepEqual(codes("/items", "get"), ["200", "422", "429", "default"]);
		assert.deepEqual(codes("/items", "post"), ["200", "400", "401", "403", "422", "429", "default"]);
		assert.deepEqual(codes("/items/{id}", "get"), ["200", "404", "422", "429", "default"]);
		assert.deepEqual(codes("/me", "get"), ["200", "401", "403", "429", "default"]);
		assert.deepEqual(codes("/health", "get"), ["200", "429", "default"]);
		assert.deepEqual(op("/items", "get").responses[422], { $ref: "#/components/responses/ValidationFailed" });
		const refs = Object.values(doc.components.responses).map((r) => JSON.stringify(r));
		assert.ok(refs.every((r) => r.includes("#/components/schemas/Error")));
	});

	it("follows hints: 202, summary, form bodies and HTML answers of explicit routes", () => {
		const register = op("/register", "post");
		assert.equal(register.summary, "Sign up");
		assert.deepEqual(Object.keys(register.responses)[0], "202");
		const unsubscribe = op("/unsubscribe", "post");
		assert.deepEqual(Object.keys(unsubscribe.requestBody?.content ?? {}), [
			"application/x-www-form-urlencoded",
		]);
		assert.deepEqual(unsubscribe.responses[200], {
			description: "OK",
			content: { "text/html": { schema: { type: "string" } } },
		});
	});

	it("reads every form of rest: a path alone (any method), an object with basePath, a list", () => {
		const service: ServiceInfo = {
			name: "files",
			settings: { rest: "/files" },
			actions: {
				"files.any": { name: "files.any", rawName: "any", rest: "/any" },
				"files.moved": { name: "files.moved", rawName: "moved", rest: { method: "GET", basePath: "/old" } },
				"files.two": { name: "files.two", rawName: "two", rest: ["GET /a", "GET /b/:name"] },
			},
		};
		const { paths } = buildOpenApi({ services: [service], explicitRoutes: [], version: "1" });
		assert.deepEqual(Object.keys(paths), ["/files/a", "/files/any", "/files/b/{name}", "/old/moved"]);
		assert.deepEqual(Object.keys(paths["/files/any"] ?? {}), ["get", "put", "post", "delete", "patch"]);
		const ids = Object.values(paths).flatMap((item) => Object.values(item).map((o) => o.operationId));
		assert.equal(new Set(ids).size, ids.length, `unique operation ids: ${ids.join(", ")}`);
	});

	it("lists a service that runs on several nodes once, with the actions of all its nodes", () => {
		const onNodeA = { ...catalogue, nodeID: "a" };
		const onNodeB = {
			...catalogue,
			nodeID: "b",
			actions: {
				...catalogue.actions,
				"items.archive": { name: "items.archive", rawName: "archive", rest: "POST /:id/archive" },
			},
		};
		const once = buildOpenApi({ services: [catalogue], explicitRoutes: [], version: "1" });
		const twice = buildOpenApi({ services: [onNodeA, onNodeB, onNodeA], explicitRoutes: [], version: "1" });
		assert.deepEqual(twice.paths["/items"], once.paths["/items"]);
		assert.deepEqual(Object.keys(twice.paths), ["/items", "/items/{id}", "/items/{id}/archive"]);
		assert.deepEqual(twice.tags, [{ name: "items" }]);
		const merged = dedupeServices([onNodeA, onNodeB]);
		assert.deepEqual([...merged.keys()], ["items"]);
		assert.ok(merged.get("items")?.actions?.["items.archive"], "an action only node b has");
	});
});

/** Just enough DOM to run the page's script; setting innerHTML throws, so data must go in as text. */
class FakeElement {
	id = "";
	className = "";
	hidden = false;
	disabled = false;
	value = "";
	dataset: Record<string, string> = {};
	children: FakeElement[] = [];
	attributes = new Map<string, string>();
	listeners = new Map<string, () => void>();
	#text = "";
	readonly tagName: string;
	constructor(tagName: string) {
		this.tagName = tagName;
	}
	get textContent(): string {
		return this.#text + this.children.map((child) => child.textContent).join("");
	}
	set textContent(text: string) {
		this.#text = text;
		this.children = [];
	}
	set innerHTML(_html: string) {
		throw new Error("innerHTML is not allowed");
	}
	append(...nodes: FakeElement[]) {
		this.children.push(...nodes);
	}
	setAttribute(name: string, value: string) {
		this.attributes.set(name, value);
	}
	addEventListener(type: string, listener: () => void) {
		this.listeners.set(type, listener);
	}
	querySelectorAll(tag: string): FakeElement[] {
		return this.children.flatMap((child) => [
			...(child.tagName === tag ? [child] : []),
			...child.querySelectorAll(tag),
		]);
	}
}

async function runDocsPage(served: unknown) {
	const page = docsPage();
	const script = page.slice(page.indexOf("<script>") + "<script>".length, page.indexOf("</script>"));
	const ids = ["status", "routes", "search", "title", "version"];
	const elements = Object.fromEntries(
		ids.map((id) => [id, new FakeElement(id === "search" ? "input" : "div")]),
	);
	const document = {
		createElement: (tag: string) => new FakeElement(tag),
		getElementById: (id: string) => elements[id],
	};
	const requested: string[] = [];
	const fetch = async (url: string) => {
		requested.push(url);
		return { ok: true, status: 200, statusText: "OK", json: async () => served };
	};
	new Function("document", "fetch", script)(document, fetch);
	await new Promise((resolve) => setTimeout(resolve, 10));
	return { elements: elements as Record<string, FakeElement>, requested };
}

describe("docsPage", () => {
	it("is one self-contained HTML page: no external script, style or font", () => {
		const page = docsPage();
		assert.match(page, /^<!doctype html>/);
		assert.match(page, /<html lang="en">/);
		assert.match(page, /<label for="search">/);
		assert.doesNotMatch(page, /(src|href)="(https?:)?\/\//);
		assert.doesNotMatch(page, /<link\b/);
		assert.doesNotMatch(page, /innerHTML|insertAdjacentHTML|document\.write/);
		assert.equal(page.split("</script>").length, 2, "one script, closed once");
	});

	it("keeps a spec URL from closing its script", () => {
		const page = docsPage("/x</script><script>alert(1)//");
		assert.equal(page.split("</script>").length, 2);
		assert.match(page, /\\u003c\/script>/);
	});

	it("renders the routes by tag as text, and filters them with the search box", async () => {
		const served = buildOpenApi({
			services: [
				catalogue,
				{
					...account,
					actions: {
						...account.actions,
						"account.me": {
							...account.actions?.["account.me"],
							openapi: { summary: "<img src=x onerror=alert(1)>" },
						},
					},
				},
				gateway,
			],
			explicitRoutes,
			version: "1.2.3",
		});
		const { elements, requested } = await runDocsPage(served);
		const routes = elements.routes as FakeElement;
		const status = elements.status as FakeElement;
		const search = elements.search as FakeElement;
		assert.deepEqual(requested, ["/api/openapi.json"]);
		assert.equal(elements.version?.textContent, "Version 1.2.3");
		assert.deepEqual(
			routes.querySelectorAll("h2").map((h) => h.textContent),
			["account", "gw", "items"],
		);
		assert.equal(routes.querySelectorAll("details").length, 10);
		assert.match(routes.textContent, /POST\/api\/itemsCreateOperator token/);
		assert.match(routes.textContent, /<img src=x onerror=alert\(1\)>/);
		assert.equal(status.textContent, "10 routes.");
		assert.equal(search.disabled, false);

		search.value = "operator items";
		search.listeners.get("input")?.();
		assert.equal(status.textContent, "2 of 10 routes match.");
		const visible = routes.querySelectorAll("section").filter((s) => !s.hidden);
		assert.deepEqual(
			visible.map((s) => s.querySelectorAll("h2")[0]?.textContent),
			["items"],
		);
	});

	it("says so when the document cannot be loaded", async () => {
		const page = docsPage();
		const script = page.slice(page.indexOf("<script>") + 8, page.indexOf("</script>"));
		const elements: Record<string, FakeElement> = {
			status: new FakeElement("p"),
			routes: new FakeElement("main"),
			search: new FakeElement("input"),
		};
		const document = {
			createElement: (tag: string) => new FakeElement(tag),
			getElementById: (id: string) => elements[id],
		};
		const fetch = async () => ({ ok: false, status: 503, statusText: "Service Unavailable" });
		new Function("document", "fetch", script)(document, fetch);
		await new Promise((resolve) => setTimeout(resolve, 10));
		assert.equal(elements.status?.attributes.get("role"), "alert");
		assert.match(elements.status?.textContent ?? "", /Could not load \/api\/openapi.json: 503/);
	});
});
