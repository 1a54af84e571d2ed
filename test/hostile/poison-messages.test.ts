/**
 * Hostile: a message its handler can never handle. Before, the embedded queue retried it
 * forever and every message behind it on the subject waited for good, and JetStream gave
 * up after 20 deliveries with only a log line. Now, after QUEUE_MAX_ATTEMPTS, it becomes a
 * dead letter an operator sees (GET /api/admin/dead-letters, the Operador page, a metric),
 * the messages behind it are handled, and once its cause is fixed the operator replays it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { acquireQueue, releaseQueue } from "../../lib/durable-queue.ts";
import { freePort, getJson, natsUrl, startSystem, uniqueNamespace, waitFor } from "../harness.ts";

const operator = "poison-operator-token-123";

for (const [label, env] of [
	["the embedded queue", {}],
	["JetStream", { TRANSPORTER: natsUrl, NAMESPACE: uniqueNamespace() }],
] as const)
	describe(`poison messages on ${label}`, () => {
		it("dead-letters a message that always fails, and handles the ones behind it", {
			timeout: 60_000,
		}, async () => {
			const metricsPort = await freePort();
			const system = await startSystem({
				...env,
				OPERATOR_TOKEN: operator,
				QUEUE_MAX_ATTEMPTS: "2",
				METRICS_PORT: String(metricsPort),
			});
			// A subject of the test's own, beside the services' (QueueMessages).
			const queue = await acquireQueue<{ "poison.subject": { name: string; poison?: boolean } }>(
				system.broker,
			);
			try {
				const handled: string[] = [];
				let fixed = false;
				await queue.consume("poison-test", "poison.subject", async (payload) => {
					if (payload.poison && !fixed) throw new Error(`cannot handle ${payload.name}`);
					handled.push(payload.name);
				});
				await queue.publish("poison.subject", { name: "<b>bad</b>", poison: true }, "m1");
				await queue.publish("poison.subject", { name: "good" }, "m2");
				await waitFor(() => handled.includes("good"), {
					timeoutMs: 30_000,
					what: "the message behind the poison",
				});

				const listed = await waitFor(
					async () => {
						const { status, body } = await getJson(`${system.url}/api/admin/dead-letters`, {
							headers: { authorization: `Bearer ${operator}` },
						});
						return status === 200 && body.total === 1 && body;
					},
					{ timeoutMs: 30_000, what: "the dead letter" },
				);
				const [letter] = listed.rows;
				assert.equal(letter.subject, "poison.subject");
				assert.equal(letter.group, "poison-test");
				assert.equal(letter.attempts, 2);
				assert.match(letter.error, /cannot handle <b>bad<\/b>/);
				assert.deepEqual(letter.payload, { name: "<b>bad</b>", poison: true });
				assert.deepEqual(handled, ["good"], "the poison never counted as handled");

				const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
				assert.match(
					metrics,
					/insights_queue_dead_letters_total\{[^}]*subject="poison.subject"[^}]*group="poison-test"[^}]*\} 1/,
				);
				const anonymous = await getJson(`${system.url}/api/admin/dead-letters`);
				assert.equal(anonymous.status, 401, "operators only");

				// The cause fixed, the operator replays it: handled once, and no longer a dead letter.
				fixed = true;
				const replay = (key: string, authorization = `Bearer ${operator}`) =>
					getJson(`${system.url}/api/admin/dead-letters/replay`, {
						method: "POST",
						headers: { authorization, "content-type": "application/json" },
						body: JSON.stringify({ key }),
					});
				assert.equal((await replay(letter.key, "Bearer wrong")).status, 403);
				assert.equal((await replay("no-such-letter")).status, 404);
				assert.equal((await replay(letter.key)).status, 200);
				await waitFor(() => handled.includes("<b>bad</b>"), { what: "the replayed message handled" });
				const after = await getJson(`${system.url}/api/admin/dead-letters`, {
					headers: { authorization: `Bearer ${operator}` },
				});
				assert.equal(after.body.total, 0, "replayed, so no longer a dead letter");
				assert.equal((await replay(letter.key)).status, 404, "replayed once");
				assert.deepEqual(handled, ["good", "<b>bad</b>"]);
			} finally {
				await releaseQueue(system.broker);
				await system.stop();
			}
		});
	});
