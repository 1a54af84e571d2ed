/**
 * Builds a node: a broker from the configuration with the services it should run.
 * Used by index.ts (a real process) and by the tests (many nodes in one process).
 */
import { mkdirSync } from "node:fs";
import { ServiceBroker } from "moleculer";
import { bindConfig, type Config } from "./config.ts";
import { trackEventLoopLag } from "./lib/domain-metrics.ts";
import { brokerOptions } from "./moleculer.config.ts";
import { bindSources, sourcesForNode } from "./services/collector/sources.ts";
import { loadServiceSchemas } from "./services/index.ts";

export async function createNode(config: Config): Promise<ServiceBroker> {
	mkdirSync(config.dataDir, { recursive: true });
	const broker = new ServiceBroker(brokerOptions(config));
	bindConfig(broker, config);
	const sources = sourcesForNode(config);
	if (sources) bindSources(broker, sources);
	// Moleculer 0.15 has no event-loop metric of its own; the dashboard shows ours per node.
	trackEventLoopLag(broker);
	for (const name of config.services) {
		for (const schema of await loadServiceSchemas(name)) broker.createService(schema);
	}
	return broker;
}

export async function startNode(config: Config): Promise<ServiceBroker> {
	const broker = await createNode(config);
	await broker.start();
	return broker;
}
