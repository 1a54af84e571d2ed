/**
 * `npm run cluster`: one process per node of scripts/topology.ts over the NATS at NATS_URL
 * (default nats://127.0.0.1:4222). Ctrl-C (or SIGTERM) stops every node gracefully; if a
 * node dies, the others are stopped too, so a broken cluster never looks healthy.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { ConfigError, loadConfig } from "../config.ts";
import { nthPort, topology } from "./topology.ts";

let config: ReturnType<typeof loadConfig>;
try {
	config = loadConfig();
} catch (err) {
	console.error(`cluster: ${err instanceof ConfigError ? err.message : err}`);
	process.exit(2);
}

const entry = fileURLToPath(new URL("../index.ts", import.meta.url));
const children = new Map<string, ChildProcess>();
let stopping = false;
let exitCode = 0;

function prefixLines(name: string, stream: NodeJS.ReadableStream, out: NodeJS.WriteStream): void {
	let buffered = "";
	stream.on("data", (chunk: Buffer) => {
		buffered += chunk.toString();
		const lines = buffered.split("\n");
		buffered = lines.pop() ?? "";
		for (const line of lines) out.write(`[${name}] ${line}\n`);
	});
}

function stopAll(signal: NodeJS.Signals): void {
	if (stopping) return;
	stopping = true;
	console.log(`cluster: stopping ${children.size} node(s)`);
	for (const child of children.values()) child.kill(signal === "SIGINT" ? "SIGTERM" : signal);
}

topology.forEach((node, index) => {
	const child = spawn(process.execPath, [entry], {
		env: {
			...process.env,
			TRANSPORTER: config.natsUrl,
			SERVICES: node.services.join(","),
			NODE_ID: `${node.name}-${hostname()}`,
			PORT: node.http ? String(config.port) : "0",
			// One metrics and one probe port per node, counting up from METRICS_PORT and HEALTH_PORT.
			METRICS_PORT: nthPort(config.metricsPort, index),
			HEALTH_PORT: nthPort(config.healthPort, index),
		},
		stdio: ["ignore", "pipe", "pipe"],
	});
	children.set(node.name, child);
	prefixLines(node.name, child.stdout as NodeJS.ReadableStream, process.stdout);
	prefixLines(node.name, child.stderr as NodeJS.ReadableStream, process.stderr);
	child.on("exit", (code, signal) => {
		children.delete(node.name);
		if (!stopping) {
			console.error(`cluster: node ${node.name} exited (${signal ?? code}); stopping the others`);
			exitCode = 1;
			stopAll("SIGTERM");
		} else if (code !== 0) {
			console.error(`cluster: node ${node.name} exited (${signal ?? code}) while stopping`);
			exitCode = 1;
		}
		if (children.size === 0) {
			console.log("cluster: all nodes stopped");
			process.exit(exitCode);
		}
	});
});

console.log(
	`cluster: ${topology.length} nodes over ${config.natsUrl}, api on http://localhost:${config.port} (Ctrl-C stops)`,
);
process.on("SIGINT", () => stopAll("SIGINT"));
process.on("SIGTERM", () => stopAll("SIGTERM"));
