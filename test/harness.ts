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
import { startNode } from "../system.ts";

export const natsUrl = process.env.NATS_URL || "nats://127.0.0.1:4222";

export function tempDir(prefix = "insights-test-"): { path: string; remove(): void } {
	const path = mkdtempSync(join(tmpdir(), prefix));
	return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function uniqueNamespace(): string {
	return `t${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A node's configuration as the env would give it, with test-friendly defaults. */
export function testConfig(env: Record<string, string | undefined> = {}): Config {
	return loadConfig({
		PORT: "0",
		METRICS_PORT: "0",
		LOG_LEVEL: "warn",
		NAMESPACE: uniqueNamespace(),
		NATS_URL: natsUrl,
		// Sample sources without schedules: nothing runs unless a test asks.
		SOURCES_FILE: new URL("./fixtures/sources.manual.json", import.meta.url).pathname,
		...env,
	});
}

export interface RunningSystem {
	broker: ServiceBroker;
	config: Config;
	/** http://127.0.0.1:<port> of the api service, when the node runs it. */
	url: string;
	stop(): Promise<void>;
}

/** Starts a node with the given env (default: every service, embedded, temp DATA_DIR). */
export async function startSystem(env: Record<string, string | undefined> = {}): Promise<RunningSystem> {
	const data = tempDir();
	const config = testConfig({ DATA_DIR: data.path, ...env });
	const broker = await startNode(config);
	const api = broker.getLocalService("api") as unknown as { server?: { address(): AddressInfo } } | undefined;
	const url = api?.server ? `http://127.0.0.1:${api.server.address().port}` : "";
	return {
		broker,
		config,
		url,
		async stop() {
			await broker.stop();
			data.remove();
		},
	};
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
