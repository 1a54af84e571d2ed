/**
 * The REST API as an OpenAPI 3.0 document, built from what the registry knows at the time of
 * the request: the routes moleculer-web generates from actions' `rest` (autoAliases), the
 * gateway's own explicit aliases, each action's fastest-validator `params` and its `auth`.
 * A pure function of the service list, so the document always matches the running cluster.
 */
import type { Answer } from "../../domain/contracts.ts";

/** The part of JSON Schema (OpenAPI 3.0 dialect) this generator writes. */
export interface SchemaObject {
	type?: "string" | "number" | "integer" | "boolean" | "array" | "object";
	format?: string;
	enum?: unknown[];
	items?: SchemaObject;
	properties?: Record<string, SchemaObject>;
	required?: string[];
	additionalProperties?: boolean | SchemaObject;
	oneOf?: SchemaObject[];
	minimum?: number;
	maximum?: number;
	exclusiveMinimum?: boolean;
	exclusiveMaximum?: boolean;
	minLength?: number;
	maxLength?: number;
	minItems?: number;
	maxItems?: number;
	uniqueItems?: boolean;
	minProperties?: number;
	maxProperties?: number;
	pattern?: string;
	default?: unknown;
	nullable?: boolean;
	$ref?: string;
}

/** Documentation an action (or an explicit route) may add: `openapi: { status: 202 }`. */
export interface OperationHints {
	summary?: string;
	description?: string;
	/** The success status; 200 unless the action answers otherwise (202 for "accepted"). */
	status?: number;
	/** Content type of the request body; application/json unless the route parses forms. */
	requestType?: string;
	/** Content type of the success response; application/json unless the action says so. */
	responseType?: string;
	/**
	 * The success body: `answers(action, rule)` with a fastest-validator rule the compiler
	 * checked against the action's declared result (the domain's own schema where it has one,
	 * productSchema, publicationSchema…), turned into JSON Schema like the params.
	 */
	response?: Answer;
}

/** An action as `registry.getServiceList({ withActions: true })` lists it (handler omitted). */
export interface ActionInfo {
	name?: string;
	rawName?: string;
	/** moleculer-web's `rest`: "GET /path", "/path" (any method), { method, path } or a list. */
	rest?: unknown;
	params?: unknown;
	auth?: unknown;
	visibility?: unknown;
	openapi?: OperationHints;
}

export interface ServiceInfo {
	name: string;
	fullName?: string;
	settings?: { rest?: unknown };
	actions?: Record<string, ActionInfo>;
}

/** A gateway alias that is not generated from `rest`; path relative to the server URL. */
export interface ExplicitRoute {
	method: string;
	path: string;
	action: string;
	openapi?: OperationHints;
}

export interface Parameter {
	name: string;
	in: "path" | "query";
	required: boolean;
	schema: SchemaObject;
}

type Content = Record<string, { schema: SchemaObject }>;
type ResponseObject = { description: string; content?: Content } | { $ref: string };

export interface Operation {
	operationId: string;
	summary: string;
	description?: string;
	tags: string[];
	security?: Record<string, string[]>[];
	parameters?: Parameter[];
	requestBody?: { required: boolean; content: Content };
	responses: Record<string, ResponseObject>;
}

export interface OpenApiDocument {
	openapi: "3.0.3";
	info: { title: string; version: string; description: string };
	servers: { url: string }[];
	tags: { name: string }[];
	paths: Record<string, Record<string, Operation>>;
	components: {
		securitySchemes: Record<
			string,
			{ type: "http"; scheme: "bearer"; bearerFormat?: string; description: string }
		>;
		schemas: Record<string, SchemaObject>;
		responses: Record<string, ResponseObject>;
	};
}

type Rule = Record<string, unknown> & { type?: string };

/** fastest-validator's shorthand "number|integer|min:1|convert|default:20" as an object rule. */
function parseShorthand(text: string): Rule {
	const [type = "any", ...flags] = text.split("|").map((part) => part.trim());
	const rule: Rule = type.endsWith("[]") ? { type: "array", items: type.slice(0, -2) } : { type };
	for (const flag of flags) {
		const colon = flag.indexOf(":");
		if (colon === -1) {
			if (flag.startsWith("no-")) rule[flag.slice(3)] = false;
			else rule[flag] = true;
			continue;
		}
		const raw = flag.slice(colon + 1).trim();
		rule[flag.slice(0, colon).trim()] =
			raw === "true"
				? true
				: raw === "false"
					? false
					: raw !== "" && !Number.isNaN(Number(raw))
						? Number(raw)
						: raw;
	}
	return rule;
}

