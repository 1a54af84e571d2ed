/**
 * A minimal SMTP sink for benchmarks, run as a child process (`fork`) so its CPU is not
 * the measured process's: smtp-server on loopback, no TLS, no auth, every message read to
 * the end and thrown away (no parsing), only counted. It tells the parent its port, then
 * `{ count, lastAt }` (messages accepted, and Date.now() of the latest) whenever the count
 * changed, at most every 10 ms, plus its own peak RSS on request.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export type SinkMessage =
	| { type: "ready"; port: number }
	| { type: "count"; count: number; lastAt: number }
	| { type: "stats"; count: number; lastAt: number; peakRss: number };

let count = 0;
let lastAt = 0;
let reported = -1;
let peakRss = process.memoryUsage().rss;

const send = (message: SinkMessage) => process.send?.(message);

const server = new SMTPServer({
	secure: false,
	authOptional: true,
	disabledCommands: ["STARTTLS", "AUTH"],
	logger: false,
	maxClients: 1_000,
	closeTimeout: 100,
	onData(stream, _session, done) {
		stream.on("data", () => {});
		stream.on("end", () => {
			count++;
			lastAt = Date.now();
			done();
		});
	},
});
server.on("error", () => {});

const ticker = setInterval(() => {
	peakRss = Math.max(peakRss, process.memoryUsage().rss);
	if (count === reported) return;
	reported = count;
	send({ type: "count", count, lastAt });
}, 10);

process.on("message", (message: { type: string }) => {
	if (message.type === "stats") send({ type: "stats", count, lastAt, peakRss });
	if (message.type === "stop") {
		clearInterval(ticker);
		server.close(() => process.exit(0));
	}
});
// The parent went away: so does the sink.
process.on("disconnect", () => process.exit(0));

server.listen(0, "127.0.0.1", () => {
	send({ type: "ready", port: (server.server.address() as AddressInfo).port });
});
