/** The gateway's own actions: whether the node answering can serve, the document, the dead letters. */

import type { Infer } from "../rule-type.ts";

export interface NodeHealth {
	id: string;
	available: boolean;
	local: boolean;
	services: string[];
}

export interface Health {
	/** "starting" until every service of the answering node has started. */
	status: "ok" | "starting";
	/** The answering node can route every request (its services started, their routes exist). */
	ready: boolean;
	version: string;
	uptime: number;
	nodeId: string;
	nodes: NodeHealth[];
}

/** A durable-queue message a group could not handle after its last attempt, kept for an operator (GET /api/admin/dead-letters). */
export interface DeadLetter {
	/** Where the dead letter is kept: what an operator names to replay it. */
	key: string;
	/** The message's own id. */
	id: string;
	subject: string;
	group: string;
	payload: object;
	attempts: number;
	error: string;
	failedAt: string;
}

export interface ApiActions {
	"api.health": { params: Record<string, never>; result: Health };
	"api.ready": { params: Record<string, never>; result: { ready: true; nodeId: string } };
	/** The OpenAPI document (services/api/openapi.ts), described here by its outline. */
	"api.openapi": { params: Record<string, never>; result: Infer<typeof apiRules.openapi> };
	"api.deadLetters": { params: { limit?: number }; result: { total: number; rows: DeadLetter[] } };
	"api.replayDeadLetter": { params: { key: string }; result: { replayed: true } };
}

/** What `GET /api/health` answers, as a rule (the OpenAPI document's schema of it). */
export const healthRule = {
	type: "object",
	props: {
		status: { type: "enum", values: ["ok", "starting"] },
		ready: "boolean",
		version: "string",
		uptime: "number|integer|min:0",
		nodeId: "string",
		nodes: {
			type: "array",
			items: {
				type: "object",
				props: {
					id: "string",
					available: "boolean",
					local: "boolean",
					services: { type: "array", items: "string" },
				},
			},
		},
	},
} as const;

/** What the gateway's other routes answer. */
export const apiRules = {
	ready: { type: "object", props: { ready: { type: "equal", value: true }, nodeId: "string" } },
	openapi: {
		type: "object",
		props: {
			openapi: "string",
			info: { type: "object", props: { title: "string", version: "string", description: "string|optional" } },
			servers: { type: "array", items: { type: "object", props: { url: "string" } }, optional: true },
			tags: { type: "array", items: "object", optional: true },
			paths: { type: "record", key: "string", value: "object" },
			components: "object",
		},
	},
	deadLetters: {
		type: "object",
		props: {
			total: "number|integer|min:0",
			rows: {
				type: "array",
				items: {
					type: "object",
					props: {
						key: "string",
						id: "string",
						subject: "string",
						group: "string",
						payload: "object",
						attempts: "number|integer|min:0",
						error: "string",
						failedAt: "string",
					},
				},
			},
		},
	},
	replayed: { type: "object", props: { replayed: { type: "equal", value: true } } },
} as const;
