/**
 * Shared test harness: temp data folders, nodes on any free port, a unique namespace per
 * test so tests sharing one NATS never see each other, and polling helpers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServiceBroker } from "moleculer";
import { type Config, loadConfig } from "../config.ts";
import { type Clock, runningClock, type TestClock } from "../domain/clock.ts";
import { mailDueId } from "../services/notifications/mail-due.ts";
import { startNode } from "../system.ts";

export const natsUrl = process.env.NATS_URL || "nats://127.0.0.1:4222";

export function tempDir(prefix = "insights-test-"): { path: string; remove(): void } {
	const path = mkdtempSync(join(tmpdir(), prefix));
	return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function uniqueNamespace(): string {
	return `t${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * The instant the tests' clocks start at: a fixed date, never today's, so that no test
 * depends on when it runs. TEST_EPOCH moves it (test/integration/clock-shift.test.ts runs
 * the suites that compare times a year later and a year earlier).
 */
export const testEpoch = Date.parse(process.env.TEST_EPOCH || "2026-12-01T10:00:00Z");
if (Number.isNaN(testEpoch)) throw new Error(`TEST_EPOCH=${process.env.TEST_EPOCH} is not an ISO instant`);

/**
 * The first instant from `from` (default: the test epoch) on that is `weekday` (0 = Sunday)
 * at `hour`:00 in São Paulo (UTC−3, no DST since 2019), for suites that need a weekday.
 */
export function nextLocalTime(
	{ weekday, hour }: { weekday: number; hour: number },
	from = testEpoch,
): number {
	const day = Date.UTC(
		new Date(from).getUTCFullYear(),
		new Date(from).getUTCMonth(),
		new Date(from).getUTCDate(),
	);
	for (let i = -1; i <= 7; i++) {
		const instant = day + i * 86_400_000 + (hour + 3) * 3_600_000;
		if (instant >= from && new Date(instant - 3 * 3_600_000).getUTCDay() === weekday) return instant;
	}
	throw new Error("unreachable: every weekday comes within eight days");
}

/** A clock running at real speed from the test epoch (or from `start`), for a test that moves it. */
export const testClock = (start = testEpoch): TestClock => runningClock(start);

/** The clock of every node a test starts without one of its own: one per test process. */
export const sharedClock: Clock = testClock();

/**
 * A node's configuration as the env would give it, with test-friendly defaults, on a
 * clock that starts at the test epoch unless one is given (nodes of one test share it).
 */
export function testConfig(env: Record<string, string | undefined> = {}, clock: Clock = sharedClock): Config {
	const config = loadConfig({
		PORT: "0",
		METRICS_PORT: "0",
		LOG_LEVEL: "warn",
		NAMESPACE: uniqueNamespace(),
		NATS_URL: natsUrl,
		// Sample sources without schedules: nothing runs unless a test asks.
		SOURCES_FILE: new URL("./fixtures/sources.manual.json", import.meta.url).pathname,
		...env,
	});
	return { ...config, clock };
}

export interface RunningSystem {
	broker: ServiceBroker;
	config: Config;
	/** The node's clock: what the test compares times with. */
	clock: Clock;
	/** http://127.0.0.1:<port> of the api service, when the node runs it. */
	url: string;
	stop(): Promise<void>;
}

/** Starts a node with the given env (default: every service, embedded, temp DATA_DIR). */
export async function startSystem(
	env: Record<string, string | undefined> = {},
	clock: Clock = sharedClock,
): Promise<RunningSystem> {
	const data = tempDir();
	const config = testConfig({ DATA_DIR: data.path, ...env }, clock);
	const broker = await startNode(config);
	const api = broker.getLocalService("api") as unknown as { server?: { address(): AddressInfo } } | undefined;
	const url = api?.server ? `http://127.0.0.1:${api.server.address().port}` : "";
	return {
		broker,
		config,
		clock,
		url,
		async stop() {
			await broker.stop();
			data.remove();
		},
	};
}

/**
 * Until every client notified of `publicationId` has a mail-due mark, their own or their
 * batch's: the store writes it right after their notifications, so a test that sweeps the
 * moment it sees them waits for it (the next sweep would find it anyway).
 */
export async function mailDueMarked(broker: ServiceBroker, publicationId: string): Promise<void> {
	const store = broker.getLocalService("notifications") as unknown as {
		adapter: {
			find(params: object): Promise<{ _id: string; subscriberId?: string; subscriberIds?: string[] }[]>;
		};
	};
	await waitFor(
		async () => {
			const notified = await store.adapter.find({ query: { publicationId } });
			const batches = await store.adapter.find({ query: { kind: "mail-due-batch" } });
			const inBatch = new Set(batches.flatMap((batch) => batch.subscriberIds ?? []));
			const ids = [...new Set(notified.map((n) => n.subscriberId ?? ""))].filter((id) => !inBatch.has(id));
			const marks = await store.adapter.find({ query: { _id: { $in: ids.map(mailDueId) } } });
			return notified.length > 0 && marks.length === ids.length;
		},
		{ what: `the mail-due marks of ${publicationId}` },
	);
}

export async function waitFor<T>(
	probe: () => Promise<T | undefined | false> | T | undefined | false,
	{ timeoutMs = 10_000, intervalMs = 100, what = "condition" } = {},
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	while (Date.now() < deadline) {
		try {
			const value = await probe();
			if (value !== undefined && value !== false) return value;
		} catch (err) {
			lastError = err;
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
	throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError}` : ""}`);
}

export async function getJson(
	url: string,
	init?: RequestInit,
	// biome-ignore lint/suspicious/noExplicitAny: tests assert on the JSON's shape themselves.
): Promise<{ status: number; body: any; headers: Headers }> {
	const res = await fetch(url, init);
	const text = await res.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {}
	return { status: res.status, body, headers: res.headers };
}

export async function freePort(): Promise<number> {
	const { createServer } = await import("node:net");
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address() as AddressInfo;
			server.close(() => resolve(port));
		});
	});
}
