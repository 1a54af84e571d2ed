/**
 * Moleculer over a real NATS: brokers in one process, each with its own NATS connection,
 * exactly as separate nodes would be.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { ServiceBroker } from "moleculer";
import { bindConfig } from "../../config.ts";
import { brokerOptions } from "../../moleculer.config.ts";
import { natsUrl, testConfig, uniqueNamespace, waitFor } from "../harness.ts";

const brokers: ServiceBroker[] = [];

function node(namespace: string, nodeId: string): ServiceBroker {
	const config = testConfig({
		TRANSPORTER: natsUrl,
		NAMESPACE: namespace,
		NODE_ID: nodeId,
		LOG_LEVEL: "error",
	});
	const broker = new ServiceBroker(brokerOptions(config));
	bindConfig(broker, config);
	brokers.push(broker);
	return broker;
}

after(async () => {
	await Promise.all(brokers.map((b) => b.stop().catch(() => {})));
});

describe("several nodes over NATS", () => {
	it("calls an action on another node", async () => {
		const ns = uniqueNamespace();
		const caller = node(ns, "caller");
		const worker = node(ns, "worker");
		worker.createService({
			name: "echo",
			actions: {
				hello: {
					params: { name: "string" },
					handler: (ctx) => ({ hello: ctx.params.name, from: ctx.broker.nodeID }),
				},
			},
		});
		await Promise.all([caller.start(), worker.start()]);
		await caller.waitForServices("echo", 10_000);
		const answer = await caller.call("echo.hello", { name: "Ana" });
		assert.deepEqual(answer, { hello: "Ana", from: "worker" });
		// Validation happens on the remote node and comes back as a 422.
		await assert.rejects(caller.call("echo.hello", { name: 42 }), { code: 422, type: "VALIDATION_ERROR" });
	});

	it("broadcasts an event to every instance, and emits it to one instance per group", async () => {
		const ns = uniqueNamespace();
		const source = node(ns, "source");
		const received: { kind: string; node: string }[] = [];
		const listeners = ["l1", "l2", "l3"].map((id) => {
			const broker = node(ns, id);
			broker.createService({
				name: "listener",
				events: {
					"thing.happened"(ctx) {
						received.push({ kind: (ctx.params as { kind: string }).kind, node: id });
					},
				},
			});
			return broker;
		});
		// A second group listening to the same event.
		const audit = node(ns, "audit");
		audit.createService({
			name: "audit",
			events: {
				"thing.happened"(ctx) {
					received.push({ kind: `${(ctx.params as { kind: string }).kind}/audit`, node: "audit" });
				},
			},
		});
		await Promise.all([source, ...listeners, audit].map((b) => b.start()));
		await source.waitForServices(["listener", "audit"], 10_000);
		await waitFor(
			() =>
				source.registry.getServiceList({ onlyAvailable: true }).filter((s) => s.name === "listener")
					.length === 3,
			{
				what: "three listener instances",
			},
		);

		source.broadcast("thing.happened", { kind: "broadcast" });
		await waitFor(() => received.filter((r) => r.kind === "broadcast").length === 3, {
			what: "broadcast to all",
		});
		assert.deepEqual(
			received
				.filter((r) => r.kind === "broadcast")
				.map((r) => r.node)
				.sort(),
			["l1", "l2", "l3"],
		);

		for (let i = 0; i < 6; i++) source.emit("thing.happened", { kind: "emit" });
		await waitFor(() => received.filter((r) => r.kind === "emit/audit").length === 6, {
			what: "emits to audit",
		});
		await new Promise((resolve) => setTimeout(resolve, 300));
		// Each emit reaches exactly one listener instance and the audit group once.
		assert.equal(received.filter((r) => r.kind === "emit").length, 6);
		assert.equal(received.filter((r) => r.kind === "emit/audit").length, 6);
		// The balancer spreads them: more than one listener instance did some of the work.
		assert.ok(new Set(received.filter((r) => r.kind === "emit").map((r) => r.node)).size > 1);
	});

	it("keeps serving calls when one instance of a service stops mid-test", async () => {
		const ns = uniqueNamespace();
		const caller = node(ns, "caller");
		const workers = ["w1", "w2"].map((id) => {
			const broker = node(ns, id);
			broker.createService({ name: "work", actions: { run: (ctx) => ctx.broker.nodeID } });
			return broker;
		});
		await Promise.all([caller, ...workers].map((b) => b.start()));
		await waitFor(
			() =>
				caller.registry.getServiceList({ onlyAvailable: true }).filter((s) => s.name === "work").length === 2,
			{
				what: "two work instances",
			},
		);
		const before = new Set(
			await Promise.all(Array.from({ length: 10 }, () => caller.call<string>("work.run"))),
		);
		assert.deepEqual([...before].sort(), ["w1", "w2"]);

		const [w1] = workers;
		const inFlight = Array.from({ length: 20 }, () => caller.call<string>("work.run"));
		await w1?.stop();
		const results = await Promise.all([
			...inFlight,
			...Array.from({ length: 20 }, () => caller.call<string>("work.run")),
		]);
		assert.equal(results.length, 40);
		const after = await Promise.all(Array.from({ length: 10 }, () => caller.call<string>("work.run")));
		assert.deepEqual([...new Set(after)], ["w2"]);
	});
});
