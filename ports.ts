/**
 * The ports a node will listen on, checked before anything starts: a port another program
 * (or a second node on the same host) holds stops the process with one line naming the
 * variable, instead of an unhandled 'error' event deep inside a library.
 */
import { createServer } from "node:net";
import { type Config, ConfigError } from "./config.ts";

export interface ListeningPort {
	variable: "PORT" | "LIVE_PORT" | "METRICS_PORT" | "HEALTH_PORT";
	port: number;
}

/** What this node's configuration will bind (0 = any free port, nothing to check). */
export function listeningPorts(config: Config): ListeningPort[] {
	const ports: ListeningPort[] = [];
	if (config.services.includes("api")) ports.push({ variable: "PORT", port: config.port });
	// The live service shares the api's server when both run here.
	else if (config.services.includes("live")) ports.push({ variable: "LIVE_PORT", port: config.livePort });
	ports.push({ variable: "METRICS_PORT", port: config.metricsPort });
	ports.push({ variable: "HEALTH_PORT", port: config.healthPort });
	return ports.filter(({ port }) => port > 0);
}

function tryListen(port: number): Promise<NodeJS.ErrnoException | undefined> {
	return new Promise((resolve) => {
		const server = createServer();
		server.once("error", (err: NodeJS.ErrnoException) => resolve(err));
		server.listen({ port, host: "0.0.0.0", exclusive: true }, () => server.close(() => resolve(undefined)));
	});
}

export function portProblem({ variable, port }: ListeningPort, code: string | undefined): string {
	if (code === "EADDRINUSE")
		return `${variable}=${port} is already in use on this host (another Insights node or program listens there): stop it or set ${variable} to a free port`;
	if (code === "EACCES")
		return `${variable}=${port} needs privileges this process does not have: use a port above 1023`;
	return `${variable}=${port} cannot be listened on (${code ?? "unknown error"})`;
}

/** Throws a ConfigError (one line, exit 2 in index.ts) for the first port that cannot be bound. */
export async function assertPortsFree(ports: ListeningPort[]): Promise<void> {
	const seen = new Map<number, string>();
	for (const entry of ports) {
		const other = seen.get(entry.port);
		if (other)
			throw new ConfigError(
				`${entry.variable}=${entry.port} is the same port as ${other}: give each its own`,
			);
		seen.set(entry.port, entry.variable);
		const err = await tryListen(entry.port);
		if (err) throw new ConfigError(portProblem(entry, err.code));
	}
}
