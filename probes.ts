/**
 * Every node's liveness and readiness for orchestrators, on HEALTH_PORT (off by default),
 * whatever services the node runs (most nodes have no HTTP gateway):
 * - GET /livez: 200 while the process can answer at all.
 * - GET /readyz: 200 once the broker and every local service started and, in a cluster, the
 *   transporter is connected; 503 before that, while disconnected, and from the moment
 *   shutdown begins, so traffic moves away before the node stops.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServiceBroker } from "moleculer";
import { ConfigError } from "./config.ts";
import { portProblem } from "./ports.ts";

export interface Probes {
	port: number;
	/** Readiness off for good: called when shutdown begins. */
	draining(): void;
	close(): Promise<void>;
}

/** The NATS client under Moleculer's transporter (its typings leave `client` out). */
interface FlushableClient {
	flush(): Promise<void>;
}

function flushable(value: unknown): value is FlushableClient {
	return typeof value === "object" && value !== null && "flush" in value && typeof value.flush === "function";
}

/** A round trip to the transporter now: a NATS client that is reconnecting does not answer. */
async function transporterAnswers(transit: NonNullable<ServiceBroker["transit"]>): Promise<boolean> {
	const client: unknown = Reflect.get(transit.tx, "client");
	if (!transit.connected) return false;
	if (!flushable(client)) return true;
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<boolean>((resolve) => {
		timer = setTimeout(() => resolve(false), 1_000);
	});
	const answered = client.flush().then(
		() => true,
		() => false,
	);
	return Promise.race([answered, timeout]).finally(() => clearTimeout(timer));
}

/**
 * What else a node's services need to do their work (the collector its run lock): each a
 * check that answers why the node cannot, or undefined. Registered while a service runs.
 */
const extraChecks = new WeakMap<ServiceBroker, Map<string, () => string | undefined>>();

export function addReadinessCheck(
	broker: ServiceBroker,
	name: string,
	check: () => string | undefined,
): () => void {
	const checks = extraChecks.get(broker) ?? new Map<string, () => string | undefined>();
	extraChecks.set(broker, checks);
	checks.set(name, check);
	return () => checks.delete(name);
}

export async function readiness(
	broker: ServiceBroker,
	draining: boolean,
): Promise<{ ready: boolean; reason?: string }> {
	if (draining || broker.stopping) return { ready: false, reason: "stopping" };
	if (!broker.started) return { ready: false, reason: "starting" };
	if (broker.transit && !(await transporterAnswers(broker.transit)))
		return { ready: false, reason: "transporter disconnected" };
	for (const [name, check] of extraChecks.get(broker) ?? []) {
		const problem = check();
		if (problem) return { ready: false, reason: `${name}: ${problem}` };
	}
	return { ready: true };
}

export async function startProbes(broker: ServiceBroker, port: number): Promise<Probes> {
	let draining = false;
	const server: Server = createServer(async (req, res) => {
		const path = (req.url ?? "/").split("?")[0];
		const answer = (status: number, body: object) => {
			res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
			res.end(JSON.stringify({ nodeId: broker.nodeID, ...body }));
		};
		if (req.method !== "GET" && req.method !== "HEAD") return answer(405, { error: "GET only" });
		if (path === "/livez") return answer(200, { status: "alive" });
		if (path === "/readyz") {
			const { ready, reason } = await readiness(broker, draining);
			return answer(ready ? 200 : 503, ready ? { status: "ready" } : { status: "not ready", reason });
		}
		answer(404, { error: "Try /livez or /readyz." });
	});
	await new Promise<void>((resolve, reject) => {
		server.once("error", (err: NodeJS.ErrnoException) =>
			reject(new ConfigError(portProblem({ variable: "HEALTH_PORT", port }, err.code))),
		);
		server.listen(port, "0.0.0.0", () => resolve());
	});
	return {
		port: (server.address() as AddressInfo).port,
		draining: () => {
			draining = true;
		},
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}