/** Any rule form (shorthand, array = multi, `$$type` object) as one object rule. */
function ruleOf(rule: unknown): Rule {
	if (typeof rule === "string") return parseShorthand(rule);
	if (Array.isArray(rule))
		return { type: "multi", rules: rule, optional: rule.every((r) => isOptional(r)) || undefined };
	if (typeof rule !== "object" || rule === null) return {};
	const object = rule as Rule;
	if (typeof object.$$type !== "string") return object;
	// { $$type: "object|optional", name: "string" }: the other keys are the object's props.
	const props = Object.fromEntries(Object.entries(object).filter(([key]) => !key.startsWith("$$")));
	return { ...parseShorthand(object.$$type), props };
}

/** Absent is fine when the rule says optional or brings its own default. */
export function isOptional(rule: unknown): boolean {
	const { optional, default: fallback } = ruleOf(rule);
	return optional === true || (fallback !== undefined && typeof fallback !== "function");
}

const num = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);

function typeOfValues(values: unknown[]): SchemaObject["type"] {
	if (values.length > 0 && values.every((v) => typeof v === "string")) return "string";
	if (values.length > 0 && values.every((v) => typeof v === "boolean")) return "boolean";
	if (values.length > 0 && values.every((v) => typeof v === "number")) return "number";
	return undefined;
}

function lengths(
	rule: Rule,
	minKey: "minLength" | "minItems",
	maxKey: "maxLength" | "maxItems",
): SchemaObject {
	const exact = num(rule.length);
	const min = exact ?? num(rule.min) ?? (rule.empty === false ? 1 : undefined);
	const max = exact ?? num(rule.max);
	return { ...(min !== undefined ? { [minKey]: min } : {}), ...(max !== undefined ? { [maxKey]: max } : {}) };
}

function stringSchema(rule: Rule, format?: string): SchemaObject {
	const pattern =
		rule.pattern instanceof RegExp
			? rule.pattern.source
			: typeof rule.pattern === "string"
				? rule.pattern
				: undefined;
	return {
		type: "string",
		...(format ? { format } : {}),
		...lengths(rule, "minLength", "maxLength"),
		...(pattern !== undefined ? { pattern } : {}),
		...(Array.isArray(rule.enum) ? { enum: rule.enum } : {}),
	};
}

function numberSchema(rule: Rule): SchemaObject {
	const schema: SchemaObject = { type: rule.integer === true ? "integer" : "number" };
	if (num(rule.min) !== undefined) schema.minimum = num(rule.min);
	else if (rule.positive === true) Object.assign(schema, { minimum: 0, exclusiveMinimum: true });
	if (num(rule.max) !== undefined) schema.maximum = num(rule.max);
	else if (rule.negative === true) Object.assign(schema, { maximum: 0, exclusiveMaximum: true });
	if (num(rule.equal) !== undefined) schema.enum = [rule.equal];
	return schema;
}

/** The properties and required list of an object rule's `props` (or of top-level params). */
export function propsToSchema(props: Record<string, unknown>): Pick<SchemaObject, "properties" | "required"> {
	const properties: Record<string, SchemaObject> = {};
	const required: string[] = [];
	for (const [name, rule] of Object.entries(props)) {
		if (name.startsWith("$$") || ruleOf(rule).type === "forbidden") continue;
		properties[name] = ruleToSchema(rule);
		if (!isOptional(rule)) required.push(name);
	}
	return { properties, ...(required.length > 0 ? { required } : {}) };
}

function objectSchema(rule: Rule): SchemaObject {
	const props = (rule.props ?? rule.properties) as Record<string, unknown> | undefined;
	return {
		type: "object",
		...(props ? propsToSchema(props) : {}),
		...(props && rule.strict === true ? { additionalProperties: false } : {}),
		...(num(rule.minProps) !== undefined ? { minProperties: num(rule.minProps) } : {}),
		...(num(rule.maxProps) !== undefined ? { maxProperties: num(rule.maxProps) } : {}),
	};
}

