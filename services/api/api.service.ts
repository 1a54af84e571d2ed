/**
 * The HTTP gateway: REST under /api, the built SPA from public/ with client-route fallback,
 * and the cluster's health.
 */
import { createReadStream, existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { type Context, Errors, type ServiceBroker, type ServiceSchema } from "moleculer";
import ApiGateway, { type ApiSettingsSchema } from "moleculer-web";
import { configOf } from "../../config.ts";
import { answers, apiRules, call, type DeadLetter, type Health, healthRule } from "../../domain/contracts.ts";
import {
	bearer,
	checkCookieWrite,
	checkOperator,
	type SessionCarrier,
	sessionFromCookie,
} from "../../lib/auth.ts";
import { acquireQueue, type DurableQueue, releaseQueue } from "../../lib/durable-queue.ts";
import { payloadProblem } from "../../lib/payload-guard.ts";
import { defineService } from "../../lib/service.ts";
import pkg from "../../package.json" with { type: "json" };
import { readiness } from "../../probes.ts";
import { clientIp } from "./client-ip.ts";
import { docsPage } from "./docs-page.ts";
import { requestPath, sendJsonError, wantsApp } from "./errors.ts";
import { nodeHealth } from "./health.ts";
import { jsonBody } from "./json-body.ts";
import { buildOpenApi, type ExplicitRoute } from "./openapi.ts";
import { credentialNotice, type OperatorCredential, operatorCredential } from "./operator-credential.ts";
import { redactUrl } from "./redact.ts";
import { answerWhileStarting } from "./starting.ts";

/** Routes the gateway declares itself (the rest come from actions' `rest`). */
const explicitRoutes: ExplicitRoute[] = [
	{ method: "GET", path: "/health", action: "api.health" },
	{ method: "GET", path: "/ready", action: "api.ready" },
	{ method: "GET", path: "/openapi.json", action: "api.openapi" },
	{ method: "GET", path: "/docs", action: "api.docs", openapi: { responseType: "text/html" } },
	{
		method: "GET",
		path: "/unsubscribe",
		action: "subscribers.unsubscribePage",
		openapi: { responseType: "text/html" },
	},
	{
		method: "POST",
		path: "/unsubscribe",
		action: "subscribers.unsubscribe",
		openapi: { requestType: "application/x-www-form-urlencoded", responseType: "text/html" },
	},
	{ method: "POST", path: "/admin/subscribers/import", action: "subscribers.import" },
	{ method: "GET", path: "/admin/dead-letters", action: "api.deadLetters" },
	{ method: "POST", path: "/admin/dead-letters/replay", action: "api.replayDeadLetter" },
];

type AuthRequest = IncomingMessage & { $action?: { auth?: string } };

/**
 * Who is calling (for rate limits and consent records; behind a proxy, the proxy's view),
 * and the request id: the caller's X-Request-Id when it is sane, else ours, sent back in
 * the response and carried by every call the request makes (logged by each service).
 */
function rememberClient(
	this: { broker: ServiceBroker },
	ctx: Context<unknown, { ip?: string }>,
	_route: unknown,
	req: IncomingMessage,
	res: ServerResponse,
) {
	ctx.meta.ip = clientIp(req, configOf(this.broker).trustProxy);
	const given = req.headers["x-request-id"];
	if (typeof given === "string" && /^[\w.-]{8,100}$/.test(given)) ctx.requestID = given;
	res.setHeader("X-Request-Id", ctx.requestID ?? ctx.id);
	const problem = payloadProblem((req as IncomingMessage & { body?: unknown }).body);
	if (problem) throw new Errors.MoleculerClientError(problem, 400, "INVALID_BODY");
}

/**
 * A JSON route's body must be JSON: a body the parser skipped (text/plain, a form) would
 * reach the action as no params at all — `PUT /me/interests` would store "no interests".
 */
function requireJson(
	this: { broker: ServiceBroker },
	ctx: Context<unknown, { ip?: string }>,
	route: unknown,
	req: IncomingMessage,
	res: ServerResponse,
) {
	const hasBody =
		Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
	const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
	if (hasBody && type !== "application/json")
		throw new Errors.MoleculerClientError(
			`Send the body as JSON (Content-Type: application/json), not ${type || "without a type"}.`,
			415,
			"UNSUPPORTED_MEDIA_TYPE",
		);
	rememberClient.call(this, ctx, route, req, res);
}

/** moleculer-web's own request handler, which ours wraps. */
const gatewayHttpHandler = ApiGateway.methods?.httpHandler;
if (!gatewayHttpHandler)
	throw new Error("moleculer-web has no httpHandler method: its version is not supported");

interface ApiLocals {
	/** Where operator routes take their token from (operator-credential.ts); none: they are off. */
	operator?: OperatorCredential;
	/** The durable queue, acquired on the first operator request for dead letters. */
	queue?: Promise<DurableQueue>;
	/** Routes are generated: requests go to moleculer-web (before: starting.ts answers). */
	routing?: boolean;
	/** moleculer-web's, debounced. */
	regenerateAllAutoAliases: (() => void) & { flush(): void };
}

const publicDir = fileURLToPath(new URL("../../public/", import.meta.url));
const appIndex = `${publicDir}index.html`;

export default defineService<ApiSettingsSchema, ApiLocals>()({
	name: "api",
	mixins: [ApiGateway],

	settings: {
		port: 3000,
		ip: "0.0.0.0",
		routes: [
			// Routes with their own body parsers come first: the first matching path wins.
			{
				// RFC 8058 one-click unsubscribe posts a form, not JSON.
				path: "/api/unsubscribe",
				aliases: { "GET /": "subscribers.unsubscribePage", "POST /": "subscribers.unsubscribe" },
				bodyParsers: { json: false, urlencoded: { extended: false, limit: "1kb" } },
				onBeforeCall: rememberClient,
			},
			{
				// A CSV of existing clients is larger than any other request body.
				path: "/api/admin/subscribers/import",
				aliases: { "POST /": "subscribers.import" },
				bodyParsers: false,
				use: [jsonBody("5mb")],
				authorization: true,
				onBeforeCall: requireJson,
			},
			{
				path: "/api",
				mappingPolicy: "restrict",
				// Services publish their own routes with `rest:` on their actions.
				autoAliases: true,
				aliases: {
					"GET health": "api.health",
					"GET ready": "api.ready",
					"GET openapi.json": "api.openapi",
					"GET docs": "api.docs",
					"GET admin/dead-letters": "api.deadLetters",
					"POST admin/dead-letters/replay": "api.replayDeadLetter",
				},
				bodyParsers: false,
				use: [jsonBody("64kb")],
				// Actions declare who may call them over HTTP with `auth` (see authorize below).
				authorization: true,
				onBeforeCall: requireJson,
			},
		],
		assets: { folder: publicDir, options: { index: "index.html" } },
		// Params hold tokens and personal data: never logged. URLs are, redacted (methods below).
		logRequestParams: null,
		logResponseData: null,
		onError(_req: IncomingMessage, res: ServerResponse, err: Error) {
			sendJsonError(res, err);
		},
	},

	methods: {
		/** The request line without its link tokens (moleculer-web's own logs it whole). */
		logRequest(req: IncomingMessage & { originalUrl?: string; $route?: { logging?: boolean } }): void {
			if (req.$route && !req.$route.logging) return;
			this.logger.info(`=> ${req.method} ${redactUrl(req.originalUrl ?? req.url ?? "")}`);
		},

		logResponse(
			req: IncomingMessage & { originalUrl?: string; $route?: { logging?: boolean } },
			res: ServerResponse,
		): void {
			if (req.$route && !req.$route.logging) return;
			this.logger.info(`<= ${res.statusCode} ${req.method} ${redactUrl(req.originalUrl ?? req.url ?? "")}`);
		},

		/** Every request: until the node has started, API routes are answered by starting.ts. */
		httpHandler(req: IncomingMessage, res: ServerResponse, next?: unknown): unknown {
			if (!this.routing && answerWhileStarting(req, res, () => this.liveness())) return;
			return gatewayHttpHandler.call(this, req, res, next);
		},

		liveness(): Omit<Health, "ready" | "status"> {
			return {
				version: pkg.version,
				uptime: Math.round(process.uptime()),
				nodeId: this.broker.nodeID,
				nodes: [],
			};
		},

		/**
		 * `auth` on an action says who may call it over HTTP: "operator" needs
		 * `Authorization: Bearer $OPERATOR_TOKEN`; "subscriber" a session token (bearer, or the
		 * SPA's HttpOnly cookie), and the action then acts on ctx.meta.subscriberId only.
		 */
		async authorize(
			ctx: Context<unknown, { subscriberId?: string; sessionId?: string; sessionCarrier?: SessionCarrier }>,
			_route: unknown,
			req: AuthRequest,
		): Promise<void> {
			const auth = req.$action?.auth;
			if (auth === "operator") checkOperator(this.operator?.token, req.headers.authorization);
			if (auth === "subscriber") {
				const given = bearer(req.headers.authorization);
				const token = given ?? sessionFromCookie(req.headers.cookie);
				if (!token)
					throw new Errors.MoleculerClientError(
						"Sign in first: send Authorization: Bearer <session token>.",
						401,
						"UNAUTHORIZED",
					);
				if (!given) checkCookieWrite(req.method, req.headers["x-requested-with"]);
				const { subscriberId, sessionId } = await call(ctx, "identity.authenticate", { token });
				ctx.meta.subscriberId = subscriberId;
				ctx.meta.sessionId = sessionId;
				ctx.meta.sessionCarrier = given ? "bearer" : "cookie";
			}
		},

		/** Client routes of the SPA (/dicas, /interesses…) get index.html; the rest a JSON 404. */
		send404(req: IncomingMessage, res: ServerResponse): void {
			if (wantsApp(req) && existsSync(appIndex)) {
				res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
				if (req.method === "HEAD") res.end();
				else createReadStream(appIndex).pipe(res);
				return;
			}
			sendJsonError(
				res,
				new Errors.MoleculerClientError(`Nothing at ${req.method} ${requestPath(req)}.`, 404, "NOT_FOUND"),
			);
		},
	},

	actions: {
		// An HTTP request is not safe to replay as a whole: only the calls it makes are retried.
		rest: { retryPolicy: { enabled: false } },

		health: {
			openapi: { response: answers("api.health", healthRule) },
			async handler(ctx: Context): Promise<Health> {
				const nodes = await ctx.call<Parameters<typeof nodeHealth>[0], object>("$node.list", {
					withServices: true,
					onlyAvailable: true,
				});
				return {
					status: "ok",
					ready: this.routing === true && !this.broker.stopping,
					version: pkg.version,
					uptime: Math.round(process.uptime()),
					nodeId: this.broker.nodeID,
					nodes: nodeHealth(nodes),
				};
			},
		},

		/** OpenAPI 3, generated from the actions' params and REST aliases of the whole cluster. */
		openapi: {
			openapi: {
				response: answers("api.openapi", apiRules.openapi),
			},
			handler() {
				return buildOpenApi({
					services: this.broker.registry.getServiceList({ withActions: true, onlyAvailable: true }),
					explicitRoutes,
					version: pkg.version,
				});
			},
		},

		docs: {
			handler(ctx: Context<unknown, { $responseType?: string }>) {
				ctx.meta.$responseType = "text/html; charset=utf-8";
				return docsPage();
			},
		},

		/** Operators: the durable queue's dead letters, newest first (what no consumer could handle). */
		deadLetters: {
			auth: "operator",
			openapi: {
				response: answers("api.deadLetters", apiRules.deadLetters),
			},
			params: { limit: "number|integer|min:1|max:500|convert|default:100" },
			async handler(ctx: Context<{ limit: number }>): Promise<{ total: number; rows: DeadLetter[] }> {
				this.queue ??= acquireQueue(this.broker);
				const letters = await (await this.queue).deadLetters();
				return { total: letters.length, rows: letters.slice(0, ctx.params.limit) };
			},
		},

		/** Operators: a dead letter's message published again, once its cause is fixed. */
		replayDeadLetter: {
			auth: "operator",
			openapi: { response: answers("api.replayDeadLetter", apiRules.replayed) },
			params: { key: "string|min:1|max:300" },
			async handler(ctx: Context<{ key: string }>): Promise<{ replayed: true }> {
				this.queue ??= acquireQueue(this.broker);
				if (!(await (await this.queue).replay(ctx.params.key)))
					throw new Errors.MoleculerClientError("No dead letter under this key.", 404, "NOT_FOUND");
				this.logger.info("Dead letter replayed", { key: ctx.params.key });
				return { replayed: true };
			},
		},

		// moleculer-web's own route listing is not part of the public API.
		listAliases: { visibility: "protected" },

		ready: {
			openapi: {
				response: answers("api.ready", apiRules.ready),
			},
			async handler(): Promise<{ ready: true; nodeId: string }> {
				// The probes' answer: started, transporter answering, every service able to work.
				const { ready, reason } = await readiness(this.broker, false);
				if (!ready)
					throw new Errors.MoleculerError(`This node is not ready: ${reason}.`, 503, "NOT_READY", {
						nodeId: this.broker.nodeID,
						reason,
						retryAfter: 5,
					});
				return { ready: true, nodeId: this.broker.nodeID };
			},
		},
	},

	events: {
		// moleculer-web regenerates REST aliases 500 ms after services change; at start that
		// would leave a ready node answering 404 on routes of its own local services.
		"$broker.started"() {
			this.regenerateAllAutoAliases();
			this.regenerateAllAutoAliases.flush();
			this.routing = true;
		},
	},

	/**
	 * This broker's configuration into the gateway's settings before moleculer-web builds its
	 * routes: port, CORS and the per-IP rate limit. Copies, never the shared schema object:
	 * tests run several gateways in one process.
	 */
	merged(schema: ServiceSchema) {
		const config = configOf(this.broker);
		const settings: ApiSettingsSchema = schema.settings ?? {};
		const configured: ApiSettingsSchema = {
			...settings,
			port: config.port,
			cors: {
				origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
				methods: ["GET", "POST", "PUT", "DELETE"],
				allowedHeaders: ["Content-Type", "Authorization", "X-Request-Id"],
				exposedHeaders: ["X-Request-Id", "Retry-After"],
				maxAge: 3_600,
			},
			routes: (settings.routes ?? []).map((route) => ({
				...route,
				rateLimit: {
					window: 60_000,
					limit: config.rateLimit,
					headers: true,
					key: (req: IncomingMessage) => clientIp(req, config.trustProxy),
				},
			})),
		};
		schema.settings = configured;
	},

	created() {
		this.operator = operatorCredential(configOf(this.broker));
	},

	started() {
		this.logger.info(credentialNotice(this.operator, configOf(this.broker).publicUrl));
	},

	async stopped() {
		if (this.queue) await releaseQueue(this.broker);
	},
});
