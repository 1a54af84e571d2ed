import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../config.ts";
import { serviceNames } from "../../services/index.ts";

describe("config", () => {
	it("has the documented defaults", () => {
		const config = loadConfig({});
		assert.equal(config.port, 3000);
		assert.equal(config.dataDir, resolve("./data"));
		assert.equal(config.transporter, undefined);
		assert.deepEqual(config.services, [...serviceNames]);
		assert.equal(config.logLevel, "info");
		assert.equal(config.metricsPort, 3030);
		assert.equal(config.tracing, "off");
		assert.equal(config.mongoUri, undefined);
		assert.equal(config.operatorToken, undefined);
		assert.equal(config.publicUrl, "http://localhost:3000");
		assert.equal(config.natsUrl, "nats://127.0.0.1:4222");
	});

	it("reads every variable", () => {
		const config = loadConfig({
			PORT: "8080",
			DATA_DIR: "/tmp/x",
			TRANSPORTER: "nats://n1:4222",
			SERVICES: " api , products,api",
			NODE_ID: "gateway-1",
			LOG_LEVEL: "debug",
			METRICS_PORT: "0",
			TRACING: "console",
			MONGO_URI: "mongodb://db:27017/insights",
			OPERATOR_TOKEN: "0123456789abcdef-operator",
			PUBLIC_URL: "https://insights.example.com/",
		});
		assert.equal(config.port, 8080);
		assert.equal(config.dataDir, "/tmp/x");
		assert.equal(config.transporter, "nats://n1:4222");
		assert.deepEqual(config.services, ["api", "products"]);
		assert.equal(config.nodeId, "gateway-1");
		assert.equal(config.logLevel, "debug");
		assert.equal(config.metricsPort, 0);
		assert.equal(config.tracing, "console");
		assert.equal(config.mongoUri, "mongodb://db:27017/insights");
		assert.equal(config.operatorToken, "0123456789abcdef-operator");
		assert.equal(config.publicUrl, "https://insights.example.com");
	});

	const bad: [string, string][] = [
		["PORT", "abc"],
		["PORT", "70000"],
		["PORT", "-1"],
		["METRICS_PORT", "3.5"],
		["TRANSPORTER", "foo"],
		["TRANSPORTER", "redis://localhost:6379"],
		["NATS_URL", "localhost"],
		["SERVICES", "api,nope"],
		["SERVICES", ","],
		["LOG_LEVEL", "loud"],
		["TRACING", "jaeger"],
		["MONGO_URI", "postgres://x"],
		["OPERATOR_TOKEN", "short"],
		["PUBLIC_URL", "ftp://x"],
		["NODE_ID", "has space"],
		["CACHER", "memcached://x"],
		["PRICES_PROVIDER", "bloomberg"],
		["YAHOO_BASE_URL", "not a url"],
		["YAHOO_TIMEOUT_MS", "fast"],
	];
	for (const [variable, value] of bad) {
		it(`rejects ${variable}=${value} with a message naming the variable`, () => {
			assert.throws(
				() => loadConfig({ [variable]: value }),
				(err: Error) => err instanceof ConfigError && err.message.startsWith(`Invalid ${variable}=`),
			);
		});
	}

	it("never prints a rejected secret", () => {
		assert.throws(
			() => loadConfig({ OPERATOR_TOKEN: "tooshortsecret" }),
			(err: Error) => !err.message.includes("tooshortsecret"),
		);
	});
});