function typedSchema(rule: Rule): SchemaObject {
	switch (rule.type) {
		case "string":
		case "luhn":
		case "mac":
		case "currency":
		case "objectID":
			return stringSchema(rule);
		case "email":
			return stringSchema(rule, "email");
		case "url":
			return stringSchema(rule, "uri");
		case "uuid":
			return stringSchema(rule, "uuid");
		case "date":
			return { type: "string", format: "date-time" };
		case "number":
			return numberSchema(rule);
		case "boolean":
			return { type: "boolean" };
		case "enum": {
			const values = Array.isArray(rule.values) ? rule.values : [];
			const type = typeOfValues(values);
			return { ...(type ? { type } : {}), enum: values };
		}
		case "equal": {
			const type = typeOfValues([rule.value]);
			return { ...(type ? { type } : {}), enum: [rule.value] };
		}
		case "array": {
			const items = rule.items === undefined ? {} : ruleToSchema(rule.items);
			if (Array.isArray(rule.enum)) items.enum = rule.enum;
			return {
				type: "array",
				items,
				...lengths(rule, "minItems", "maxItems"),
				...(rule.unique === true ? { uniqueItems: true } : {}),
			};
		}
		case "object":
			return objectSchema(rule);
		case "record":
			return { type: "object", additionalProperties: ruleToSchema(rule.value ?? "any") };
		case "multi":
			return { oneOf: (Array.isArray(rule.rules) ? rule.rules : []).map(ruleToSchema) };
		default:
			// "any", and rules JSON Schema cannot say (custom, function, class…): anything goes.
			return {};
	}
}

/** One fastest-validator rule (string shorthand, object or array) as a JSON Schema. */
export function ruleToSchema(input: unknown): SchemaObject {
	const rule = ruleOf(input);
	const schema = typedSchema(rule);
	if (rule.nullable === true) schema.nullable = true;
	// A function default is computed per call (and lost when the schema crosses the wire).
	if (rule.default !== undefined && typeof rule.default !== "function") schema.default = rule.default;
	return schema;
}

/* ------------------------------------------------------------------------------------------ */

interface RouteSource {
	method: string;
	path: string;
	action: string;
	definition?: ActionInfo;
	tag: string;
	hints: OperationHints;
}

const methods = ["get", "put", "post", "delete", "patch", "head", "options"] as const;
/** moleculer-web's "*" (or "/path" without a method) answers every method. */
const anyMethod = ["get", "post", "put", "patch", "delete"];
const bodyMethods = new Set(["post", "put", "patch"]);

const trimSlashes = (path: string) => path.replace(/\/{2,}/g, "/").replace(/^\/|\/$/g, "");

/** One `rest` declaration as moleculer-web reads it: "GET /path", "/path" or { method, path, basePath }. */
function aliasOf(
	declared: unknown,
	base: string,
	rawName: string,
): { method: string; path: string } | undefined {
	if (typeof declared === "string") {
		const [first = "", second] = declared.trim().split(/\s+/);
		return second === undefined
			? { method: "*", path: `/${trimSlashes(`${base}/${first}`)}` }
			: { method: first, path: `/${trimSlashes(`${base}/${second}`)}` };
	}
	if (typeof declared !== "object" || declared === null) return undefined;
	const { method, path, basePath } = declared as { method?: string; path?: string; basePath?: string };
	return { method: method ?? "*", path: `/${trimSlashes(`${basePath ?? base}/${path ?? rawName}`)}` };
}

/** The paths moleculer-web's autoAliases give each published action with `rest`. */
function autoRoutes(service: ServiceInfo, fullName: string): RouteSource[] {
	const rest = service.settings?.rest;
	const bases = (Array.isArray(rest) ? rest : [rest]).map((base) =>
		typeof base === "string" ? base : fullName.replace(/\./g, "/"),
	);
	const routes: RouteSource[] = [];
	for (const definition of Object.values(service.actions ?? {})) {
		if (!definition.rest || !definition.name) continue;
		if (definition.visibility != null && definition.visibility !== "published") continue;
		for (const base of bases) {
			for (const declared of Array.isArray(definition.rest) ? definition.rest : [definition.rest]) {
				const alias = aliasOf(declared, base, definition.rawName ?? "");
				if (alias)
					routes.push({
						...alias,
						action: definition.name,
						definition,
						tag: service.name,
						hints: definition.openapi ?? {},
					});
			}
		}
	}
	return routes;
}

