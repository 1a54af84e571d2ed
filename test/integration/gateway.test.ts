/**
 * The gateway's cross-cutting behaviour: CORS from CORS_ORIGINS, the per-IP rate limit, and
 * a request id returned in a header and logged by every service the request reaches, on
 * every node (real processes over NATS).
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort, getJson, natsUrl, startSystem, tempDir, uniqueNamespace, waitFor } from "../harness.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const children = new Set<ChildProcess>();
after(() => {
	for (const child of children) child.kill("SIGKILL");
});

describe("gateway", () => {
	it("answers CORS preflights for the configured origins only", async () => {
		const system = await startSystem({ CORS_ORIGINS: "https://app.example.com" });
		try {
			const preflight = (origin: string) =>
				fetch(`${system.url}/api/products`, {
					method: "OPTIONS",
					headers: { origin, "access-control-request-method": "GET" },
				});
			const allowed = await preflight("https://app.example.com");
			assert.equal(allowed.headers.get("access-control-allow-origin"), "https://app.example.com");
			const other = await preflight("https://evil.example.com");
			assert.notEqual(other.headers.get("access-control-allow-origin"), "https://evil.example.com");
			assert.notEqual(other.headers.get("access-control-allow-origin"), "*");
		} finally {
			await system.stop();
		}
	});

	it("limits requests per client IP with a 429 in the usual error shape", async () => {
		const system = await startSystem({ RATE_LIMIT: "5" });
		try {
			const statuses: number[] = [];
			let last: Awaited<ReturnType<typeof getJson>> | undefined;
			for (let i = 0; i < 7; i++) {
				last = await getJson(`${system.url}/api/products`);
				statuses.push(last.status);
			}
			assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
			assert.equal(typeof last?.body.error.message, "string");
			assert.equal(last?.headers.get("x-rate-limit-limit"), "5");
		} finally {
			await system.stop();
		}
	});

	it("returns a request id and logs it in every service the request reaches, on every node", async () => {
		const namespace = uniqueNamespace();
		const port = await freePort();
		const output: string[] = ["", ""];
		const node = (index: number, env: Record<string, string>) => {
			const child = spawn(process.execPath, [join(root, "index.ts")], {
				cwd: root,
				env: {
					...process.env,
					TRANSPORTER: natsUrl,
					NAMESPACE: namespace,
					LOG_LEVEL: "debug",
					METRICS_PORT: "0",
					DATA_DIR: tempDir().path,
					...env,
				},
				stdio: ["ignore", "pipe", "pipe"],
			});
			children.add(child);
			for (const stream of [child.stdout, child.stderr])
				stream?.on("data", (chunk) => {
					output[index] += chunk;
				});
			return child;
		};
		node(0, { NODE_ID: "gw", SERVICES: "api,subscribers", PORT: String(port) });
		node(1, { NODE_ID: "catalogue", SERVICES: "products", PORT: "0" });
		const url = `http://127.0.0.1:${port}/api/interests/schema`;
		await waitFor(
			async () => {
				const res = await fetch(url).catch(() => undefined);
				return (
					res?.status === 200 &&
					(await res.json()).categories?.reit.some((f: { values?: unknown }) => f.values)
				);
			},
			{ timeoutMs: 60_000, what: "the schema route across both nodes" },
		);
		// Until the gateway's registry has the products node's actions (discovery takes a moment).
		let id = "";
		await waitFor(
			async () => {
				id = `trace-test-${Date.now()}`;
				const res = await fetch(url, { headers: { "x-request-id": id } });
				assert.equal(res.headers.get("x-request-id"), id);
				await new Promise((resolve) => setTimeout(resolve, 200));
				return output[1]?.includes(`products.facets requestID=${id}`);
			},
			{ timeoutMs: 20_000, what: "the request id in the products node's log" },
		);
		assert.ok(output[0]?.includes(`subscribers.interestsSchema requestID=${id}`));
		assert.ok(output[0]?.includes(`api.rest requestID=${id}`));
		const fresh = await fetch(url);
		assert.match(
			fresh.headers.get("x-request-id") ?? "",
			/^[\w-]{8,}$/,
			"an id of our own when none is sent",
		);
	});
});
