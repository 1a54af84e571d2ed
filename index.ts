/**
 * Process entry point: `npm start` (everything in one process) or one node of a cluster
 * (`SERVICES=api TRANSPORTER=nats://… npm start`).
 */
import type { ServiceBroker } from "moleculer";
import { ConfigError, loadConfig } from "./config.ts";
import { assertPortsFree, listeningPorts } from "./ports.ts";
import { type Probes, startProbes } from "./probes.ts";
import { createNode } from "./system.ts";

/** Longer than the broker's own 10 s drain of in-flight requests, so that one wins. */
const SHUTDOWN_DEADLINE_MS = 15_000;

/** Whether a stop signal came: from then on the stop decides how the process exits. */
interface Shutdown {
	readonly requested: boolean;
}

function shutdownOn(broker: ServiceBroker, probes?: Probes): Shutdown {
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		// Not ready from now on: load balancers and orchestrators stop sending work here.
		probes?.draining();
		broker.logger.info(`${signal} received: draining and stopping`);
		setTimeout(() => {
			broker.logger.error(`Shutdown took longer than ${SHUTDOWN_DEADLINE_MS} ms: exiting anyway`);
			process.exit(1);
		}, SHUTDOWN_DEADLINE_MS).unref();
		broker.stop().then(
			() => process.exit(0),
			(err) => {
				broker.logger.error("Shutdown failed", err);
				process.exit(1);
			},
		);
	};
	process.on("SIGTERM", () => stop("SIGTERM"));
	process.on("SIGINT", () => stop("SIGINT"));
	return {
		get requested() {
			return stopping;
		},
	};
}

// Everything this process writes (NeDB files, .eml messages, secrets) is its owner's alone:
// subscribers' addresses and links must not be readable by other users of the host.
process.umask(0o077);

let shutdown: Shutdown | undefined;
try {
	const config = loadConfig();
	await assertPortsFree(listeningPorts(config));
	const broker = await createNode(config);
	// Probes first: an orchestrator sees "alive, not ready" while the node starts.
	const probes = config.healthPort ? await startProbes(broker, config.healthPort) : undefined;
	// Before start: a node still starting (waiting for its dependencies, building an index)
	// must stop cleanly on SIGTERM too.
	shutdown = shutdownOn(broker, probes);
	await broker.start();
	if (process.argv.includes("--repl")) broker.repl();
} catch (err) {
	if (err instanceof ConfigError) {
		console.error(`insights: ${err.message}`);
		process.exit(2);
	}
	// A start cut short by a stop signal (a request on a connection the stop is draining) is
	// the stop's doing, not a failure: the stop exits, 0 when it completes (the local cluster's
	// Ctrl-C caught a matcher creating its queue consumers, and the node exited 1).
	if (shutdown?.requested) console.error("insights: stopped while starting:", (err as Error).message);
	else {
		console.error("insights: failed to start:", err);
		process.exit(1);
	}
}
