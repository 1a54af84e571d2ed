/** The gateway's own action: whether the node answering can serve. */

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
