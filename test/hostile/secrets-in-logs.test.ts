/**
 * Hostile: a node's log, read by whoever reads logs, at its most verbose. The link tokens
 * clients are e-mailed (verify, sign-in, unsubscribe) and the session tokens they get never
 * appear in it — not in the gateway's request lines, not in logged params, not in the
 * mailer's "written to the outbox" line — nor, once sent, in the delivery log's file.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { redactUrl } from "../../services/api/redact.ts";
import type { MailerSettings } from "../../services/mailer/dispatcher.ts";
import { mailedLink } from "../fixtures/clients.ts";
import { freePort, getJson, startSystem, tempDir, waitFor } from "../harness.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("secrets in logs", () => {
	it("redacts token parameters and JWTs from URLs", () => {
		assert.equal(redactUrl("/api/auth/verify?token=abc.def.ghi"), "/api/auth/verify?token=<redacted>");
		assert.equal(
			redactUrl("/api/unsubscribe?x=1&token=t0k&y=2"),
			"/api/unsubscribe?x=1&token=<redacted>&y=2",
		);
		assert.equal(redactUrl("/p/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl"), "/p/<redacted>");
		assert.equal(redactUrl("/api/products?page=2"), "/api/products?page=2");
	});

	it("logs no link or session token at LOG_LEVEL=debug through sign-up, verify and unsubscribe", async () => {
		const data = tempDir();
		const port = await freePort();
		let output = "";
		const child = spawn(process.execPath, [join(root, "index.ts")], {
			cwd: root,
			env: {
				...process.env,
				DATA_DIR: data.path,
				PORT: String(port),
				METRICS_PORT: "0",
				LOG_LEVEL: "debug",
				OPERATOR_TOKEN: "an-operator-token-for-this-test",
				SOURCES_FILE: join(root, "test/fixtures/sources.manual.json"),
			},
			stdio: ["ignore", "pipe", "pipe"],
		});
		for (const stream of [child.stdout, child.stderr]) stream.on("data", (c: Buffer) => (output += c));
		const url = `http://127.0.0.1:${port}`;
		try {
			await waitFor(async () => (await fetch(`${url}/api/ready`)).status === 200, {
				timeoutMs: 60_000,
				what: "ready",
			});
			const registered = await getJson(`${url}/api/subscribers`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ email: "logs@example.com", name: "Logs", consent: true }),
			});
			assert.equal(registered.status, 202);
			const link = await mailedLink(data.path, "logs@example.com");
			const linkToken = link.split("token=")[1] as string;
			const verified = await getJson(`${url}/api/auth/verify?token=${linkToken}`);
			assert.equal(verified.status, 200);
			const session = verified.body.token as string;
			await getJson(`${url}/api/me`, { headers: { authorization: `Bearer ${session}` } });
			await getJson(`${url}/api/unsubscribe?token=${linkToken}`);
			await waitFor(() => output.includes("/api/unsubscribe"), { what: "the request lines in the log" });

			for (const [what, token] of [
				["link token", linkToken],
				["session token", session],
			] as const) {
				for (const part of token.split(".")) assert.ok(!output.includes(part), `the ${what} is in the log`);
			}
			assert.match(output, /\/api\/auth\/verify\?token=<redacted>/);
			assert.match(output, /Mail written to .*\.eml \(open it for its links\)/);
		} finally {
			child.kill("SIGTERM");
			await new Promise((resolve) => child.once("exit", resolve));
			data.remove();
		}
	});

	it("keeps a sent message's links out of deliveries.db (the file is rewritten after sending)", async () => {
		const data = tempDir();
		const system = await startSystem({ DATA_DIR: data.path });
		try {
			const mailer = system.broker.getLocalService("mailer") as unknown as { settings: MailerSettings };
			mailer.settings.compactAfterMs = 50;
			const registered = await getJson(`${system.url}/api/subscribers`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ email: "links@example.com", name: "Links", consent: true }),
			});
			assert.equal(registered.status, 202);
			const token = (await mailedLink(data.path, "links@example.com")).split("token=")[1] as string;
			const signature = token.split(".")[2] as string;
			const file = join(data.path, "deliveries.db");
			await waitFor(async () => !readFileSync(file, "utf8").includes(signature), {
				what: "deliveries.db without the sent link",
			});
			assert.match(readFileSync(file, "utf8"), /"status":"sent"/, "the delivery itself is kept");
		} finally {
			await system.stop();
			data.remove();
		}
	});
});
