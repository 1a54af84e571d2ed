/**
 * The monitoring setup in monitoring/: promtool accepts the Prometheus config and the alert
 * rules and their unit tests pass; the Grafana provisioning points at that Prometheus; and
 * every metric the dashboard and the alerts query is one a running node really exports —
 * checked against a real node's /metrics after a collection, a subscriber signing up, a live
 * socket, e-mails retried and failed, and a circuit breaker opening.
 *
 * Moleculer's Prometheus reporter prints a metric (HELP/TYPE included) only once it has a
 * value, so everything the dashboard shows is made to happen here first.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Errors } from "moleculer";
import { io as connectSocket, type Socket } from "socket.io-client";
import { suitabilityFor } from "../fixtures/clients.ts";
import { type SmtpFixture, startSmtpFixture } from "../fixtures/smtp.ts";
import { freePort, getJson, type RunningSystem, startSystem, waitFor } from "../harness.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const monitoring = (path: string) => fileURLToPath(new URL(`../../monitoring/${path}`, import.meta.url));

// ---------------------------------------------------------------- promtool

function promtool(...args: string[]): string {
	const result = spawnSync("promtool", args, { cwd: root, encoding: "utf8" });
	if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT")
		assert.fail(
			"promtool is not installed: install Debian's prometheus package (apt-get install prometheus).",
		);
	if (result.error) throw result.error;
	const output = `${result.stdout}${result.stderr}`;
	assert.equal(result.status, 0, `promtool ${args.join(" ")} failed:\n${output}`);
	return output;
}

describe("Prometheus configuration (promtool)", () => {
	it("accepts prometheus.yml and the rule file it loads", () => {
		const output = promtool("check", "config", "monitoring/prometheus/prometheus.yml");
		assert.match(output, /SUCCESS: .*prometheus\.yml is valid/);
		assert.match(output, /SUCCESS: 1 rule files found/);
	});

	it("accepts alerts.yml", () => {
		assert.match(promtool("check", "rules", "monitoring/prometheus/alerts.yml"), /SUCCESS: \d+ rules found/);
	});

	it("passes the alert unit tests (each alert fires, and stays quiet, when it should)", () => {
		assert.match(promtool("test", "rules", "monitoring/prometheus/alerts.test.yml"), /SUCCESS/);
	});

	it("scrapes every app container of docker-compose.yaml on :3030", () => {
		const config = readFileSync(monitoring("prometheus/prometheus.yml"), "utf8");
		const targets = [...config.matchAll(/^\s*- ([\w.-]+):3030\s*$/gm)].map((m) => m[1]);
		assert.deepEqual(targets.sort(), [
			"analytics",
			"api",
			"catalogue",
			"collector",
			"live-1",
			"live-2",
			"mailer",
			"market",
			"matcher-1",
			"matcher-2",
			"notifications",
			"subscribers",
		]);
	});
});

// ---------------------------------------------------------------- PromQL → metric names

/**
 * The metric names a PromQL expression reads: what is left once strings, label matchers,
 * range/duration brackets, grouping label lists, functions/aggregations (an identifier
 * followed by "("), keywords and numbers are taken out.
 */
function metricNames(expr: string): string[] {
	const keywords = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "bool"]);
	const keywordsAlways = new Set(["and", "or", "unless", "offset", "inf", "nan"]);
	const stripped = expr
		.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, " ")
		.replace(/\{[^}]*\}/g, " ")
		.replace(/\[[^\]]*\]/g, " ")
		.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
		.replace(/\$\w+/g, " ");
	const names = new Set<string>();
	for (const match of stripped.matchAll(/[A-Za-z_:][\w:]*/g)) {
		const name = match[0];
		const rest = stripped.slice((match.index ?? 0) + name.length);
		if (/^\s*\(/.test(rest)) continue; // a function or an aggregation
		if (keywords.has(name) || keywordsAlways.has(name.toLowerCase())) continue;
		if (/^\d/.test(name)) continue;
		names.add(name);
	}
	return [...names];
}

interface Panel {
	type: string;
	title: string;
	datasource?: { type: string; uid: string };
	gridPos: { h: number; w: number; x: number; y: number };
	targets?: { expr: string; refId: string }[];
	panels?: Panel[];
}

interface Dashboard {
	uid: string;
	schemaVersion: number;
	panels: Panel[];
	templating: { list: { name: string; query: string | { query: string } }[] };
}

