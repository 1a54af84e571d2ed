/**
 * Each way a real source fails is named as such in the run summary, in the collection
 * status the SPA shows (Dicas, KPIs, Operador) and never as a silent empty run: a 403 (XP
 * without its browser headers), a 410 (Tesouro's old JSON), a TLS chain this machine does
 * not trust (some Open Insurance hosts), and a changed shape (BTG's v2 list where an array
 * was expected, or the reverse).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer, type Server } from "node:https";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { CollectorRunSummary, SourceProblem } from "../../domain/contracts.ts";
import { type BrokerFixture, startBrokerFixture } from "../fixtures/brokers.ts";
import { getJson, type RunningSystem, startSystem, tempDir } from "../harness.ts";

const token = "failures-operator-token-0123456789";

/** A loopback HTTPS server whose self-signed certificate nobody trusts. */
async function untrustedTls(dir: string): Promise<{ url: string; server: Server }> {
	const key = join(dir, "key.pem");
	const cert = join(dir, "cert.pem");
	execFileSync(
		"openssl",
		[
			"req",
			"-x509",
			"-newkey",
			"rsa:2048",
			"-nodes",
			"-keyout",
			key,
			"-out",
			cert,
			"-days",
			"2",
			"-subj",
			"/CN=127.0.0.1",
		],
		{ stdio: "ignore" },
	);
	const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => {
		res.writeHead(200, { "content-type": "application/json" }).end('{"data":{"brand":{}}}');
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as { port: number };
	return { url: `https://127.0.0.1:${port}`, server };
}

describe("collector failures, each named", () => {
	const dir = tempDir();
	let site: BrokerFixture;
	let tls: Awaited<ReturnType<typeof untrustedTls>>;
	let system: RunningSystem;
	let summary: CollectorRunSummary;

	before(async () => {
		site = await startBrokerFixture({
			"/xp": { status: 403, body: '{"statusCode":403,"message":"Forbidden"}' },
			"/tesouro/treasurybondsinfo.json": { status: 410, body: "Gone" },
			"/btg/list/v2": { body: JSON.stringify({ data: [] }) },
		});
		tls = await untrustedTls(dir.path);
		const file = join(dir.path, "sources.json");
		writeFileSync(
			file,
			JSON.stringify({
				limits: { timeoutMs: 3_000, retries: 0, backoffMs: 10, maxBytes: 1_000_000, perHostConcurrency: 2 },
				sources: [
					{
						name: "xp-funds",
						type: "xp-funds",
						url: `${site.url}/xp`,
						headers: { "ocp-apim-subscription-key": "k" },
					},
					{ name: "old-tesouro", type: "btg-funds", url: `${site.url}/tesouro/treasurybondsinfo.json` },
					{ name: "btg-funds", type: "btg-funds", url: `${site.url}/btg/list/v2` },
					{
						name: "pension-host",
						type: "xp-funds",
						url: `${tls.url}/open-insurance`,
						headers: { "ocp-apim-subscription-key": "k" },
					},
				],
			}),
		);
		system = await startSystem({ DATA_DIR: dir.path, SOURCES_FILE: file, OPERATOR_TOKEN: token });
		const res = await getJson(`${system.url}/api/collector/run`, {
			method: "POST",
			headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
			body: "{}",
		});
		assert.equal(res.status, 200, JSON.stringify(res.body));
		summary = res.body;
	});
	after(async () => {
		await system?.stop();
		await site?.stop();
		tls?.server.close();
		dir.remove();
	});

	const problem = (name: string): SourceProblem => {
		const outcome = summary.sources[name];
		assert.equal(outcome?.status, "failed", `${name}: ${JSON.stringify(outcome)}`);
		assert.equal(outcome.fetched, 0);
		return outcome.problem as SourceProblem;
	};

	it("names a 403 as refused and a 410 as gone", () => {
		const refused = problem("xp-funds");
		assert.equal(refused.kind, "http");
		assert.equal(refused.httpStatus, 403);
		assert.match(refused.detail, /HTTP 403 \(refused/);
		const gone = problem("old-tesouro");
		assert.equal(gone.httpStatus, 410);
		assert.match(gone.detail, /HTTP 410 \(gone/);
	});

	it("names a certificate this machine does not trust as a TLS failure, with the way out", () => {
		const failure = problem("pension-host");
		assert.equal(failure.kind, "tls");
		assert.match(failure.detail, /TLS failure \([A-Z_]+\).*NODE_EXTRA_CA_CERTS/);
	});

	it("names a changed shape: what was expected and what came", () => {
		const changed = problem("btg-funds");
		assert.equal(changed.kind, "format");
		assert.match(changed.detail, /expected .*got \{data\}/);
	});

	it("shows the same kinds in the collection status the SPA reads", async () => {
		const { body } = await getJson(`${system.url}/api/collector/status`);
		const kinds = Object.fromEntries(
			(body.sources as { name: string; problem?: SourceProblem }[]).map((s) => [s.name, s.problem?.kind]),
		);
		assert.deepEqual(kinds, {
			"xp-funds": "http",
			"old-tesouro": "http",
			"btg-funds": "format",
			"pension-host": "tls",
		});
		assert.deepEqual([...body.failing].sort(), ["btg-funds", "old-tesouro", "pension-host", "xp-funds"]);
	});
});
