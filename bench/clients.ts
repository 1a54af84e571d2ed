/**
 * Talking to the socket clients of bench/live-clients.ts, forked in their own process by the
 * benchmarks that need thousands of live clients (live, pipeline).
 */
import type { ChildProcess } from "node:child_process";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ClientReport } from "./live-clients.ts";

const clientsScript = fileURLToPath(new URL("./live-clients.ts", import.meta.url));

/** The client process, given its job file (`{ url, tokens, concurrency }`). */
export function forkClients(jobFile: string): ChildProcess {
	return fork(clientsScript, [jobFile], {
		execPath: process.execPath,
		stdio: ["ignore", "inherit", "inherit", "ipc"],
	});
}

/** The child's next report of this type; undefined when none came within `timeoutMs`. */
export function nextReport<T extends ClientReport["type"]>(
	child: ChildProcess,
	type: T,
	timeoutMs: number,
): Promise<Extract<ClientReport, { type: T }> | undefined> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => done(undefined), timeoutMs);
		const onMessage = (message: ClientReport) => {
			if (message.type === type) done(message as Extract<ClientReport, { type: T }>);
		};
		const onExit = (code: number | null) => {
			clearTimeout(timer);
			child.off("message", onMessage);
			reject(new Error(`live-clients.ts exited (${code}) before reporting ${type}`));
		};
		function done(value: Extract<ClientReport, { type: T }> | undefined) {
			clearTimeout(timer);
			child.off("message", onMessage);
			child.off("exit", onExit);
			resolve(value);
		}
		child.on("message", onMessage);
		child.once("exit", onExit);
	});
}