const dashboard = JSON.parse(
	readFileSync(monitoring("grafana/dashboards/insights.json"), "utf8"),
) as Dashboard;
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== "row");
const panelExprs = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
const variableQueries = dashboard.templating.list.map((v) => ({
	name: v.name,
	query: typeof v.query === "string" ? v.query : v.query.query,
}));

/** Every `expr:` of alerts.yml, single-line or a `|`/`>` block. */
function ruleExprs(yaml: string): string[] {
	const lines = yaml.split("\n");
	const exprs: string[] = [];
	lines.forEach((line, i) => {
		const m = /^(\s*)expr:\s*(.*)$/.exec(line);
		if (!m) return;
		const [, indent = "", value = ""] = m;
		if (!/^[|>][-+]?$/.test(value.trim())) {
			exprs.push(value.replace(/^(["'])(.*)\1$/, "$2"));
			return;
		}
		const block: string[] = [];
		for (const next of lines.slice(i + 1)) {
			if (next.trim() !== "" && next.search(/\S/) <= indent.length) break;
			block.push(next);
		}
		exprs.push(block.join("\n"));
	});
	return exprs;
}

const alertsYaml = readFileSync(monitoring("prometheus/alerts.yml"), "utf8");
const alertExprs = ruleExprs(alertsYaml);

describe("PromQL metric names", () => {
	it("are read out of expressions without functions, labels, ranges or keywords", () => {
		assert.deepEqual(
			metricNames(
				'histogram_quantile(0.95, sum by (action, le) (rate(moleculer_request_time_bucket{nodeID=~"$nodeID", type="local"}[$__rate_interval])))',
			),
			["moleculer_request_time_bucket"],
		);
		assert.deepEqual(
			metricNames(
				"(sum(increase(a_total[15m])) or vector(0)) / (sum(increase(b_total[15m])) + sum without (x) (a_total)) > 0.05 and on () up == 0",
			),
			["a_total", "b_total", "up"],
		);
		assert.deepEqual(metricNames('time() - max(g{l="x"}) > 86400 or absent(g)'), ["g"]);
	});

	it("are found in every dashboard panel and every alert rule", () => {
		assert.ok(panelExprs.length >= 20, `only ${panelExprs.length} panel queries`);
		for (const { panel, expr } of panelExprs)
			assert.ok(metricNames(expr).length > 0, `no metric in "${panel}": ${expr}`);
		assert.ok(alertExprs.length >= 5, `only ${alertExprs.length} rule expressions`);
		for (const expr of alertExprs) assert.ok(metricNames(expr).length > 0, `no metric in ${expr}`);
	});
});

// ---------------------------------------------------------------- Grafana files

describe("Grafana provisioning and dashboard", () => {
	it("provisions the compose Prometheus as the default datasource, uid prometheus", () => {
		const yaml = readFileSync(monitoring("grafana/provisioning/datasources/prometheus.yml"), "utf8");
		assert.match(yaml, /^apiVersion: 1$/m);
		assert.match(yaml, /^\s+uid: prometheus$/m);
		assert.match(yaml, /^\s+type: prometheus$/m);
		assert.match(yaml, /^\s+url: http:\/\/prometheus:9090$/m);
		assert.match(yaml, /^\s+isDefault: true$/m);
	});

	it("loads dashboards from the folder compose mounts", () => {
		const yaml = readFileSync(monitoring("grafana/provisioning/dashboards/insights.yml"), "utf8");
		assert.match(yaml, /^apiVersion: 1$/m);
		assert.match(yaml, /^\s+type: file$/m);
		assert.match(yaml, /^\s+path: \/var\/lib\/grafana\/dashboards$/m);
	});

	it("is a dashboard Grafana can load: uid, schema, variables, panels on the grid", () => {
		assert.equal(dashboard.uid, "insights");
		assert.ok(
			dashboard.schemaVersion >= 36 && dashboard.schemaVersion <= 41,
			`schemaVersion ${dashboard.schemaVersion}`,
		);
		assert.deepEqual(
			variableQueries.map((v) => v.name),
			["namespace", "nodeID"],
		);
		const ids = dashboard.panels.map((p) => (p as unknown as { id: number }).id);
		assert.equal(new Set(ids).size, ids.length, "panel ids are unique");
		const cells = new Map<string, string>();
		for (const p of dashboard.panels)
			for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
				for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
					const other = cells.get(`${x},${y}`);
					assert.equal(other, undefined, `"${p.title}" overlaps "${other}"`);
					cells.set(`${x},${y}`, p.title);
				}
		for (const p of panels) {
			assert.deepEqual(p.datasource, { type: "prometheus", uid: "prometheus" }, p.title);
			assert.ok((p.targets ?? []).length > 0, `${p.title} has queries`);
			assert.ok(p.gridPos.x >= 0 && p.gridPos.x + p.gridPos.w <= 24, `${p.title} fits the 24-column grid`);
			const refIds = (p.targets ?? []).map((t) => t.refId);
			assert.equal(new Set(refIds).size, refIds.length, `${p.title}: unique refIds`);
		}
	});

	it("filters every query by the namespace and node variables (only `up` has no such labels)", () => {
		for (const { panel, expr } of panelExprs) {
			if (metricNames(expr).every((name) => name === "up")) continue;
			assert.match(expr, /namespace=~"\$namespace"/, `${panel}: ${expr}`);
			assert.match(expr, /nodeID=~"\$nodeID"/, `${panel}: ${expr}`);
		}
	});

	it("has the panels operators need", () => {
		const titles = panels.map((p) => p.title).join("\n");
		for (const wanted of [
			/Requests per second by action/,
			/Latency p95 by action/,
			/Errors per second by action/,
			/Circuit breakers/,
			/Collector runs/,
			/Collector run duration/,
			/Products published/,
			/Matches/,
			/Notifications created/,
			/E-mails/,
			/Sockets connected/,
			/Event-loop lag/,
			/Memory/,
		])
			assert.match(titles, wanted);
	});
});

// ---------------------------------------------------------------- against a real node

/** Sample names of a Prometheus text exposition (foo_bucket, foo_sum… as printed), with their label names. */
function exported(text: string): Map<string, Set<string>> {
	const names = new Map<string, Set<string>>();
	for (const line of text.split("\n")) {
		if (line === "" || line.startsWith("#")) continue;
		const name = /^[A-Za-z_:][\w:]*/.exec(line)?.[0];
		if (!name) continue;
		const labels = names.get(name) ?? new Set<string>();
		const block = /^[^{\s]*\{(.*)\}\s/.exec(line)?.[1] ?? "";
		for (const m of block.matchAll(/(?:^|,)\s*(\w+)="(?:[^"\\]|\\.)*"/g)) if (m[1]) labels.add(m[1]);
		names.set(name, labels);
	}
	return names;
}

/** Labels an expression matches on or groups by (not those in strings, e.g. legends). */
function labelNames(expr: string): string[] {
	const labels = new Set<string>();
	const noStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
	for (const [, block = ""] of noStrings.matchAll(/\{([^}]*)\}/g))
		for (const m of block.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)) if (m[1]) labels.add(m[1]);
	for (const [, list = ""] of noStrings.matchAll(
		/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g,
	))
		for (const label of list.split(",")) if (label.trim()) labels.add(label.trim());
	return [...labels];
}

/** Labels Prometheus adds to every scraped series (prometheus.yml). */
const targetLabels = new Set(["job", "instance", "container"]);

/** What the dashboard (panels and variables) and the alerts read, except what Prometheus makes. */
function queried(): Map<string, string[]> {
	const where = new Map<string, string[]>();
	const add = (name: string, place: string) =>
		where.set(name, [...new Set([...(where.get(name) ?? []), place])]);
	for (const { panel, expr } of panelExprs)
		for (const name of metricNames(expr)) add(name, `panel "${panel}"`);
	for (const { name, query } of variableQueries) {
		const metric = /label_values\(\s*([A-Za-z_:][\w:]*)/.exec(query)?.[1];
		if (metric) add(metric, `variable ${name}`);
		else for (const m of metricNames(query)) add(m, `variable ${name}`);
	}
	for (const expr of alertExprs) for (const name of metricNames(expr)) add(name, "alerts.yml");
	where.delete("up");
	return where;
}

describe("every metric the dashboard and the alerts query, on a running node", () => {
	let smtp: SmtpFixture;
	let system: RunningSystem;
	let metricsUrl: string;
	let socket: Socket | undefined;
	const received: unknown[] = [];

	before(async () => {
		smtp = await startSmtpFixture();
		const port = await freePort();
		metricsUrl = `http://127.0.0.1:${port}/metrics`;
		system = await startSystem({
			METRICS_PORT: String(port),
			SMTP_URL: smtp.url,
			PRICES_PROVIDER: "sample",
			LOG_LEVEL: "error",
		});
		// Retries within the test instead of 30 s later.
		const mailer = system.broker.getLocalService("mailer") as unknown as { settings: object };
		Object.assign(mailer.settings, {
			retry: { baseMs: 100, maxMs: 500, maxAttempts: 5 },
			sweepIntervalMs: 200,
		});
	});

	after(async () => {
		socket?.close();
		await system?.stop();
		await smtp?.close();
	});

	it("makes every series happen, then finds each one on /metrics", async () => {
		// A subscriber signs up (verify e-mail over SMTP) and verifies; interested in every fund.
		const email = "monitoring@example.com";
		const registered = await getJson(`${system.url}/api/subscribers`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({
				email,
				name: "Mona",
				consent: true,
				suitability: suitabilityFor("aggressive"),
				interests: { fund: {} },
			}),
		});
		assert.equal(registered.status, 202, JSON.stringify(registered.body));
		const link = await waitFor(
			() => {
				const mail = smtp.messages.find((m) => m.envelope.to.includes(email));
				return mail && /\/verificar\?token=([\w.-]+)/.exec(mail.parsed.text ?? "")?.[1];
			},
			{ what: "the verification e-mail" },
		);
		const verified = await getJson(`${system.url}/api/auth/verify?token=${link}`);
		assert.equal(verified.status, 200, JSON.stringify(verified.body));

		// Their live socket.
		socket = connectSocket(`${system.url}/live`, {
			path: "/socket.io",
			auth: { token: verified.body.token },
			transports: ["websocket"],
			reconnection: false,
		});
		socket.on("notification", (n) => received.push(n));
		await new Promise<void>((resolve, reject) => {
			socket?.once("connect", () => resolve());
			socket?.once("connect_error", reject);
		});

		// A collection: runs, sources, publication, matches, notifications, live delivery, analytics.
		await system.broker.call("collector.run", {});
		await waitFor(() => received.length > 0, { what: "a notification on the live socket" });

		// An e-mail retried (transient 451) and one failed for good (permanent 550).
		const send = (token: string) =>
			system.broker.call("mailer.send", {
				to: "ana@example.com",
				template: "verify",
				locale: "pt-BR",
				data: { name: "Ana", link: `${system.config.publicUrl}/verificar?token=${token}` },
			});
		smtp.refuseNext(1, 451);
		await send("retried");
		await waitFor(() => smtp.messages.some((m) => m.parsed.text?.includes("token=retried")), {
			what: "the retried e-mail sent",
		});
		smtp.refuseNext(1, 550);
		await send("refused");

		// A few API requests, one failing.
		assert.equal((await getJson(`${system.url}/api/health`)).status, 200);
		assert.equal((await getJson(`${system.url}/api/products?pageSize=5`)).status, 200);
		assert.equal((await getJson(`${system.url}/api/products/nope:fund:0`)).status, 404);

		// A circuit breaker opening: an action failing with server errors, its breaker tuned to
		// open after 4 calls and half-open 100 ms later.
		system.broker.createService({
			name: "monitoringprobe",
			actions: {
				fail: {
					circuitBreaker: { minRequestCount: 4, threshold: 0.5, halfOpenTime: 100 },
					handler() {
						throw new Errors.MoleculerError("Probe failure", 500, "PROBE_FAILURE");
					},
				},
			},
		} as Parameters<typeof system.broker.createService>[0]);
		await system.broker.waitForServices("monitoringprobe");
		for (let i = 0; i < 6; i++) await system.broker.call("monitoringprobe.fail").catch(() => undefined);

		const wanted = queried();
		let names = new Map<string, Set<string>>();
		let missing: string[] = [];
		try {
			await waitFor(
				async () => {
					names = exported(await (await fetch(metricsUrl)).text());
					missing = [...wanted.keys()].filter((name) => !names.has(name));
					return missing.length === 0;
				},
				{ timeoutMs: 15_000, intervalMs: 250, what: "every queried metric on /metrics" },
			);
		} catch {
			assert.fail(
				`Not exported by the node:\n${missing.map((name) => `  ${name} (${wanted.get(name)?.join(", ")})`).join("\n")}`,
			);
		}
		assert.ok(wanted.size >= 25, `only ${wanted.size} metric names queried`);

		// …and every label a query filters or groups by is one those metrics carry.
		const queries = [...panelExprs, ...alertExprs.map((expr) => ({ panel: "alerts.yml", expr }))];
		for (const { panel, expr } of queries) {
			const metrics = metricNames(expr);
			const known = new Set([...targetLabels, ...metrics.flatMap((m) => [...(names.get(m) ?? [])])]);
			if (metrics.includes("up")) continue;
			const unknown = labelNames(expr).filter((label) => !known.has(label));
			assert.deepEqual(unknown, [], `${panel}: labels not on ${metrics.join(", ")}: ${expr}`);
		}
	});
});
