/**
 * Fuzz: 1,000 random and malformed HTTP requests spread over every REST route the system
 * itself lists in GET /api/openapi.json (wrong types, huge strings, deep nesting,
 * prototype-pollution and query-operator keys, junk unicode/latin-1, invalid JSON, wrong
 * content types, huge query strings, random Authorization headers), then 240 random events
 * over live sockets. No 5xx, every 4xx in the JSON error shape, auth never bypassed, every
 * ack answered, sockets stay connected, no pollution of Object.prototype in this process
 * (the server runs here), and the service still answers afterwards.
 *
 * Reproducible: FUZZ_SEED=<n> node --test test/integration/fuzz.test.ts (the seed is
 * printed with every failure).
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { io as connectSocket, type Socket } from "socket.io-client";
import { type Client, verifiedClient } from "../fixtures/clients.ts";
import { getJson, type RunningSystem, startSystem, tempDir, waitFor } from "../harness.ts";

const SEED = Number(process.env.FUZZ_SEED || 20_240_611);
const HTTP_RUNS = 1_000;
const SOCKETS = 12;
/** 20 events per socket: the live service allows 20 per 10 s per socket. */
const EVENTS_PER_SOCKET = 20;
const CONCURRENCY = 3;
const REQUEST_TIMEOUT_MS = 10_000;
const ACK_TIMEOUT_MS = 3_000;
const OPERATOR_TOKEN = "fuzz-operator-token-0123456789";
/** The key every pollution attempt tries to plant on Object.prototype. */
const MARK = "fuzzPolluted";
/** Stands for "__proto__" while a value is built, replaced in the JSON text. */
const PROTO = "@@proto@@";

// ---------------------------------------------------------------------------------------
// Routes, from the system's own OpenAPI document.

interface JsonSchema {
	type?: string;
	enum?: unknown[];
	format?: string;
	minimum?: number;
	maximum?: number;
	maxLength?: number;
	items?: JsonSchema;
	properties?: Record<string, JsonSchema>;
}

interface Route {
	method: string;
	/** Relative to /api, with {param} placeholders. */
	path: string;
	auth: "operator" | "session" | "none";
	contentType?: string;
	body?: Record<string, JsonSchema>;
	query: { name: string; schema: JsonSchema }[];
}

interface OpenApiOperation {
	security?: Record<string, unknown>[];
	requestBody?: { content: Record<string, { schema?: JsonSchema }> };
	parameters?: { name: string; in: string; schema: JsonSchema }[];
}

