/**
 * The insights_* metrics on a real node's Prometheus /metrics: a verified client with a live
 * socket, a collector run, the publication, matches, notifications, live deliveries and
 * e-mails it leads to — each counted once, under the exact names monitoring/ alerts on, with
 * the node's namespace and nodeID. Then the collector's failing streaks: read back from the
 * stored run history at start, then following ok, partial and failed runs.
 */
import assert from "node:assert/strict";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ServiceBroker } from "moleculer";
import { io as connectSocket, type Socket } from "socket.io-client";
import { type CollectorRunSummary, matchOf } from "../../domain/contracts.ts";
import type { MatchReason } from "../../domain/notification.ts";
import type { Publication } from "../../domain/publication.ts";
import { domainMetrics, eventLoopLag, metric, trackEventLoopLag } from "../../lib/domain-metrics.ts";
import { analyticsMetricNames } from "../../services/analytics/prometheus.ts";
import type { MailerSettings } from "../../services/mailer/mailer.service.ts";
import { sampleData } from "../../services/mailer/samples.ts";
import type { MailTransport } from "../../services/mailer/transport.ts";
import { type Client, inbox, verifiedClient } from "../fixtures/clients.ts";
import { freePort, getJson, type RunningSystem, startSystem, tempDir, waitFor } from "../harness.ts";

// --- The Prometheus text exposition format, parsed -------------------------------------------

interface Sample {
	name: string;
	labels: Record<string, string>;
	value: number;
}

interface Scrape {
	samples: Sample[];
	/** `# TYPE` of each metric family. */
	types: Map<string, string>;
}

function parseValue(text: string): number {
	if (text === "+Inf") return Number.POSITIVE_INFINITY;
	if (text === "-Inf") return Number.NEGATIVE_INFINITY;
	if (text === "NaN") return Number.NaN;
	const value = Number(text);
	if (text === "" || Number.isNaN(value)) throw new Error(`not a sample value: ${JSON.stringify(text)}`);
	return value;
}

function unescapeLabel(value: string): string {
	return value.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
}

function parseExposition(text: string): Scrape {
	const samples: Sample[] = [];
	const types = new Map<string, string>();
	for (const raw of text.split("\n")) {
		const line = raw.trim();
		if (line === "") continue;
		if (line.startsWith("#")) {
			const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
			if (type) types.set(type[1] as string, type[2] as string);
			continue;
		}
		const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
		if (!name) throw new Error(`not a sample: ${line}`);
		let rest = line.slice(name.length);
		const labels: Record<string, string> = {};
		if (rest.startsWith("{")) {
			rest = rest.slice(1);
			const pair = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/;
			for (let m = pair.exec(rest); m; m = pair.exec(rest)) {
				labels[m[1] as string] = unescapeLabel(m[2] as string);
				rest = rest.slice(m[0].length);
			}
			if (!rest.startsWith("}")) throw new Error(`unterminated labels: ${line}`);
			rest = rest.slice(1);
		}
		// A value, then an optional timestamp.
		const [value = ""] = rest.trim().split(/\s+/);
		samples.push({ name, labels, value: parseValue(value) });
	}
	return { samples, types };
}

