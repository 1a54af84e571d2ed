/**
 * The embedded durable queue's contract (lib/durable-queue.ts), on its own NeDB file: what
 * was published before a group started is delivered to it, every group gets every message,
 * oldest first; after a restart only what a group did not finish comes again; the same id
 * twice is one message; and messages stored before the queue kept them as JSON text read
 * the same. The queue keeps each group's pending ids in memory instead of searching its file
 * per message, so these are what that must not change.
 */
import assert from "node:assert/strict";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ServiceBroker } from "moleculer";
import { bindConfig } from "../../config.ts";
import { acquireQueue, type DurableQueue, releaseQueue } from "../../lib/durable-queue.ts";
import { tempDir, testClock, testConfig, waitFor } from "../harness.ts";

type Messages = { "test.subject": { n: number }; "work.inbox": { n: number }; "work.counts": { n: number } };

describe("the embedded queue", () => {
	const data = tempDir();
	const clock = testClock();
	const brokers: ServiceBroker[] = [];
	after(async () => {
		for (const broker of brokers) await releaseQueue(broker);
		data.remove();
	});

	async function open(): Promise<{ broker: ServiceBroker; queue: DurableQueue<Messages> }> {
		const broker = new ServiceBroker({ logger: false, nodeID: `queue-${brokers.length}` });
		bindConfig(broker, testConfig({ DATA_DIR: data.path }, clock));
		brokers.push(broker);
		return { broker, queue: await acquireQueue<Messages>(broker) };
	}

	/** Handles `group`'s messages into a list; `fail(n)` makes that message's first attempt fail. */
	function consume(queue: DurableQueue<Messages>, group: string, fail?: (n: number) => boolean) {
		const handled: number[] = [];
		const failed = new Set<number>();
		const started = queue.consume(group, "test.subject", async ({ n }) => {
			if (fail?.(n) && !failed.has(n)) {
				failed.add(n);
				throw new Error(`first attempt at ${n}`);
			}
			handled.push(n);
		});
		return { handled, failed, started };
	}

	it("gives each group every message, those published before it started too, oldest first", async () => {
		const { broker, queue } = await open();
		for (const n of [1, 2]) {
			await queue.publish("test.subject", { n }, `m${n}`);
			clock.advance(1_000);
		}
		const first = consume(queue, "first");
		await first.started;
		await waitFor(() => first.handled.length === 2, { what: "the messages published before" });
		await queue.publish("test.subject", { n: 3 }, "m3");
		// The same id again is the same message: kept, and handled, once.
		await queue.publish("test.subject", { n: 3 }, "m3");
		clock.advance(1_000);
		const second = consume(queue, "second");
		await second.started;
		await waitFor(() => first.handled.length === 3 && second.handled.length === 3, { what: "every message" });
		await queue.publish("test.subject", { n: 4 }, "m4");
		await waitFor(() => first.handled.length === 4 && second.handled.length === 4, { what: "message 4" });
		assert.deepEqual(first.handled, [1, 2, 3, 4]);
		assert.deepEqual(second.handled, [1, 2, 3, 4]);
		await releaseQueue(broker);
	});

	it("after a restart gives each group only what it did not finish, a message stored before JSON text too", async () => {
		const { broker, queue } = await open();
		// Group "third" fails message 5's first attempt, then the node stops before the retry.
		const third = consume(queue, "third", (n) => n === 5);
		await third.started;
		await waitFor(() => third.handled.length === 4, { what: "the first four" });
		clock.advance(1_000);
		await queue.publish("test.subject", { n: 5 }, "m5");
		await waitFor(() => third.failed.has(5), { what: "message 5's failed attempt" });
		await releaseQueue(broker);
		// As a queue from before `body` wrote its messages: the payload as an object.
		appendFileSync(
			join(data.path, "queue.db"),
			`${JSON.stringify({ _id: "m6", subject: "test.subject", payload: { n: 6 }, done: {}, createdAt: clock.now() + 1_000 })}\n`,
		);
		clock.advance(2_000);

		const { queue: again } = await open();
		const first = consume(again, "first");
		const thirdAgain = consume(again, "third");
		await Promise.all([first.started, thirdAgain.started]);
		await waitFor(() => first.handled.length === 2 && thirdAgain.handled.length === 2, {
			what: "what was left",
		});
		assert.deepEqual(first.handled, [5, 6], "1-4 were done before the restart");
		assert.deepEqual(thirdAgain.handled, [5, 6], "5 failed once, so it comes again; then 6");
	});

	it("holds a background group's messages while foreground work is pending on the node, for yieldMs at most", async () => {
		const { broker, queue } = await open();
		const log: string[] = [];
		const gates = new Map<number, () => void>();
		// Foreground work that ends only when the test lets it (as a publication's match task).
		await queue.consume("inbox", "work.inbox", async ({ n }) => {
			log.push(`inbox ${n}`);
			await new Promise<void>((resolve) => gates.set(n, resolve));
			log.push(`inbox ${n} done`);
		});
		const counts = (group: string, yieldMs: number) =>
			queue.consume(group, "work.counts", async ({ n }) => void log.push(`${group} ${n}`), {
				background: { yieldMs },
			});
		await counts("counts", 60_000);

		await queue.publish("work.inbox", { n: 1 }, "i1");
		await waitFor(() => gates.has(1), { what: "the foreground message under way" });
		await queue.publish("work.counts", { n: 1 }, "c1");
		await sleep(300);
		assert.deepEqual(log, ["inbox 1"], "the count waits while the inbox work is pending");
		gates.get(1)?.();
		await waitFor(() => log.includes("counts 1"), { what: "the count once the inbox work is done" });
		assert.deepEqual(log, ["inbox 1", "inbox 1 done", "counts 1"]);

		// Foreground work that lasts: a group that yields 1 s at most goes ahead meanwhile, and
		// once it has yielded its share it keeps up (no second wait per message).
		await queue.publish("work.inbox", { n: 2 }, "i2");
		await waitFor(() => gates.has(2), { what: "the second foreground message under way" });
		let waited = performance.now();
		await counts("quick", 1_000);
		await waitFor(() => log.includes("quick 1"), { what: "the count after its yield" });
		assert.ok(performance.now() - waited >= 990, "it yielded first");
		waited = performance.now();
		await queue.publish("work.counts", { n: 2 }, "c2");
		await waitFor(() => log.includes("quick 2"), { what: "the next count" });
		assert.ok(performance.now() - waited < 900, "the next count did not wait its own second");
		assert.ok(!log.includes("counts 2"), "the group that yields a minute still waits");
		assert.ok(!log.includes("inbox 2 done"), "while the foreground work was still pending");
		gates.get(2)?.();
		await waitFor(() => log.includes("inbox 2 done") && log.includes("counts 2"), {
			what: "the foreground message done, then the other group's count",
		});
		await releaseQueue(broker);
	});
});