function routesOf(doc: { paths: Record<string, Record<string, OpenApiOperation>> }): Route[] {
	const routes: Route[] = [];
	for (const [path, operations] of Object.entries(doc.paths)) {
		for (const [method, op] of Object.entries(operations)) {
			const security = JSON.stringify(op.security ?? []);
			const [contentType, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
			routes.push({
				method: method.toUpperCase(),
				path,
				auth: security.includes("operator") ? "operator" : security.includes("session") ? "session" : "none",
				contentType,
				body: media?.schema?.properties,
				query: (op.parameters ?? []).filter((p) => p.in === "query"),
			});
		}
	}
	return routes;
}

// ---------------------------------------------------------------------------------------
// Values.

const nastyStrings = [
	"__proto__",
	"constructor",
	"prototype",
	"toString",
	"hasOwnProperty",
	"valueOf",
	"$where",
	"$gt",
	"$ne",
	"$regex",
	"../../../../etc/passwd",
	"..\\..\\windows",
	"\u0000",
	"%00",
	"null",
	"undefined",
	"NaN",
	"-1",
	"0",
	"1e309",
	"9007199254740993",
	"\uD800",
	"\uDFFFx\uD800",
	"\u202E\u0301é\uFEFF",
	"💥🏳️‍🌈",
	"ÿþ\u00ad\u0085",
	"' OR 1=1 --",
	'"; DROP TABLE x; --',
	"<script>alert(1)</script>",
	"{{constructor.constructor('return process')()}}",
	// biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection attempt, on purpose.
	"${process.exit()}",
	"a@b",
	"@",
	"x@y.z",
	" ",
	"",
	"2024-02-30",
	"1970-01-01T00:00:00Z",
	"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
];

/**
 * Percent-encodes like encodeURIComponent; a lone surrogate (which that refuses) becomes
 * its CESU-8 bytes, which are no valid UTF-8: the server must refuse them, not fail.
 */
function encode(text: string): string {
	return text.replace(/[\uD800-\uDFFF]/g, "\uFFFD") === text
		? encodeURIComponent(text)
		: [...text]
				.map((ch) => {
					const code = ch.charCodeAt(0);
					if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff)
						return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`;
					return encodeURIComponent(ch);
				})
				.join("");
}

const loneSurrogates = fc.string({
	unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
	maxLength: 8,
});
/** Latin-1 text as header values allow it (no control characters). */
const latin1 = (maxLength: number) =>
	fc.string({
		unit: fc
			.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
			.map((c) => String.fromCharCode(c)),
		maxLength,
	});

const junkString: fc.Arbitrary<string> = fc.oneof(
	{ arbitrary: fc.constantFrom(...nastyStrings), weight: 4 },
	{ arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 3 },
	{ arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }), weight: 1 },
	{ arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
	{ arbitrary: latin1(30), weight: 1 },
	{ arbitrary: loneSurrogates, weight: 1 },
	{ arbitrary: fc.integer({ min: 300, max: 5_000 }).map((n) => "A".repeat(n)), weight: 1 },
);

const junkKey: fc.Arbitrary<string> = fc.oneof(
	fc.constantFrom(
		PROTO,
		"constructor",
		"prototype",
		"$where",
		"$gt",
		"$ne",
		"$set",
		"toString",
		"__defineGetter__",
	),
	fc.string({ maxLength: 10 }),
);

/** Objects that try to pollute or to smuggle query operators. */
const hostileObject: fc.Arbitrary<Record<string, unknown>> = fc.constantFrom<Record<string, unknown>>(
	{ [PROTO]: { [MARK]: true, admin: true } },
	{ constructor: { prototype: { [MARK]: true } } },
	{ prototype: { [MARK]: true } },
	{ $where: "function () { return true }" },
	{ $gt: "" },
	{ $ne: null },
	{ $regex: ".*" },
	{ $in: ["a", "b"] },
	{ $exists: true },
	// Objects whose toString/valueOf are not functions: anything that converts them throws.
	{ toString: "x", valueOf: 1 },
	{ valueOf: "x" },
	{ toString: {}, valueOf: {} },
	{ [PROTO]: { [MARK]: true }, constructor: { prototype: { [MARK]: true } }, $where: "1" },
);

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
	{ arbitrary: junkString, weight: 4 },
	{ arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 3 },
	{ arbitrary: hostileObject, weight: 3 },
	{ arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, [], {}, [null], ""), weight: 2 },
	{ arbitrary: fc.integer(), weight: 1 },
	{ arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
	{ arbitrary: fc.array(junkString, { maxLength: 5 }), weight: 1 },
	{ arbitrary: fc.dictionary(junkKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), weight: 1 },
);

function validish(schema: JsonSchema, extra: { sources: string[] }): fc.Arbitrary<unknown> {
	if (schema.enum) return fc.constantFrom(...schema.enum);
	switch (schema.type) {
		case "string":
			return schema.format === "email"
				? fc.emailAddress()
				: fc.oneof(
						fc.string({ minLength: 1, maxLength: schema.maxLength ?? 30 }),
						fc.constantFrom(...extra.sources),
					);
		case "integer":
			return fc.integer({ min: schema.minimum ?? -10, max: schema.maximum ?? 1_000 });
		case "number":
			return fc.double({ noNaN: true, noDefaultInfinity: true });
		case "boolean":
			return fc.boolean();
		case "array":
			return fc.array(schema.items ? validish(schema.items, extra) : junkString, { maxLength: 5 });
		default:
			return fc.jsonValue({ maxDepth: 2 });
	}
}

/** Interests built from GET /api/interests/schema: real categories and fields, junk constraints. */
function interestsArb(categories: Record<string, { name: string }[]>): fc.Arbitrary<unknown> {
	const names = Object.keys(categories);
	const fields = [...new Set(Object.values(categories).flatMap((f) => f.map((field) => field.name)))];
	const constraint = fc.oneof(
		fc.record(
			{ min: fc.oneof(fc.double(), wrongValue), max: fc.oneof(fc.double(), wrongValue) },
			{ requiredKeys: [] },
		),
		fc.record(
			{ in: fc.oneof(fc.array(junkString), wrongValue), notIn: fc.oneof(fc.array(junkString), wrongValue) },
			{ requiredKeys: [] },
		),
		fc.boolean(),
		wrongValue,
	);
	return fc.oneof(
		fc.dictionary(
			fc.oneof(fc.constantFrom(...names), junkKey),
			fc.oneof(
				fc.dictionary(fc.oneof(fc.constantFrom(...fields), junkKey), constraint, { maxKeys: 5 }),
				wrongValue,
			),
			{ maxKeys: 4 },
		),
		wrongValue,
	);
}

// ---------------------------------------------------------------------------------------
// Requests.

type AuthKind =
	| "none"
	| "garbage"
	| "bearerGarbage"
	| "forged"
	| "tampered"
	| "basic"
	| "session"
	| "operator";

type BodySpec =
	| { kind: "none" }
	| { kind: "fields"; value: Record<string, unknown> }
	| { kind: "json"; value: unknown }
	| { kind: "hostile"; value: Record<string, unknown> }
	| { kind: "huge"; size: number; at: "field" | "top" | "array" | "csv" }
	| { kind: "deep"; depth: number; shape: "array" | "object" | "mixed" }
	| { kind: "raw"; text: string; encoding: "utf8" | "latin1" }
	| { kind: "bytes"; bytes: number[] }
	| { kind: "form"; pairs: [string, string][] };

interface HttpCase {
	method: string;
	route: Route;
	pathValue: string;
	query: string;
	auth: AuthKind;
	authJunk: string;
	contentType: string | undefined;
	body: BodySpec;
	requestId?: string;
}

const invalidJsonTexts = [
	"",
	"{",
	'{"a":',
	"{'a': 1}",
	'{"a": 1,}',
	"[1, 2",
	"NaN",
	"undefined",
	"null",
	"true",
	"1",
	'"just a string"',
	"[]",
	"\uFEFF{}",
	'{"a": "\\u00"}',
	'{"a": "\\uD800"}',
	'{"a": 1}{"b": 2}',
	'{"a": 1e999999}',
	"\u0000\u0001\u0002",
	'{"email": "a@b.c", "email": {"$gt": ""}}',
	`{"__proto__": {"${MARK}": true}}`,
	`{"constructor": {"prototype": {"${MARK}": true}}}`,
	`[{"__proto__": {"${MARK}": true}}]`,
	"<xml><a>1</a></xml>",
	"a=1&b=2",
	'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
];

const contentTypes = [
	"application/json",
	"application/json; charset=utf-8",
	"application/json; charset=latin1",
	"application/json; charset=utf-16",
	"application/json; charset=nonsense",
	"text/plain",
	"application/x-www-form-urlencoded",
	"multipart/form-data; boundary=x",
	"application/xml",
	"application/octet-stream",
	"*/*",
	"}{ nonsense",
	"",
];

const pathValue: fc.Arbitrary<string> = fc.oneof(
	{ arbitrary: fc.constantFrom("PETR4", "PETR4.SA", "^BVSP", "house:fund:1", "p1", "BOVA11"), weight: 2 },
	{ arbitrary: junkString.map(encode), weight: 5 },
	{
		arbitrary: fc.constantFrom(
			"%E0%A4%A",
			"%",
			"%zz",
			"%00",
			"..%2F..%2F..%2Fetc%2Fpasswd",
			"a/b/c",
			"..",
			".",
			"%2e%2e",
			"__proto__",
			"constructor",
			"hasOwnProperty",
			"%C0%AF",
			"%FF%FE",
			"x;y=z",
			"[]",
			"{}",
		),
		weight: 3,
	},
	{ arbitrary: fc.integer({ min: 1_000, max: 12_000 }).map((n) => "Z".repeat(n)), weight: 1 },
);

function queryArb(route: Route, extra: { sources: string[] }): fc.Arbitrary<string> {
	const names = route.query.map((q) => q.name);
	const pair = fc.oneof(
		...(names.length > 0
			? [
					fc.tuple(
						fc.constantFrom(...names),
						fc.oneof(
							...route.query.map((q) => validish(q.schema, extra).map(String)),
							junkString,
							fc.constant(""),
						),
					),
				]
			: []),
		fc.tuple(
			junkKey.map((k) => (k === PROTO ? "__proto__" : k)),
			junkString,
		),
	);
	const encoded = fc
		.array(pair, { maxLength: 6 })
		.map((pairs) => pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&"));
	const raw = fc.constantFrom(
		`__proto__[${MARK}]=1`,
		`constructor[prototype][${MARK}]=1`,
		`${names[0] ?? "q"}[$gt]=`,
		`${names[0] ?? "q"}[]=1&${names[0] ?? "q"}[]=2`,
		`${names[0] ?? "q"}=1&${names[0] ?? "q"}=2`,
		`${names[0] ?? "q"}[a][b][c][d][e][f][g]=1`,
		`${names[0] ?? "q"}=%E0%A4%A`,
		`${names[0] ?? "q"}=%zz`,
		`${names[0] ?? "q"}=%00`,
		"&&&==&",
		"=",
		"a[=1",
		`${"a[0]=1&".repeat(200)}a[100000]=x`,
	);
	return fc.oneof(
		{ arbitrary: encoded, weight: 6 },
		{ arbitrary: raw, weight: 3 },
		{ arbitrary: fc.constantFrom(8_000, 100_000).map((n) => `q=${"Q".repeat(n)}`), weight: 1 },
	);
}

function authArb(route: Route): fc.Arbitrary<AuthKind> {
	const matching: AuthKind | undefined =
		route.auth === "operator" ? "operator" : route.auth === "session" ? "session" : undefined;
	const kinds: AuthKind[] = [
		"none",
		"garbage",
		"bearerGarbage",
		"forged",
		"tampered",
		"basic",
		"session",
		"operator",
	];
	return fc.oneof(
		...kinds.map((kind) => ({ arbitrary: fc.constant(kind), weight: kind === matching ? 12 : 2 })),
	);
}

function bodyArb(
	route: Route,
	extra: { sources: string[]; interests: fc.Arbitrary<unknown> },
): fc.Arbitrary<BodySpec> {
	// moleculer-web merges a body into the params of any route, GET included: without a body
	// schema, fuzz the query and path parameters through the body too.
	const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m): [string, JsonSchema] => [
		m[1] ?? "id",
		{ type: "string" },
	]);
	const props = route.body ?? {
		...Object.fromEntries(route.query.map((q) => [q.name, q.schema])),
		...Object.fromEntries(pathParams),
		...(route.query.length + pathParams.length === 0
			? {
					email: { type: "string", format: "email" },
					name: { type: "string" },
					token: { type: "string" },
					ids: { type: "array", items: { type: "string" } },
				}
			: {}),
	};
	const field = (name: string, schema: JsonSchema): fc.Arbitrary<unknown> =>
		name === "interests"
			? extra.interests
			: fc.oneof({ arbitrary: validish(schema, extra), weight: 1 }, { arbitrary: wrongValue, weight: 2 });
	const fieldsRecord = fc.record(
		Object.fromEntries(Object.entries(props).map(([name, schema]) => [name, field(name, schema)])),
		{ requiredKeys: [] },
	);
	const fields = fc
		.tuple(fieldsRecord, fc.dictionary(junkKey, wrongValue, { maxKeys: 3 }), fc.boolean())
		.map(([known, unknown, withUnknown]) => (withUnknown ? { ...known, ...unknown } : known));
	// PUT /me/interests takes the interests object itself as its body.
	const interestsBody = route.path === "/me/interests" ? [{ arbitrary: extra.interests, weight: 6 }] : [];
	const isForm = route.contentType === "application/x-www-form-urlencoded";
	const form = fc
		.array(
			fc.tuple(
				fc.oneof(
					fc.constantFrom("token", "__proto__", `__proto__[${MARK}]`, "constructor[prototype]"),
					junkString,
				),
				junkString,
			),
			{ maxLength: 4 },
		)
		.map((pairs): BodySpec => ({ kind: "form", pairs }));
	return fc.oneof(
		{ arbitrary: fields.map((value): BodySpec => ({ kind: "fields", value })), weight: 14 },
		...interestsBody.map((b) => ({
			arbitrary: b.arbitrary.map((value): BodySpec => ({ kind: "json", value })),
			weight: b.weight,
		})),
		{
			arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value): BodySpec => ({ kind: "json", value })),
			weight: 5,
		},
		{
			arbitrary: fc
				.tuple(fields, hostileObject)
				.map(
					([known, hostile]): BodySpec => ({ kind: "hostile", value: { ...hostile, ...known, ...hostile } }),
				),
			weight: 5,
		},
		{
			arbitrary: fc.record({
				kind: fc.constant("huge" as const),
				size: fc.constantFrom(100_000, 100_000, 1_000_000),
				at: fc.constantFrom("field" as const, "top" as const, "array" as const, "csv" as const),
			}),
			weight: 4,
		},
		{
			arbitrary: fc.record({
				kind: fc.constant("deep" as const),
				depth: fc.constantFrom(1_000, 1_000, 5_000),
				shape: fc.constantFrom("array" as const, "object" as const, "mixed" as const),
			}),
			weight: 3,
		},
		{
			arbitrary: fc.record({
				kind: fc.constant("raw" as const),
				text: fc.oneof(fc.constantFrom(...invalidJsonTexts), fc.string({ unit: "binary", maxLength: 60 })),
				encoding: fc.constantFrom("utf8" as const, "latin1" as const),
			}),
			weight: 6,
		},
		{
			arbitrary: fc
				.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 200 })
				.map((bytes): BodySpec => ({ kind: "bytes", bytes })),
			weight: 2,
		},
		{ arbitrary: form, weight: isForm ? 12 : 2 },
		{ arbitrary: fc.constant<BodySpec>({ kind: "none" }), weight: 4 },
	);
}

function caseArb(
	route: Route,
	extra: { sources: string[]; interests: fc.Arbitrary<unknown> },
): fc.Arbitrary<HttpCase> {
	const otherMethods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"].filter(
		(m) => m !== route.method,
	);
	const contentType = fc.oneof(
		{ arbitrary: fc.constant(route.contentType ?? "application/json"), weight: 8 },
		{ arbitrary: fc.constantFrom(...contentTypes), weight: 3 },
		{ arbitrary: fc.constant(undefined), weight: 1 },
	);
	return fc.record(
		{
			method: fc.oneof(
				{ arbitrary: fc.constant(route.method), weight: 12 },
				{ arbitrary: fc.constantFrom(...otherMethods), weight: 1 },
			),
			route: fc.constant(route),
			pathValue,
			query: fc.oneof(
				{ arbitrary: fc.constant(""), weight: 1 },
				{ arbitrary: queryArb(route, extra), weight: 2 },
			),
			auth: authArb(route),
			authJunk: latin1(80),
			contentType,
			body: bodyArb(route, extra),
			requestId: fc.oneof(fc.constant(undefined), latin1(120)),
		},
		{ requiredKeys: ["method", "route", "pathValue", "query", "auth", "authJunk", "contentType", "body"] },
	);
}

function nested(depth: number, shape: "array" | "object" | "mixed"): string {
	let text = '"bottom"';
	for (let i = 0; i < depth; i++) {
		const asArray = shape === "array" || (shape === "mixed" && i % 2 === 0);
		text = asArray ? `[${text}]` : `{"a":${text}}`;
	}
	return text;
}

function toJson(value: unknown): string {
	return (JSON.stringify(value) ?? "null").replaceAll(JSON.stringify(PROTO), '"__proto__"');
}

function bodyBytes(route: Route, body: BodySpec): Buffer | undefined {
	const firstField = Object.keys(route.body ?? { name: {} })[0] ?? "name";
	switch (body.kind) {
		case "none":
			return undefined;
		case "fields":
		case "json":
		case "hostile":
			return Buffer.from(toJson(body.value));
		case "huge": {
			const big = "\u00e9x".repeat(body.size / 3);
			if (body.at === "top") return Buffer.from(JSON.stringify(big));
			if (body.at === "array")
				return Buffer.from(JSON.stringify(Array.from({ length: body.size / 10 }, () => "abcdef")));
			if (body.at === "csv")
				return Buffer.from(
					JSON.stringify({ csv: `email,name\n${"a@b.c,Name\n".repeat(body.size / 11)}`, dryRun: true }),
				);
			return Buffer.from(JSON.stringify({ [firstField]: big }));
		}
		case "deep": {
			const inner = nested(body.depth, body.shape);
			return Buffer.from(`{"${firstField}":${inner},"interests":${inner}}`);
		}
		case "raw":
			return Buffer.from(body.text, body.encoding);
		case "bytes":
			return Buffer.from(body.bytes);
		case "form":
			return Buffer.from(body.pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&"));
	}
}

interface Tokens {
	session: string;
	/**
	 * For the routes that end a session (DELETE /me, sign-out, renew): ending the fuzzing
	 * client's would leave the rest of the run signed out.
	 */
	doomed: string;
}

const endsSession = (c: HttpCase) =>
	(c.route.path === "/me" && c.method === "DELETE") ||
	c.route.path === "/auth/sign-out" ||
	c.route.path === "/auth/renew";

function authorization(c: HttpCase, tokens: Tokens): string | undefined {
	const session = endsSession(c) ? tokens.doomed : tokens.session;
	switch (c.auth) {
		case "none":
			return undefined;
		case "garbage":
			return c.authJunk;
		case "bearerGarbage":
			return `Bearer ${c.authJunk}`;
		case "forged": {
			const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
			return `Bearer ${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: "x", typ: "session", exp: 9_999_999_999 })}.${Buffer.from(c.authJunk).toString("base64url")}`;
		}
		case "tampered":
			return `Bearer ${session.slice(0, -3)}${c.authJunk.length % 2 ? "AAA" : "xyz"}`;
		case "basic":
			return `Basic ${Buffer.from(`${c.authJunk}:${c.authJunk}`).toString("base64")}`;
		case "session":
			return `Bearer ${session}`;
		case "operator":
			return `Bearer ${OPERATOR_TOKEN}`;
	}
}

interface Sent {
	method: string;
	path: string;
	headers: Record<string, string>;
	body: Buffer | undefined;
}

function materialize(c: HttpCase, tokens: Tokens): Sent {
	const path = `/api${c.route.path.replace(/\{\w+\}/g, c.pathValue)}${c.query ? `?${c.query}` : ""}`;
	const body = bodyBytes(c.route, c.body);
	const headers: Record<string, string> = {};
	const auth = authorization(c, tokens);
	if (auth !== undefined) headers.authorization = auth;
	if (c.contentType !== undefined && body !== undefined) headers["content-type"] = c.contentType;
	if (c.requestId !== undefined) headers["x-request-id"] = c.requestId;
	return { method: c.method, path, headers, body };
}

interface Answer {
	status: number;
	contentType: string;
	text: string;
}

/** Raw HTTP (fetch refuses bodies on GET and latin-1 in headers): the answer or a hang/error. */
function send(base: URL, sent: Sent): Promise<Answer> {
	return new Promise((resolve, reject) => {
		let answered = false;
		const req = request(
			{
				host: base.hostname,
				port: base.port,
				method: sent.method,
				path: sent.path,
				headers: { ...sent.headers, ...(sent.body ? { "content-length": String(sent.body.length) } : {}) },
				agent: false,
			},
			(res) => {
				answered = true;
				const chunks: Buffer[] = [];
				res.on("data", (chunk: Buffer) => chunks.push(chunk));
				res.on("end", () =>
					resolve({
						status: res.statusCode ?? 0,
						contentType: String(res.headers["content-type"] ?? ""),
						text: Buffer.concat(chunks).toString("utf8"),
					}),
				);
				res.on("error", reject);
			},
		);
		req.setTimeout(REQUEST_TIMEOUT_MS, () =>
			req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)),
		);
		req.on("error", (err) => {
			// The server may answer (413, 431) before reading a huge body and close the socket.
			if (!answered) reject(err);
		});
		req.end(sent.body);
	});
}

function preview(sent: Sent): string {
	const body = sent.body ? sent.body.toString("utf8") : "";
	const clip = (text: string, n: number) =>
		text.length > n ? `${text.slice(0, n)}… (${text.length} chars)` : text;
	return [
		`${sent.method} ${clip(sent.path, 300)}`,
		`headers: ${clip(JSON.stringify(sent.headers), 300)}`,
		`body: ${clip(JSON.stringify(body), 400)}`,
	].join("\n    ");
}

/** What is wrong with an answer, or undefined. */
function problemWith(c: HttpCase, answer: Answer): string | undefined {
	if (answer.status >= 500) return `status ${answer.status}`;
	if (answer.status >= 400 && answer.contentType.includes("json") && c.method !== "HEAD") {
		let body: { error?: { type?: unknown; message?: unknown } } | undefined;
		try {
			body = JSON.parse(answer.text);
		} catch {
			return `status ${answer.status} with a JSON content type but no JSON body`;
		}
		if (typeof body?.error?.type !== "string" || typeof body.error.message !== "string")
			return `status ${answer.status} without the { error: { type, message } } shape`;
	}
	// Auth holds whatever the payload: no 2xx on a protected route without its own credential.
	if (answer.status < 300 && c.method === c.route.method) {
		if (c.route.auth === "operator" && c.auth !== "operator")
			return `operator route answered ${answer.status} to auth "${c.auth}"`;
		if (c.route.auth === "session" && c.auth !== "session")
			return `session route answered ${answer.status} to auth "${c.auth}"`;
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------
// Sockets.

type EventSpec = {
	event: string;
	args: unknown[];
	ack: boolean;
};

function eventArb(extra: { interests: fc.Arbitrary<unknown> }): fc.Arbitrary<EventSpec> {
	const readish = fc.record(
		{
			ids: fc.oneof(fc.array(junkString, { maxLength: 10 }), wrongValue),
			all: fc.oneof(fc.constant(true), wrongValue),
		},
		{ requiredKeys: [] },
	);
	const historyish = fc.record(
		{
			before: fc.oneof(junkString, wrongValue),
			limit: fc.oneof(fc.integer({ min: -5, max: 200 }), wrongValue),
			unread: fc.oneof(fc.boolean(), wrongValue),
		},
		{ requiredKeys: [] },
	);
	/** JSON with own "__proto__" keys (JSON.parse keeps them as data, socket.io sends them). */
	const polluting = fc
		.tuple(fc.oneof(readish, historyish), hostileObject)
		.map(([known, hostile]) => JSON.parse(toJson({ ...hostile, ...known })) as unknown);
	const small: fc.Arbitrary<unknown> = fc.oneof(
		{ arbitrary: readish, weight: 4 },
		{ arbitrary: historyish, weight: 4 },
		{ arbitrary: polluting, weight: 3 },
		{ arbitrary: wrongValue, weight: 3 },
		{ arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 2 },
		{ arbitrary: extra.interests, weight: 1 },
		{ arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)), weight: 1 },
		{ arbitrary: fc.constant(undefined), weight: 1 },
	);
	// Socket.IO closes a socket whose message exceeds 16 KB (maxHttpBufferSize): the big and
	// deep ones stay under it, alone in their message.
	const payload: fc.Arbitrary<unknown> = fc.oneof(
		{ arbitrary: small, weight: 18 },
		{
			arbitrary: fc
				.tuple(fc.constantFrom(1_000, 2_000), fc.constantFrom("top", "ids", "before", "limit"))
				.map(([depth, at]) => {
					// Deeper ones: socket.io-client's own recursion gives up first (see the raw packets below).
					const deep = JSON.parse(nested(depth, depth === 2_000 ? "mixed" : "array")) as unknown;
					return at === "top" ? deep : { [at]: deep };
				}),
			weight: 2,
		},
		{
			arbitrary: fc
				.constantFrom(4_000, 12_000)
				.map((bytes) => ({ before: "é".repeat(bytes / 4), ids: ["x".repeat(bytes / 2)] })),
			weight: 1,
		},
	);
	const known = fc.record({
		event: fc.constantFrom("read", "history"),
		args: fc.oneof(
			{ arbitrary: payload.map((p) => [p]), weight: 8 },
			{ arbitrary: fc.constant<unknown[]>([]), weight: 1 },
			{ arbitrary: fc.array(small, { minLength: 2, maxLength: 3 }), weight: 1 },
		),
		ack: fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 }),
	});
	// An event nobody handles gets no ack from Socket.IO: send those without one.
	const unknown = fc.record({
		event: fc.oneof(
			fc.constantFrom(
				"__proto__",
				"constructor",
				"toString",
				"hasOwnProperty",
				"notification",
				"unread",
				"bye",
				"READ",
				"history ",
			),
			fc.string({ unit: "binary", minLength: 1, maxLength: 30 }),
		),
		args: fc.oneof(
			payload.map((p) => [p]),
			fc.array(small, { maxLength: 3 }),
		),
		ack: fc.constant(false),
	});
	return fc.oneof({ arbitrary: known, weight: 5 }, { arbitrary: unknown, weight: 1 });
}

interface RawEngine {
	send(packet: string): void;
	on(event: "packet", listener: (packet: { type: string; data?: unknown }) => void): void;
}

const reserved = new Set([
	"connect",
	"connect_error",
	"disconnect",
	"disconnecting",
	"newListener",
	"removeListener",
]);

function openSocket(base: string, auth: Record<string, unknown>): Socket {
	return connectSocket(`${base}/live`, {
		path: "/socket.io",
		auth,
		transports: ["websocket"],
		reconnection: false,
		forceNew: true,
	});
}

function connected(socket: Socket): Promise<void> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error("no connect within 5 s")), 5_000);
		socket.once("connect", () => {
			clearTimeout(timer);
			resolve();
		});
		socket.once("connect_error", (err) => {
			clearTimeout(timer);
			reject(err);
		});
	});
}

function clipJson(value: unknown, n = 300): string {
	let text: string;
	try {
		text = toJson(value);
	} catch (err) {
		text = String(err);
	}
	return text.length > n ? `${text.slice(0, n)}… (${text.length} chars)` : text;
}

// ---------------------------------------------------------------------------------------

describe("fuzz: random and malformed payloads on every REST route and socket event", () => {
	const data = tempDir();
	let system: RunningSystem;
	let base: URL;
	let routes: Route[];
	let fuzzer: Client;
	let keeper: Client;
	let doomed: Client;
	let heapAtStart = 0;
	let extra: { sources: string[]; interests: fc.Arbitrary<unknown> };
	const prototypeKeys = {
		object: Object.getOwnPropertyNames(Object.prototype).sort(),
		array: Object.getOwnPropertyNames(Array.prototype).sort(),
		function: Object.getOwnPropertyNames(Function.prototype).sort(),
	};
	const sockets = new Set<Socket>();

	function assertNotPolluted() {
		const probe = {} as Record<string, unknown>;
		for (const key of [MARK, "admin"]) {
			assert.equal(probe[key], undefined, `Object.prototype.${key} polluted (seed ${SEED})`);
			assert.equal(
				([] as unknown as Record<string, unknown>)[key],
				undefined,
				`Array.prototype.${key} polluted`,
			);
		}
		assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeKeys.object);
		assert.deepEqual(Object.getOwnPropertyNames(Array.prototype).sort(), prototypeKeys.array);
		assert.deepEqual(Object.getOwnPropertyNames(Function.prototype).sort(), prototypeKeys.function);
	}

	before(async () => {
		system = await startSystem({
			DATA_DIR: data.path,
			OPERATOR_TOKEN,
			RATE_LIMIT: "1000000",
			// Deterministic price series: no Yahoo calls for fuzzed tickers.
			PRICES_PROVIDER: "sample",
			LOG_LEVEL: process.env.TEST_LOG ?? "error",
		});
		base = new URL(system.url);
		heapAtStart = process.memoryUsage().heapUsed;
		// Hundreds of fuzzed sockets from one session: the caps have their own test (hostile/).
		Object.assign((system.broker.getLocalService("live") as unknown as { settings: object }).settings, {
			maxSocketsPerClient: 100_000,
			maxSocketsPerIp: 100_000,
		});
		// Clients first: the fuzz uses up the registration limit of this IP.
		fuzzer = await verifiedClient(system.url, data.path, "fuzzer@example.com", { fund: {} });
		keeper = await verifiedClient(system.url, data.path, "keeper@example.com", { fund: {} });
		doomed = await verifiedClient(system.url, data.path, "doomed@example.com", { fund: {} });
		const doc = await getJson(`${system.url}/api/openapi.json`);
		assert.equal(doc.status, 200);
		routes = routesOf(doc.body);
		const schema = await getJson(`${system.url}/api/interests/schema`);
		const sources = await getJson(`${system.url}/api/collector/sources`);
		extra = {
			sources: (sources.body as { name: string }[]).map((s) => s.name),
			interests: interestsArb(schema.body.categories),
		};
	});

	after(async () => {
		for (const socket of sockets) socket.close();
		await system?.stop();
		data.remove();
	});

	it("lists the routes it fuzzes from the system's OpenAPI document", () => {
		const listed = routes.map((r) => `${r.method} ${r.path}`);
		for (const expected of [
			"POST /subscribers",
			"GET /me",
			"DELETE /me",
			"POST /admin/subscribers/import",
			"POST /unsubscribe",
		])
			assert.ok(listed.includes(expected), `${expected} in ${listed.join(", ")}`);
		assert.ok(routes.length >= 30, `${routes.length} routes`);
	});

	it(`answers ${HTTP_RUNS} random and malformed HTTP requests without a 5xx`, async () => {
		// Every route gets its share; requests interleave the routes.
		const perRoute = routes.map((route, i) =>
			fc.sample(caseArb(route, extra), {
				seed: SEED + i,
				numRuns: Math.floor(HTTP_RUNS / routes.length) + (i < HTTP_RUNS % routes.length ? 1 : 0),
			}),
		);
		const cases: HttpCase[] = [];
		for (let round = 0; cases.length < HTTP_RUNS; round++)
			for (const list of perRoute) {
				const c = list[round];
				if (c) cases.push(c);
			}
		assert.equal(cases.length, HTTP_RUNS);

		const tokens = { session: fuzzer.token, doomed: doomed.token };
		const problems: string[] = [];
		const statuses = new Map<number, number>();
		let next = 0;
		let slowest = { ms: 0, what: "" };
		const worker = async () => {
			while (next < cases.length) {
				const index = next++;
				const c = cases[index] as HttpCase;
				const sent = materialize(c, tokens);
				try {
					const started = Date.now();
					const answer = await send(base, sent);
					const ms = Date.now() - started;
					if (ms > slowest.ms)
						slowest = { ms, what: `${sent.method} ${sent.path.slice(0, 80)} → ${answer.status}` };
					statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
					const problem = problemWith(c, answer);
					if (problem)
						problems.push(
							`#${index} ${problem} (route ${c.route.method} ${c.route.path}, auth ${c.auth}, body ${c.body.kind})\n    ${preview(sent)}\n    answer: ${answer.text.slice(0, 400)}`,
						);
				} catch (err) {
					problems.push(`#${index} no answer: ${(err as Error).message}\n    ${preview(sent)}`);
				}
			}
		};
		await Promise.all(Array.from({ length: CONCURRENCY }, worker));
		const summary = [...statuses.entries()]
			.sort(([a], [b]) => a - b)
			.map(([s, n]) => `${s}×${n}`)
			.join(" ");
		if (process.env.FUZZ_VERBOSE)
			console.log(`HTTP statuses (seed ${SEED}): ${summary}; slowest ${slowest.ms} ms: ${slowest.what}`);
		assert.deepEqual(
			problems,
			[],
			`${problems.length} bad answers (FUZZ_SEED=${SEED}; statuses ${summary}):\n${problems.join("\n")}`,
		);
		assert.ok((statuses.get(200) ?? 0) > 50, `some requests get through to the handlers: ${summary}`);
		assertNotPolluted();
	});

	it(`answers ${SOCKETS * EVENTS_PER_SOCKET} random socket events in the ack and keeps the sockets`, async () => {
		const specs = fc.sample(eventArb(extra), { seed: SEED, numRuns: SOCKETS * EVENTS_PER_SOCKET });
		const problems: string[] = [];
		let acked = 0;
		const runSocket = async (n: number) => {
			const socket = openSocket(system.url, { token: fuzzer.token });
			sockets.add(socket);
			await connected(socket);
			let disconnected = "";
			socket.on("disconnect", (reason) => {
				disconnected = reason;
			});
			for (let k = 0; k < EVENTS_PER_SOCKET; k++) {
				const index = n * EVENTS_PER_SOCKET + k;
				const spec = specs[index] as EventSpec;
				const where = `event #${index} ${JSON.stringify(spec.event)} args ${clipJson(spec.args)} (FUZZ_SEED=${SEED})`;
				if (reserved.has(spec.event)) continue;
				if (!spec.ack) socket.emit(spec.event, ...spec.args);
				else {
					try {
						const answer = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(spec.event, ...spec.args);
						acked++;
						const shape = answer as { error?: { type?: unknown; message?: unknown } } | null;
						if (typeof shape !== "object" || shape === null)
							problems.push(`${where}: ack ${clipJson(answer)}`);
						else if (
							shape.error &&
							(typeof shape.error.type !== "string" || typeof shape.error.message !== "string")
						)
							problems.push(`${where}: error without type/message ${clipJson(answer)}`);
						else if (shape.error?.type === "INTERNAL_ERROR" || shape.error?.type === "ERROR")
							problems.push(`${where}: internal error ${clipJson(answer)}`);
					} catch (err) {
						problems.push(`${where}: no ack (${(err as Error).message})`);
					}
				}
				if (!socket.connected) {
					problems.push(`${where}: socket disconnected (${disconnected || "?"})`);
					return;
				}
			}
			// After its events (incl. ones without an ack), the socket still answers.
			const last = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("history", { limit: 1 });
			if (typeof last !== "object" || last === null)
				problems.push(`socket ${n}: final ack ${clipJson(last)}`);
			if (!socket.connected) problems.push(`socket ${n}: disconnected at the end (${disconnected})`);
		};
		// All sockets at once, each one event after the other.
		await Promise.all(Array.from({ length: SOCKETS }, (_, n) => runSocket(n)));
		assert.deepEqual(problems, [], `${problems.length} socket problems:\n${problems.join("\n")}`);
		assert.ok(acked >= 150, `${acked} acks`);
		assertNotPolluted();
	});

	it("answers random handshakes with a refusal or a connection, and survives oversized and malformed packets", async () => {
		const auths = fc.sample(
			fc.oneof(
				fc.record({ token: wrongValue }, { requiredKeys: [] }),
				fc.record({ token: fc.constant(fuzzer.token), since: wrongValue }),
				fc.constant({ token: "x".repeat(3_000) }),
				fc.constant(
					JSON.parse(`{"__proto__": {"${MARK}": true}, "token": "${fuzzer.token}"}`) as Record<
						string,
						unknown
					>,
				),
				fc.dictionary(junkKey, wrongValue, { maxKeys: 3 }),
			),
			{ seed: SEED, numRuns: 30 },
		);
		for (const auth of auths) {
			const socket = openSocket(system.url, auth as Record<string, unknown>);
			sockets.add(socket);
			try {
				await connected(socket);
			} catch (err) {
				const e = err as Error & { data?: { type?: unknown } };
				assert.notEqual(e.message, "no connect within 5 s", `handshake ${clipJson(auth)} hangs`);
				assert.equal(typeof e.data?.type, "string", `handshake ${clipJson(auth)}: ${e.message}`);
			}
			socket.close();
		}

		// Over maxHttpBufferSize (16 KB) the server closes that socket: fine, as long as it lives on.
		const big = openSocket(system.url, { token: fuzzer.token });
		sockets.add(big);
		await connected(big);
		big.emit("read", { ids: ["x".repeat(1_000_000)] });
		big.emit("history", { before: "y".repeat(100_000) });
		// Malformed Socket.IO packets straight into the transport, each on a socket of its own
		// (the server may close a socket that sends one).
		for (const packet of [
			'2/live,["read"',
			'2/live,["disconnect"]',
			'2/live,["connect",{}]',
			"2/live,[]",
			"2/live,{}",
			"2/live,123",
			'2/live,99999999999999999999["read",{}]',
			'2/live,1["history",{"limit":1}]',
			"3/live,424242[]",
			'2/nowhere,["read",{}]',
			`2/live,["read",{"__proto__":{"${MARK}":true},"all":true}]`,
			'5/live,1-["read",{"_placeholder":true,"num":7}]',
			"1/live,",
			"0/live,{}",
			"9",
			"",
		]) {
			const raw = openSocket(system.url, { token: fuzzer.token });
			sockets.add(raw);
			await connected(raw);
			(raw.io.engine as unknown as RawEngine).send(packet);
			await new Promise((resolve) => setTimeout(resolve, 50));
			raw.close();
		}
		// Nesting deeper than socket.io-client can serialize, with ack ids: each is answered
		// with a client error in the ack.
		const raw = openSocket(system.url, { token: fuzzer.token });
		sockets.add(raw);
		await connected(raw);
		const engine = raw.io.engine as unknown as RawEngine;
		const acks = new Map<number, string>();
		engine.on("packet", (packet) => {
			const ack = packet.type === "message" ? /^3\/live,(\d+)([\s\S]*)$/.exec(String(packet.data)) : null;
			if (ack) acks.set(Number(ack[1]), ack[2] ?? "");
		});
		const deep = nested(5_000, "array");
		const deepEvents: [string, string][] = [
			["read", `{"ids":${deep}}`],
			["read", `{"ids":[${deep}]}`],
			["read", `{"before":${deep}}`],
			["history", `{"before":${deep}}`],
			["history", `{"limit":${deep}}`],
			["history", deep],
			["read", `{"ids":${nested(3_000, "mixed")}}`],
		];
		deepEvents.forEach(([event, payload], i) => {
			engine.send(`2/live,${900 + i}["${event}",${payload}]`);
		});
		await waitFor(() => acks.size === deepEvents.length, { timeoutMs: ACK_TIMEOUT_MS, what: "acks" }).catch(
			() => undefined,
		);
		const deepProblems = deepEvents.flatMap(([event, payload], i) => {
			const where = `raw "${event}" ${payload.slice(0, 40)}… (${payload.length} chars)`;
			const answer = acks.get(900 + i);
			if (answer === undefined) return [`${where}: no ack`];
			const type = (JSON.parse(answer) as { error?: { type?: unknown } }[])[0]?.error?.type;
			return typeof type === "string" && type !== "ERROR" && type !== "INTERNAL_ERROR"
				? []
				: [`${where}: ack ${answer.slice(0, 200)}`];
		});
		assert.equal(raw.connected, true, "the socket that sent deep payloads is still connected");
		assert.deepEqual(deepProblems, [], deepProblems.join("\n"));
		await new Promise((resolve) => setTimeout(resolve, 500));
		assertNotPolluted();
		const check = openSocket(system.url, { token: fuzzer.token });
		sockets.add(check);
		await connected(check);
		const answer = await check.timeout(ACK_TIMEOUT_MS).emitWithAck("history", { limit: 1 });
		assert.ok(Array.isArray((answer as { rows?: unknown }).rows), clipJson(answer));
	});

	it("still answers afterwards: health, readiness, a signed-in client, no prototype pollution", async () => {
		assert.equal((await getJson(`${system.url}/api/health`)).status, 200);
		// Bounded memory: the whole fuzz run (node and fuzzer share this process) leaves the
		// heap within a margin of where it started, caches and limiters included.
		const grownMb = (process.memoryUsage().heapUsed - heapAtStart) / 1_048_576;
		assert.ok(grownMb < 200, `the heap grew ${grownMb.toFixed(0)} MB over the fuzz run`);
		assert.equal((await getJson(`${system.url}/api/ready`)).status, 200);
		const headers = { authorization: `Bearer ${keeper.token}` };
		const me = await getJson(`${system.url}/api/me`, { headers });
		assert.equal(me.status, 200, JSON.stringify(me.body));
		assert.equal(me.body.email, "keeper@example.com");
		const prefs = await getJson(`${system.url}/api/me/preferences`, {
			method: "PUT",
			headers: { ...headers, "content-type": "application/json" },
			body: JSON.stringify({ digest: "daily" }),
		});
		assert.equal(prefs.status, 200, JSON.stringify(prefs.body));
		assert.equal(prefs.body.digest, "daily");
		// The fuzzing client's account survived too (only the doomed one could be erased).
		assert.equal(
			(await getJson(`${system.url}/api/me`, { headers: { authorization: `Bearer ${fuzzer.token}` } }))
				.status,
			200,
		);
		const products = await getJson(`${system.url}/api/products?pageSize=1`);
		assert.equal(products.status, 200);
		// Explicitly: what the fuzz sent as {"__proto__": {"fuzzPolluted": true}} reached no prototype.
		const polluted = await getJson(`${system.url}/api/me/preferences`, {
			method: "PUT",
			headers: { ...headers, "content-type": "application/json" },
			body: `{"__proto__": {"${MARK}": true}, "constructor": {"prototype": {"${MARK}": true}}}`,
		});
		assert.ok(polluted.status < 500, JSON.stringify(polluted.body));
		assert.equal(({} as Record<string, unknown>)[MARK], undefined);
		assertNotPolluted();
	});
});