/** Every node lists its own copy of a service: one entry per service, with the union of actions. */
export function dedupeServices(services: ServiceInfo[]): Map<string, ServiceInfo> {
	const unique = new Map<string, ServiceInfo>();
	for (const service of services) {
		const key = service.fullName ?? service.name;
		const seen = unique.get(key);
		if (!seen) unique.set(key, { ...service, actions: { ...service.actions } });
		else seen.actions = { ...service.actions, ...seen.actions };
	}
	return unique;
}

function humanize(actionName: string): string {
	const words = (actionName.split(".").at(-1) ?? actionName)
		.replace(/([a-z0-9])([A-Z])/g, "$1 $2")
		.toLowerCase();
	return words.charAt(0).toUpperCase() + words.slice(1);
}

const errorRef = (name: string): ResponseObject => ({ $ref: `#/components/responses/${name}` });

function operationOf(
	route: RouteSource,
	method: string,
	pathParams: string[],
	operationId: string,
): Operation {
	const params = route.definition?.params;
	const rootRule = typeof params === "object" && params !== null && (params as Rule).$$root === true;
	const props =
		typeof params === "object" && params !== null && !rootRule
			? Object.fromEntries(Object.entries(params).filter(([key]) => !key.startsWith("$$")))
			: {};
	const takesBody = bodyMethods.has(method);
	const hasParams = rootRule || Object.keys(props).length > 0;

	const parameters: Parameter[] = pathParams.map((name) => ({
		name,
		in: "path",
		required: true,
		schema: name in props ? ruleToSchema(props[name]) : { type: "string" },
	}));
	const inputs = Object.fromEntries(Object.entries(props).filter(([name]) => !pathParams.includes(name)));
	if (!takesBody)
		for (const [name, rule] of Object.entries(inputs))
			if (ruleOf(rule).type !== "forbidden")
				parameters.push({ name, in: "query", required: !isOptional(rule), schema: ruleToSchema(rule) });

	let requestBody: Operation["requestBody"];
	if (takesBody) {
		const strict = (params as Rule | undefined)?.$$strict === true;
		const body: SchemaObject = rootRule
			? ruleToSchema(params)
			: hasParams
				? { type: "object", ...propsToSchema(inputs), ...(strict ? { additionalProperties: false } : {}) }
				: // No params: the action reads the whole body itself (its handler validates it).
					{ type: "object", additionalProperties: true };
		requestBody = {
			required: rootRule ? !isOptional(params) : (body.required?.length ?? 0) > 0,
			content: { [route.hints.requestType ?? "application/json"]: { schema: body } },
		};
	}

	const auth = route.definition?.auth;
	const scheme = auth === "operator" ? "operatorToken" : auth === "subscriber" ? "sessionToken" : undefined;
	const status = route.hints.status ?? 200;
	const responseType = route.hints.responseType ?? "application/json";
	const responses: Record<string, ResponseObject> = {
		[status]: {
			description: status === 202 ? "Accepted" : status === 201 ? "Created" : "OK",
			content: {
				[responseType]: {
					schema: !responseType.includes("json")
						? { type: "string" }
						: // An answer declared for another action describes nothing here.
							route.hints.response?.action !== route.action
							? {}
							: ruleToSchema(route.hints.response.rule),
				},
			},
		},
	};
	if (takesBody) responses[400] = errorRef("BadRequest");
	if (scheme) Object.assign(responses, { 401: errorRef("Unauthorized"), 403: errorRef("Forbidden") });
	if (pathParams.length > 0) responses[404] = errorRef("NotFound");
	if (hasParams || takesBody) responses[422] = errorRef("ValidationFailed");
	Object.assign(responses, { 429: errorRef("TooManyRequests"), default: errorRef("Error") });

	return {
		operationId,
		summary: route.hints.summary ?? humanize(route.action),
		...(route.hints.description ? { description: route.hints.description } : {}),
		tags: [route.tag],
		...(scheme ? { security: [{ [scheme]: [] }] } : {}),
		...(parameters.length > 0 ? { parameters } : {}),
		...(requestBody ? { requestBody } : {}),
		responses,
	};
}

