/**
 * The project's Prometheus configuration in a real Prometheus (Debian's /usr/bin/prometheus)
 * scraping a running node: the same job, relabelling and alert rules as
 * monitoring/prometheus/prometheus.yml, only the targets swapped for the test node's metrics
 * port and the intervals shortened. Prometheus parses Moleculer's exposition, loads the
 * rules, and a collection shows up in the domain counters through its query API.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort, getJson, type RunningSystem, startSystem, tempDir, waitFor } from "../harness.ts";

const prometheusBin = process.env.PROMETHEUS_BIN || "/usr/bin/prometheus";
const projectConfig = fileURLToPath(new URL("../../monitoring/prometheus/prometheus.yml", import.meta.url));
const projectRules = fileURLToPath(new URL("../../monitoring/prometheus/alerts.yml", import.meta.url));

/** prometheus.yml with the insights job's targets replaced and 1 s intervals. */
function testConfig(yaml: string, target: string): string {
	let replaced = 0;
	const config = yaml
		.replace(/^(\s*)- targets:\n(?:\1 {4}- .*\n)+/m, (_all, indent: string) => {
			replaced++;
			return `${indent}- targets:\n${indent}    - ${target}\n`;
		})
		.replace(/^(\s+)(scrape_interval|scrape_timeout|evaluation_interval): .*$/gm, "$1$2: 1s");
	assert.equal(replaced, 1, "one static target list (the insights job) in prometheus.yml");
	return config;
}

interface Sample {
	metric: Record<string, string>;
	value: [number, string];
}

describe("the project's Prometheus configuration against a running node", () => {
	const dir = tempDir("insights-prometheus-");
	let system: RunningSystem;
	let prometheus: ChildProcess | undefined;
	let prometheusUrl = "";
	let metricsPort = 0;
	let log = "";

	const query = async (promql: string): Promise<Sample[]> => {
		const { status, body } = await getJson(
			`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`,
		);
		assert.equal(status, 200, `${promql}: ${JSON.stringify(body)}`);
		assert.equal(body.status, "success");
		return body.data.result as Sample[];
	};
	const scalar = async (promql: string): Promise<number | undefined> => {
		const [sample] = await query(promql);
		return sample ? Number(sample.value[1]) : undefined;
	};

	before(async () => {
		assert.ok(
			existsSync(prometheusBin),
			`${prometheusBin} is missing: install Debian's prometheus package (apt-get install prometheus).`,
		);
		metricsPort = await freePort();
		system = await startSystem({
			METRICS_PORT: String(metricsPort),
			PRICES_PROVIDER: "sample",
			LOG_LEVEL: "error",
		});

		const config = join(dir.path, "prometheus.yml");
		writeFileSync(config, testConfig(readFileSync(projectConfig, "utf8"), `127.0.0.1:${metricsPort}`));
		copyFileSync(projectRules, join(dir.path, "alerts.yml"));
		const port = await freePort();
		prometheusUrl = `http://127.0.0.1:${port}`;
		prometheus = spawn(
			prometheusBin,
			[
				`--config.file=${config}`,
				`--storage.tsdb.path=${join(dir.path, "data")}`,
				`--web.listen-address=127.0.0.1:${port}`,
				"--log.level=warn",
			],
			{ stdio: ["ignore", "pipe", "pipe"] },
		);
		prometheus.stdout?.on("data", (chunk) => {
			log += chunk;
		});
		prometheus.stderr?.on("data", (chunk) => {
			log += chunk;
		});
		const exited = new Promise<never>((_resolve, reject) =>
			prometheus?.once("exit", (code) => reject(new Error(`prometheus exited with ${code}:\n${log}`))),
		);
		exited.catch(() => undefined);
		await Promise.race([
			exited,
			waitFor(async () => (await fetch(`${prometheusUrl}/-/ready`)).ok, {
				timeoutMs: 20_000,
				what: "Prometheus ready",
			}),
		]);
	});

	after(async () => {
		if (prometheus && prometheus.exitCode === null) {
			const exited = new Promise((resolve) => prometheus?.once("exit", resolve));
			prometheus.kill("SIGTERM");
			await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
			if (prometheus.exitCode === null) prometheus.kill("SIGKILL");
		}
		await system?.stop();
		dir.remove();
	});

	it("scrapes the node: up = 1, with the container label from the address", async () => {
		const [up] = await waitFor(
			async () => {
				const result = await query('up{job="insights"}');
				return result.length > 0 && result[0]?.value[1] === "1" && result;
			},
			{ timeoutMs: 15_000, intervalMs: 250, what: `up{job="insights"} = 1 (log:\n${log})` },
		);
		assert.equal(up?.metric.instance, `127.0.0.1:${metricsPort}`);
		assert.equal(up?.metric.container, "127.0.0.1");
		const { body } = await getJson(`${prometheusUrl}/api/v1/targets?state=active`);
		const target = body.data.activeTargets.find(
			(t: { labels: { job: string } }) => t.labels.job === "insights",
		);
		assert.equal(target.health, "up", target.lastError);
		// Moleculer's own labels come through untouched: no clash with the target labels.
		const node = await query(`process_uptime{job="insights", nodeID="${system.broker.nodeID}"}`);
		assert.equal(node[0]?.metric.namespace, system.config.namespace);
	});

	it("loads alerts.yml: every alert of the project is evaluated", async () => {
		const rules = await waitFor(
			async () => {
				const { body } = await getJson(`${prometheusUrl}/api/v1/rules?type=alert`);
				const alerts = (body.data.groups as { rules: { name: string; health: string }[] }[]).flatMap(
					(g) => g.rules,
				);
				return alerts.length > 0 && alerts.every((r) => r.health === "ok") && alerts;
			},
			{ timeoutMs: 15_000, intervalMs: 250, what: "alert rules evaluated" },
		);
		const names = [...new Set(rules.map((r) => r.name))].sort();
		for (const wanted of ["MailFailureRateHigh", "NoPublication24h", "NodeDown", "SourceFailing"])
			assert.ok(names.includes(wanted), `${wanted} in ${names.join(", ")}`);
	});

	it("shows a collection in the domain counters", async () => {
		const runs = 'sum(insights_collector_runs_total{job="insights"})';
		const published = 'sum(insights_products_published_total{job="insights"})';
		// Scraped at least once more since the node started, so "before" is a real reading.
		await waitFor(async () => (await scalar('count(up{job="insights"} == 1)')) === 1, {
			what: "the node scraped",
		});
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		const runsBefore = (await scalar(runs)) ?? 0;
		const publishedBefore = (await scalar(published)) ?? 0;

		await system.broker.call("collector.run", {});

		const runsAfter = await waitFor(
			async () => {
				const value = await scalar(runs);
				return value !== undefined && value > runsBefore && value;
			},
			{ timeoutMs: 15_000, intervalMs: 250, what: `${runs} above ${runsBefore}` },
		);
		assert.equal(runsAfter, runsBefore + 1);
		const publishedAfter = await waitFor(
			async () => {
				const value = await scalar(published);
				return value !== undefined && value > publishedBefore && value;
			},
			{ timeoutMs: 15_000, intervalMs: 250, what: `${published} above ${publishedBefore}` },
		);
		assert.ok(publishedAfter > publishedBefore);
		// The dashboard's kind of query works on what Prometheus stored.
		await waitFor(
			async () =>
				(await scalar('sum(rate(moleculer_request_total{job="insights", type="local"}[1m]))')) ?? false,
			{ timeoutMs: 15_000, intervalMs: 250, what: "a request rate" },
		);
	});
});
