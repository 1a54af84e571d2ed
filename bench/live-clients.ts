/**
 * The client side of bench/live.bench.ts, in its own process: opens one Socket.IO socket
 * per session token (websocket only, no reconnection, CONCURRENCY handshakes at a time),
 * tells the parent how fast they connected, then records when each socket receives its
 * notification and sends those times back. Times are `performance.timeOrigin +
 * performance.now()`, comparable with the parent's on the same machine.
 *
 * `node bench/live-clients.ts <job.json>`, forked with an IPC channel; job.json holds
 * `{ url, tokens: [{ subscriberId, token }] }`.
 */
import { readFileSync } from "node:fs";
import { io, type Socket } from "socket.io-client";

export interface Job {
	url: string;
	tokens: { subscriberId: string; token: string }[];
	/** Handshakes in flight at once. */
	concurrency: number;
}

/** Child → parent. */
export type ClientReport =
	| {
			type: "connected";
			connected: number;
			failed: number;
			firstError?: string;
			/** First handshake sent → last socket connected. */
			connectMs: number;
			/** … → last socket got its first `unread` (the server finished its connection work). */
			readyMs: number;
			/** rss after connecting, and before opening any socket. */
			rss: number;
			rssBefore: number;
	  }
	| {
			type: "received";
			/** Per token, in job order: when its first `notification` arrived; 0 = never. */
			times: number[];
			/** Notifications whose subscriberId was not the socket's own. */
			foreign: number;
			unread: number;
	  };

/** Parent → child. */
export type ClientCommand = { type: "collect"; expected: number } | { type: "close" };

const now = () => performance.timeOrigin + performance.now();
const send = (report: ClientReport) => process.send?.(report);

const file = process.argv[2];
if (!file || !process.send) {
	console.error("live-clients.ts is forked by bench/live.bench.ts: node bench/live-clients.ts <job.json>");
	process.exit(2);
}
const job = JSON.parse(readFileSync(file, "utf8")) as Job;
const sockets: Socket[] = [];
const received = new Array<number>(job.tokens.length).fill(0);
let receivedCount = 0;
let foreign = 0;
let unread = 0;
let waiting: { expected: number } | undefined;

function report(): void {
	send({ type: "received", times: received, foreign, unread });
	waiting = undefined;
}

/** Resolves when the socket has connected and the server's first `unread` has arrived. */
function open(
	index: number,
	entry: Job["tokens"][number],
): Promise<{ connectedAt?: number; error?: string }> {
	return new Promise((resolve) => {
		const socket = io(`${job.url}/live`, {
			path: "/socket.io",
			auth: { token: entry.token },
			transports: ["websocket"],
			reconnection: false,
			forceNew: true,
			timeout: 60_000,
		});
		sockets.push(socket);
		let connectedAt: number | undefined;
		socket.on("notification", (row: { subscriberId?: string }) => {
			if (row.subscriberId !== entry.subscriberId) foreign++;
			if (received[index] === 0) {
				received[index] = now();
				receivedCount++;
				if (waiting && receivedCount >= waiting.expected) report();
			}
		});
		socket.on("unread", () => {
			unread++;
			if (connectedAt !== undefined) resolve({ connectedAt });
		});
		socket.once("connect", () => {
			connectedAt = now();
		});
		socket.once("connect_error", (err: Error) => resolve({ error: err.message }));
		// Refused after connecting (the server's connection work failed): never ready.
		socket.once("disconnect", (reason: string) => resolve({ error: `disconnected: ${reason}` }));
	});
}

const rssBefore = process.memoryUsage().rss;
const started = now();
let lastConnected = started;
let lastReady = started;
let connected = 0;
let failed = 0;
let firstError: string | undefined;
let next = 0;
async function worker(): Promise<void> {
	while (next < job.tokens.length) {
		const index = next++;
		const result = await open(index, job.tokens[index] as Job["tokens"][number]);
		if (result.connectedAt !== undefined) {
			connected++;
			lastConnected = Math.max(lastConnected, result.connectedAt);
			lastReady = now();
		} else {
			failed++;
			firstError ??= result.error;
		}
	}
}
await Promise.all(Array.from({ length: Math.min(job.concurrency, job.tokens.length) }, worker));
send({
	type: "connected",
	connected,
	failed,
	firstError,
	connectMs: lastConnected - started,
	readyMs: lastReady - started,
	rss: process.memoryUsage().rss,
	rssBefore,
});

// The bench went away: nothing left to report to.
process.on("disconnect", () => process.exit(0));
process.on("message", (command: ClientCommand) => {
	if (command.type === "collect") {
		waiting = { expected: command.expected };
		if (receivedCount >= command.expected) report();
	} else if (command.type === "close") {
		for (const socket of sockets) socket.close();
		process.disconnect?.();
		process.exit(0);
	}
});