const errorResponse = (description: string): ResponseObject => ({
	description,
	content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

export function buildOpenApi(input: {
	services: ServiceInfo[];
	explicitRoutes: ExplicitRoute[];
	version: string;
	serverUrl?: string;
}): OpenApiDocument {
	const services = dedupeServices(input.services);
	const definitions = new Map<string, { definition: ActionInfo; tag: string }>();
	for (const service of services.values())
		for (const definition of Object.values(service.actions ?? {}))
			if (definition.name) definitions.set(definition.name, { definition, tag: service.name });

	// Explicit aliases first: moleculer-web matches them before generated ones.
	const routes: RouteSource[] = input.explicitRoutes.map((route) => {
		const known = definitions.get(route.action);
		return {
			method: route.method,
			path: `/${trimSlashes(route.path)}`,
			action: route.action,
			definition: known?.definition,
			tag: known?.tag ?? route.action.split(".").slice(0, -1).join("."),
			hints: { ...known?.definition.openapi, ...route.openapi },
		};
	});
	for (const [fullName, service] of services) routes.push(...autoRoutes(service, fullName));

	const operations = new Map<
		string,
		{ path: string; method: string; route: RouteSource; pathParams: string[] }
	>();
	for (const route of routes) {
		const pathParams = [...route.path.matchAll(/:([A-Za-z_$][\w$]*)\??/g)].map((match) => match[1] ?? "");
		const path = route.path.replace(/:([A-Za-z_$][\w$]*)\??/g, "{$1}");
		const verb = route.method.toLowerCase();
		const verbs = verb === "*" || verb === "all" ? anyMethod : methods.includes(verb as never) ? [verb] : [];
		// The first route for a method and path wins, as in moleculer-web.
		for (const method of verbs)
			if (!operations.has(`${method} ${path}`))
				operations.set(`${method} ${path}`, { path, method, route, pathParams });
	}

	const paths: OpenApiDocument["paths"] = {};
	const operationIds = new Set<string>();
	const order = (method: string) => methods.indexOf(method as (typeof methods)[number]);
	const sorted = [...operations.values()].sort((a, b) =>
		a.path === b.path ? order(a.method) - order(b.method) : a.path < b.path ? -1 : 1,
	);
	for (const { path, method, route, pathParams } of sorted) {
		let operationId = route.action;
		for (let n = 2; operationIds.has(operationId); n++) operationId = `${route.action}_${n}`;
		operationIds.add(operationId);
		paths[path] = { ...paths[path], [method]: operationOf(route, method, pathParams, operationId) };
	}
	const tags = [...new Set(sorted.map(({ route }) => route.tag))].sort();

	return {
		openapi: "3.0.3",
		info: {
			title: "Insights API",
			version: input.version,
			description:
				"Investment products matched to each client's interests. Every error is JSON " +
				'`{ "error": { "type", "message", "data" } }` with its 4xx/5xx status.',
		},
		servers: [{ url: input.serverUrl ?? "/api" }],
		tags: tags.map((name) => ({ name })),
		paths,
		components: {
			securitySchemes: {
				operatorToken: {
					type: "http",
					scheme: "bearer",
					description: "The operators' token: Authorization: Bearer $OPERATOR_TOKEN.",
				},
				sessionToken: {
					type: "http",
					scheme: "bearer",
					bearerFormat: "JWT",
					description: "A client's session token, from GET /auth/verify.",
				},
			},
			schemas: {
				Error: {
					type: "object",
					required: ["error"],
					properties: {
						error: {
							type: "object",
							required: ["type", "message"],
							properties: { type: { type: "string" }, message: { type: "string" }, data: {} },
						},
					},
				},
			},
			responses: {
				BadRequest: errorResponse("The body could not be read (not JSON, or too large)."),
				Unauthorized: errorResponse("No bearer token, or the session is not valid."),
				Forbidden: errorResponse("The token is not allowed here, or operator routes are off."),
				NotFound: errorResponse("Nothing with this id."),
				ValidationFailed: errorResponse("The parameters are not valid; data names each field."),
				TooManyRequests: errorResponse("Too many requests: try again after Retry-After seconds."),
				Error: errorResponse("An unexpected error, or a service that is not available."),
			},
		},
	};
}