function matching(scrape: Scrape, name: string, labels: Record<string, string> = {}): Sample[] {
	return scrape.samples.filter(
		(s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
	);
}

/** The one sample of `name` with these labels (others may differ); fails when absent or ambiguous. */
function one(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
	const found = matching(scrape, name, labels);
	assert.equal(found.length, 1, `one sample of ${name}${JSON.stringify(labels)}, found ${found.length}`);
	return (found[0] as Sample).value;
}

function sumOf(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
	return matching(scrape, name, labels).reduce((sum, s) => sum + s.value, 0);
}

async function scrape(url: string): Promise<Scrape> {
	const res = await fetch(url);
	assert.equal(res.status, 200);
	assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
	return parseExposition(await res.text());
}

// --- The flow ---------------------------------------------------------------------------------

interface LocalMailer {
	settings: MailerSettings;
	transport: MailTransport;
}

describe("domain metrics on a node's /metrics", () => {
	const data = tempDir();
	let system: RunningSystem;
	let metricsUrl: string;
	let client: Client;
	let socket: Socket | undefined;
	const received: { id: string }[] = [];
	let summary: CollectorRunSummary;
	let publication: Publication;
	const read = () => scrape(metricsUrl);
	const notificationsService = () =>
		system.broker.getLocalService("notifications") as unknown as {
			adapter: { count(filter: object): Promise<number> };
		};

	before(async () => {
		const port = await freePort();
		system = await startSystem({
			DATA_DIR: data.path,
			METRICS_PORT: String(port),
			PRICES_PROVIDER: "sample",
		});
		metricsUrl = `http://127.0.0.1:${port}/metrics`;
		const mailer = system.broker.getLocalService("mailer") as unknown as LocalMailer;
		Object.assign(mailer.settings, {
			retry: { baseMs: 50, maxMs: 100, maxAttempts: 2 },
			sweepIntervalMs: 200,
			digestIntervalMs: 3_600_000,
			immediateSettleMs: 0,
		});
	});

	after(async () => {
		socket?.close();
		await system?.stop();
		data.remove();
	});

	it("exports every insights_* metric, zeros included, with the node's namespace and nodeID", async () => {
		const metrics = await read();
		for (const spec of Object.values(domainMetrics)) {
			if (spec.name === domainMetrics.collectorRunDuration.name) continue; // no run observed yet
			if (spec.name === domainMetrics.analyticsLastPublication.name) continue; // nothing published yet
			if (spec.name === domainMetrics.pipelineStage.name) continue; // no stage has worked yet
			assert.equal(metrics.types.get(spec.name), spec.type, `# TYPE ${spec.name} ${spec.type}`);
		}
		assert.equal(one(metrics, domainMetrics.matcherSubscriptions.name), 0);
		assert.equal(one(metrics, domainMetrics.collectorRuns.name, { trigger: "manual", status: "ok" }), 0);
		assert.equal(one(metrics, domainMetrics.mailFailed.name, { template: "verify" }), 0);
		assert.equal(one(metrics, domainMetrics.liveSockets.name), 0);
		const ours = metrics.samples.filter((s) => s.name.startsWith("insights_"));
		assert.ok(ours.length > 30);
		for (const sample of ours) {
			assert.equal(sample.labels.namespace, system.config.namespace, `${sample.name} namespace`);
			assert.equal(sample.labels.nodeID, system.broker.nodeID, `${sample.name} nodeID`);
		}
	});

	it("counts a collector run and everything it leads to, once", async () => {
		client = await verifiedClient(system.url, data.path, "metrics@example.com", { fund: {} }, "aggressive");
		const prefs = await getJson(`${system.url}/api/me/preferences`, {
			method: "PUT",
			headers: { "content-type": "application/json", authorization: `Bearer ${client.token}` },
			body: JSON.stringify({ digest: "immediate" }),
		});
		assert.equal(prefs.status, 200, JSON.stringify(prefs.body));

		socket = connectSocket(`${system.url}/live`, {
			path: "/socket.io",
			auth: { token: client.token },
			transports: ["websocket"],
			reconnection: false,
		});
		socket.on("notification", (n: { id: string }) => received.push(n));
		const ready = new Promise<void>((resolve, reject) => {
			socket?.once("unread", () => resolve()); // sent once the connection is set up
			socket?.once("connect_error", reject);
		});
		await ready;

		let metrics = await read();
		assert.equal(one(metrics, "insights_live_sockets"), 1);
		assert.equal(one(metrics, "insights_matcher_subscriptions"), 1);

		summary = await system.broker.call("collector.run", {});
		assert.ok(summary.publicationId, "the run published something");
		publication = await system.broker.call("publications.get", {
			id: summary.publicationId,
			withProducts: false,
		});
		// { fund: {} } with an aggressive profile: every fund published is a match.
		const expected = publication.counts.fund ?? 0;
		assert.ok(expected > 0, "the sample sources publish funds");
		await waitFor(
			async () =>
				(await notificationsService().adapter.count({ query: { subscriberId: client.id } })) === expected &&
				received.length === expected,
			{ what: `${expected} notifications stored and delivered live` },
		);

		metrics = await read();
		const collector = (labels: Record<string, string>) =>
			one(metrics, "insights_collector_runs_total", labels);
		assert.equal(collector({ trigger: "manual", status: "ok" }), 1);
		assert.equal(collector({ trigger: "manual", status: "partial" }), 0);
		assert.equal(collector({ trigger: "manual", status: "failed" }), 0);
		assert.equal(collector({ trigger: "schedule", status: "ok" }), 0);
		assert.equal(metrics.types.get("insights_collector_run_duration_seconds"), "histogram");
		const buckets = matching(metrics, "insights_collector_run_duration_seconds_bucket", {
			trigger: "manual",
		});
		assert.deepEqual(
			buckets.map((b) => b.labels.le).sort((a, b) => parseValue(a ?? "") - parseValue(b ?? "")),
			["0.5", "1", "2", "5", "10", "30", "60", "120", "300", "+Inf"],
		);
		assert.equal(
			one(metrics, "insights_collector_run_duration_seconds_bucket", { trigger: "manual", le: "+Inf" }),
			1,
		);
		assert.equal(
			one(metrics, "insights_collector_run_duration_seconds_bucket", { trigger: "manual", le: "300" }),
			1,
		);
		assert.equal(one(metrics, "insights_collector_run_duration_seconds_count", { trigger: "manual" }), 1);
		const seconds = one(metrics, "insights_collector_run_duration_seconds_sum", { trigger: "manual" });
		assert.ok(seconds > 0 && seconds < 60, `a run of ${seconds} s`);
		for (const source of ["btg-funds", "house-picks"]) {
			assert.equal(summary.sources[source]?.status, "ok");
			const runs = (status: string) =>
				one(metrics, "insights_collector_source_runs_total", { source, status });
			assert.equal(runs("ok"), 1, `${source} ok`);
			assert.equal(runs("failed"), 0, `${source} failed`);
			assert.equal(runs("skipped"), 0, `${source} skipped`);
			assert.equal(one(metrics, "insights_collector_source_consecutive_failures", { source }), 0);
		}

		// Products by category, as the publication stored them.
		assert.equal(sumOf(metrics, "insights_products_published_total"), summary.published);
		for (const [category, n] of Object.entries(publication.counts))
			assert.equal(one(metrics, "insights_products_published_total", { category }), n, category);

		// Notifications as stored; matches handed over at least as many.
		const stored = await notificationsService().adapter.count({ query: { subscriberId: { $exists: true } } });
		assert.equal(stored, expected);
		assert.equal(sumOf(metrics, "insights_notifications_created_total"), stored);
		assert.equal(one(metrics, "insights_notifications_created_total", { category: "fund" }), stored);
		assert.ok(one(metrics, "insights_matcher_matches_total") >= stored);
		assert.equal(one(metrics, "insights_matcher_subscriptions"), 1);

		assert.equal(one(metrics, "insights_live_sockets"), 1);
		assert.equal(one(metrics, "insights_live_notifications_sent_total"), received.length);

		// Each stage of the fan-out timed its work: one match task, one batch written, queued,
		// told to the socket and ingested by analytics.
		for (const stage of ["match", "inbox", "distributions", "live", "analytics"]) {
			assert.equal(metrics.types.get("insights_pipeline_stage_seconds"), "histogram");
			assert.ok(one(metrics, "insights_pipeline_stage_seconds_count", { stage }) >= 1, `${stage} timed`);
			assert.ok(one(metrics, "insights_pipeline_stage_seconds_sum", { stage }) > 0, `${stage} took time`);
		}

		// The verification e-mail went out; nothing failed.
		assert.equal(one(metrics, "insights_mail_sent_total", { template: "verify" }), 1);
		assert.equal(sumOf(metrics, "insights_mail_failed_total"), 0);
		assert.equal(sumOf(metrics, "insights_mail_retries_total"), 0);

		// The analytics view's latest publication, in Unix seconds.
		const last = one(metrics, "insights_analytics_last_publication_timestamp_seconds");
		assert.equal(last, Date.parse(publication.publishedAt) / 1000);
		assert.ok(Math.abs(system.clock.now() / 1000 - last) < 300, "published in the last minutes");
		// The analytics counters registered before still work next to it.
		assert.equal(one(metrics, analyticsMetricNames.publications), 1);
		assert.equal(sumOf(metrics, analyticsMetricNames.published), summary.published);
	});

	it("does not count a retried publish or a redelivered batch again", async () => {
		const before = await read();
		const again = await system.broker.call<Publication, object>("products.publish", {
			id: publication.id,
			sources: publication.sources,
		});
		assert.equal(again.id, publication.id);
		const [row] = (await inbox(system.url, client, "limit=1")).rows;
		assert.ok(row);
		const redelivered = await system.broker.call<{ created: number; existing: number }, object>(
			"notifications.store",
			{
				publicationId: row.publicationId,
				matches: [
					matchOf({ id: row.productId, category: "fund" }, client.id, {
						reasons: row.reasons as MatchReason[],
					}),
				],
			},
		);
		assert.deepEqual(redelivered, { created: 0, existing: 1 });
		const metrics = await read();
		assert.equal(
			sumOf(metrics, "insights_products_published_total"),
			sumOf(before, "insights_products_published_total"),
		);
		assert.equal(
			sumOf(metrics, "insights_notifications_created_total"),
			sumOf(before, "insights_notifications_created_total"),
		);
	});

	it("counts e-mails sent, retried and failed for good, by template", async () => {
		// The immediate e-mail of the publication's matches.
		await system.broker.call("mailer.sendDigests", {});
		await waitFor(async () => one(await read(), "insights_mail_sent_total", { template: "digest" }) === 1, {
			what: "the immediate e-mail counted as sent",
		});

		// A server that answers 421 (try later) to one address and 550 (never) to another.
		const mailer = system.broker.getLocalService("mailer") as unknown as LocalMailer;
		const send = mailer.transport.send.bind(mailer.transport);
		mailer.transport.send = async (mail, signal) => {
			if (mail.to === "flaky@example.com") throw Object.assign(new Error("busy"), { responseCode: 421 });
			if (mail.to === "nobody@example.com")
				throw Object.assign(new Error("no such user"), { responseCode: 550 });
			return send(mail, signal);
		};
		const data = sampleData("verify", "pt-BR", system.config.publicUrl);
		for (const to of ["flaky@example.com", "nobody@example.com"])
			await system.broker.call("mailer.send", { to, template: "verify", locale: "pt-BR", data });
		// flaky: attempt 1 retried, attempt 2 (the last of 2) failed; nobody: failed at once.
		const metrics = await waitFor(
			async () => {
				const m = await read();
				return one(m, "insights_mail_failed_total", { template: "verify" }) === 2 ? m : undefined;
			},
			{ what: "two failed e-mails counted" },
		);
		assert.equal(one(metrics, "insights_mail_retries_total", { template: "verify" }), 1);
		assert.equal(one(metrics, "insights_mail_sent_total", { template: "verify" }), 1);
		assert.equal(one(metrics, "insights_mail_sent_total", { template: "digest" }), 1);
		assert.equal(one(metrics, "insights_mail_failed_total", { template: "digest" }), 0);
	});

	it("follows live sockets as they disconnect", async () => {
		socket?.close();
		await waitFor(async () => one(await read(), "insights_live_sockets") === 0, {
			what: "no socket left",
		});
	});

	it("registers a name once per broker, keeps brokers apart and is a no-op without metrics", async () => {
		const spec = { type: "counter", name: "insights_test_helper_total", description: "test" } as const;
		metric(system.broker, spec).increment();
		metric(system.broker, spec).increment(undefined, 2);
		const other = new ServiceBroker({
			logger: false,
			transporter: null,
			metrics: { enabled: true, collectProcessMetrics: false },
		});
		metric(other, spec).increment();
		assert.equal(one(await read(), "insights_test_helper_total"), 3);
		const separate = other.metrics.getMetric(spec.name) as unknown as { get(): { value: number } };
		assert.equal(separate.get().value, 1);
		assert.throws(() => metric(system.broker, { ...spec, type: "gauge" }), /already registered as a counter/);

		const off = new ServiceBroker({ logger: false, transporter: null, metrics: false });
		const noop = metric(off, spec);
		noop.increment();
		noop.set(1);
		noop.observe(1);
		noop.zero();
		assert.equal(off.metrics.getMetric(spec.name), null);

		trackEventLoopLag(system.broker);
		trackEventLoopLag(system.broker);
		const lag = await read();
		assert.equal(lag.types.get(eventLoopLag.name), "gauge");
		assert.equal(matching(lag, eventLoopLag.name).length, 3);
	});
});

describe("collector failing streaks", () => {
	const data = tempDir();
	let system: RunningSystem;
	let metricsUrl: string;
	const csv = join(data.path, "gone.csv");
	const source = (status: "ok" | "failed" | "skipped") => ({
		status,
		fetched: 0,
		normalized: 0,
		skipped: 0,
		skippedReasons: [],
		unparsed: 0,
		unparsedExamples: [],
		new: 0,
		changed: 0,
		unchanged: 0,
		errors: [],
		durationMs: 1,
	});
	const run = (id: string, startedAt: string, sources: Record<string, ReturnType<typeof source>>) => ({
		_id: id,
		trigger: "schedule",
		startedAt,
		finishedAt: startedAt,
		published: 0,
		enrichment: { enriched: 0, unavailable: 0 },
		sources,
	});
	const streak = async (name: string) =>
		one(await scrape(metricsUrl), "insights_collector_source_consecutive_failures", { source: name });
	const runs = async (status: string) =>
		one(await scrape(metricsUrl), "insights_collector_runs_total", { trigger: "manual", status });

	before(async () => {
		// Newest first: "gone" failed twice since its last ok run (a run that skipped it does not
		// break the streak); btg-funds was ok last.
		const history = [
			run("r3", "2026-03-04T10:00:00.000Z", { "btg-funds": source("ok"), gone: source("failed") }),
			run("r2", "2026-03-03T10:00:00.000Z", { "btg-funds": source("failed"), gone: source("failed") }),
			run("r1", "2026-03-02T10:00:00.000Z", { "btg-funds": source("failed"), gone: source("skipped") }),
			run("r0", "2026-03-01T10:00:00.000Z", { "btg-funds": source("failed"), gone: source("ok") }),
		];
		writeFileSync(
			join(data.path, "collector_runs.db"),
			`${history.map((doc) => JSON.stringify(doc)).join("\n")}\n`,
		);
		const sourcesFile = join(data.path, "sources.json");
		writeFileSync(
			sourcesFile,
			JSON.stringify({
				sources: [
					{ name: "btg-funds", type: "sample", of: "btg-funds", snapshot: "btg-funds.json" },
					{ name: "gone", type: "file", path: "gone.csv" },
				],
			}),
		);
		const port = await freePort();
		metricsUrl = `http://127.0.0.1:${port}/metrics`;
		system = await startSystem({
			DATA_DIR: data.path,
			SOURCES_FILE: sourcesFile,
			METRICS_PORT: String(port),
			PRICES_PROVIDER: "sample",
		});
	});

	after(async () => {
		await system?.stop();
		data.remove();
	});

	it("starts from the stored run history", async () => {
		assert.equal(await streak("gone"), 2);
		assert.equal(await streak("btg-funds"), 0);
	});

	it("adds a failed run, keeps it through runs that do not read the source, and ends it with an ok run", async () => {
		// gone.csv does not exist: that source fails, btg-funds is read: a partial run.
		const partial = await system.broker.call<CollectorRunSummary, object>("collector.run", {});
		assert.equal(partial.sources.gone?.status, "failed");
		assert.equal(await streak("gone"), 3);
		assert.equal(await streak("btg-funds"), 0);
		assert.equal(await runs("partial"), 1);

		// Only the failing source: a failed run; btg-funds was not read and keeps its value.
		await system.broker.call("collector.run", { sources: ["gone"] });
		assert.equal(await streak("gone"), 4);
		assert.equal(await runs("failed"), 1);

		copyFileSync(new URL("../../services/collector/samples/house-picks.csv", import.meta.url), csv);
		const ok = await system.broker.call<CollectorRunSummary, object>("collector.run", { sources: ["gone"] });
		assert.equal(ok.sources.gone?.status, "ok");
		assert.equal(await streak("gone"), 0);
		assert.equal(await runs("ok"), 1);

		const metrics = await scrape(metricsUrl);
		assert.equal(
			one(metrics, "insights_collector_source_runs_total", { source: "gone", status: "failed" }),
			2,
		);
		assert.equal(one(metrics, "insights_collector_source_runs_total", { source: "gone", status: "ok" }), 1);
		assert.equal(
			one(metrics, "insights_collector_source_runs_total", { source: "btg-funds", status: "ok" }),
			1,
		);
		assert.equal(
			one(metrics, "insights_collector_run_duration_seconds_bucket", { trigger: "manual", le: "+Inf" }),
			3,
		);
	});
});
