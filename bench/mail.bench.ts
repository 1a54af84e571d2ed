/**
 * Digest e-mail throughput, in the embedded default with SMTP_URL set: 10,000 verified
 * daily-digest subscribers with 10 pending notifications each (10 products), then
 * `mailer.sendDigests` — the digest sweep queues 10,000 deliveries and the dispatcher sends
 * them through the nodemailer pool (10 connections, rate limit 10,000/s) to an SMTP sink in
 * a child process (bench/smtp-sink.ts: smtp-server that counts and discards, no parsing).
 * Timed from the call until the sink has received every message. Targets: ≥ 300 messages/s,
 * and ≥ 0.6 of the SMTP-only rate.
 *
 * Reported: messages per second end to end; the sweep (queueing) against the drain that
 * runs alongside it and after it; peak RSS and heapUsed of this process (sampled every
 * 100 ms); and where the time goes, two ways: baselines run in the same process (rendering
 * alone — digestData + renderMail for the same 10,000 digests, before the full path — and
 * SMTP alone — the same pooled transport sending pre-rendered digests to the same sink,
 * once before the full path and once after, as this machine's speed drifts within a run;
 * the ratio to the full path uses their mean), each as a share of the full path's wall time (the baseline's cost per message × the messages
 * the full path delivered, so it stays meaningful when the timeout cuts the run short); and
 * a CPU profile of the full path
 * (inspector, 1 ms samples), each sample given to the deepest library or app module on its
 * stack. Hot spots: the functions with the most self time.
 *
 * Subscribers, notifications and products are written straight into their stores
 * (matching 100k notifications is not what is measured); the notifications all come from
 * one publication, as one day's products.publish leaves them. The run stops waiting at the
 * timeout and reports what it reached. BENCH_MAIL_DIGESTS changes the
 * count, BENCH_MAIL_TIMEOUT (ms, default 90,000) the wait for the sink, BENCH_MAIL_PROFILE=0
 * turns the profile off, BENCH_CPU_PROFILE=<file> also writes it (.cpuprofile) for a closer look.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { Config } from "../config.ts";
import { detailText, type MatchReason } from "../domain/notification.ts";
import type { Product } from "../domain/product.ts";
import type { Preferences } from "../domain/subscriber.ts";
import { withVenues } from "../domain/venues.ts";
import { digestData } from "../services/mailer/digest-content.ts";
import { loadTemplates, type RenderedMail, renderMail } from "../services/mailer/templates.ts";
import { smtpTransport } from "../services/mailer/transport.ts";
import { mailDueMark } from "../services/notifications/mail-due.ts";
import { type RunningSystem, sharedClock, startSystem, tempDir } from "../test/harness.ts";
import type { SinkMessage } from "./smtp-sink.ts";
import type { BenchRow } from "./table.ts";

const DIGESTS = Number(process.env.BENCH_MAIL_DIGESTS ?? 10_000);
const TIMEOUT_MS = Number(process.env.BENCH_MAIL_TIMEOUT ?? 90_000);
const PROFILE = process.env.BENCH_MAIL_PROFILE !== "0";
const SMTP_CONNECTIONS = 10;
const SMTP_RATE_LIMIT = 10_000;
/** The mailer's maxInFlight: attempts running at once; the SMTP-only baseline keeps as many. */
const IN_FLIGHT = 50;
const HOT_SPOTS = 8;

const preferences: Preferences = {
	email: true,
	live: true,
	digest: "daily",
	digestHour: 0,
	timeZone: "America/Sao_Paulo",
};

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const mb = (bytes: number) => round(bytes / 1024 / 1024);
const perSecond = (items: number, ms: number) => Math.round(items / (ms / 1000));
const percent = (part: number, whole: number) => (whole > 0 ? round((100 * part) / whole) : 0);

// ---------------------------------------------------------------------------------------
// Content: 10 products (6 funds, 4 fixed income), each with the reasons it matched.

function products(collectedAt: string): { product: Product; reasons: MatchReason[] }[] {
	const fundTypes = ["Renda Fixa", "Multimercado", "Ações"];
	const funds = Array.from({ length: 6 }, (_, i) => {
		const fundType = fundTypes[i % fundTypes.length] as string;
		const adminFee = 0.004 + i / 1000;
		const product: Product = {
			id: `bench:fund:${i}`,
			source: "bench",
			category: "fund",
			nativeId: String(i),
			name: `Fundo Bench ${fundType} ${i} FIC FIM`,
			issuer: "Gestora Bench",
			url: `https://broker.example/fundos/${i}`,
			fundType,
			adminFee,
			return12m: 0.11 + i / 100,
			redemptionDays: 30 + i,
			minimumInvestment: 1_000 * (i + 1),
			riskLevel: 3,
			collectedAt,
		};
		const reasons: MatchReason[] = [
			{ field: "adminFee", operator: "≤", value: adminFee, bound: 0.01 },
			{ field: "fundType", operator: "∈", value: fundType, bound: fundTypes },
		];
		return { product, reasons };
	});
	const fixed = Array.from({ length: 4 }, (_, i) => {
		const minimumInvestment = 500 * (i + 1);
		const product: Product = {
			id: `bench:fixed_income:${i}`,
			source: "bench",
			category: "fixed_income",
			nativeId: String(i),
			name: `CDB Banco Bench ${i}`,
			issuer: "Banco Bench",
			url: `https://broker.example/renda-fixa/${i}`,
			instrument: "CDB",
			rate: { index: "CDI", percentOfIndex: 1.05 + i / 100 },
			maturityDate: `2028-0${i + 1}-15`,
			termDays: 720 + i * 30,
			taxExempt: false,
			minimumInvestment,
			riskLevel: 1,
			collectedAt,
		};
		const reasons: MatchReason[] = [
			{ field: "minimumInvestment", operator: "≤", value: minimumInvestment, bound: 5_000 },
		];
		return { product, reasons };
	});
	return [...funds, ...fixed];
}

// ---------------------------------------------------------------------------------------
// The sink, in its own process.

interface Sink {
	url: string;
	/** Messages accepted so far, and Date.now() of the latest (the sink's clock = ours). */
	count: number;
	lastAt: number;
	peakRss(): Promise<number>;
	stop(): Promise<void>;
}

async function startSink(): Promise<Sink> {
	const child: ChildProcess = fork(fileURLToPath(new URL("./smtp-sink.ts", import.meta.url)), [], {
		stdio: ["ignore", "inherit", "inherit", "ipc"],
	});
	let statsWaiter: ((peakRss: number) => void) | undefined;
	const sink: Sink = {
		url: "",
		count: 0,
		lastAt: 0,
		peakRss: () =>
			new Promise((resolve) => {
				statsWaiter = resolve;
				child.send({ type: "stats" });
			}),
		async stop() {
			const exited = new Promise((resolve) => child.once("exit", resolve));
			child.send({ type: "stop" });
			await Promise.race([exited, sleep(2_000)]);
			if (child.exitCode === null) child.kill();
		},
	};
	const port = await new Promise<number>((resolve, reject) => {
		child.once("error", reject);
		child.once("exit", (code) => reject(new Error(`SMTP sink exited (${code})`)));
		child.on("message", (message: SinkMessage) => {
			if (message.type === "ready") resolve(message.port);
			else {
				sink.count = message.count;
				sink.lastAt = message.lastAt;
				if (message.type === "stats") statsWaiter?.(message.peakRss);
			}
		});
	});
	sink.url = `smtp://127.0.0.1:${port}`;
	return sink;
}

// ---------------------------------------------------------------------------------------
// Memory sampling and the CPU profile.

function memorySampler() {
	const first = process.memoryUsage();
	let peakRss = first.rss;
	let peakHeap = first.heapUsed;
	const take = () => {
		const { rss, heapUsed } = process.memoryUsage();
		peakRss = Math.max(peakRss, rss);
		peakHeap = Math.max(peakHeap, heapUsed);
	};
	const timer = setInterval(take, 100);
	return {
		before: { rss: first.rss, heapUsed: first.heapUsed },
		stop() {
			clearInterval(timer);
			take();
			return { peakRss, peakHeap };
		},
	};
}

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount?: number;
	children?: number[];
}

/** Modules a sample is charged to: the deepest one on its stack (node internals and native code pass through). */
const categories: [string, (url: string) => boolean][] = [
	[
		"rendering (handlebars, templates.ts, digest-content.ts)",
		(u) => /handlebars|mailer\/templates\.ts|digest-content\.ts/.test(u),
	],
	["SMTP client (nodemailer, transport.ts)", (u) => /nodemailer|mailer\/transport\.ts/.test(u)],
	[
		"storage (NeDB and its index trees, moleculer-db)",
		(u) => /nedb|binary-search-tree|moleculer-db|db\.mixin\.ts/.test(u),
	],
	["broker (moleculer)", (u) => /node_modules\/moleculer\//.test(u)],
	["param validation (fastest-validator)", (u) => /fastest-validator/.test(u)],
	["tokens (jose, tokens.ts)", (u) => /node_modules\/jose|subscribers\/tokens\.ts/.test(u)],
	["other libraries", (u) => u.includes("/node_modules/")],
	["app code (sweep, dispatcher, services)", (u) => u.startsWith("file://")],
];
const special = new Map([
	["(garbage collector)", "garbage collection"],
	["(idle)", "idle (waiting on I/O)"],
	["(program)", "native, outside JS (V8/libuv)"],
]);

function categorize(nodes: ProfileNode[]): {
	shares: Map<string, number>;
	hot: [string, number][];
	total: number;
} {
	const byId = new Map(nodes.map((node) => [node.id, node]));
	const shares = new Map<string, number>();
	const self = new Map<string, number>();
	let total = 0;
	const root = nodes[0];
	const stack: [ProfileNode, string][] = root ? [[root, "native, outside JS (V8/libuv)"]] : [];
	while (stack.length > 0) {
		const [node, inherited] = stack.pop() as [ProfileNode, string];
		const { functionName, url, lineNumber } = node.callFrame;
		const own =
			special.get(functionName) ?? categories.find(([, test]) => url !== "" && test(url))?.[0] ?? inherited;
		const hits = node.hitCount ?? 0;
		if (hits > 0) {
			total += hits;
			shares.set(own, (shares.get(own) ?? 0) + hits);
			if (!special.has(functionName)) {
				const where = url ? `${url.replace(/^.*\/(node_modules\/|main\/)/, "")}:${lineNumber + 1}` : "native";
				const name = `${functionName || "(anonymous)"} ${where}`;
				self.set(name, (self.get(name) ?? 0) + hits);
			}
		}
		for (const child of node.children ?? []) {
			const next = byId.get(child);
			if (next) stack.push([next, own]);
		}
	}
	const hot = [...self].sort((a, b) => b[1] - a[1]).slice(0, HOT_SPOTS);
	return { shares, hot, total };
}

// ---------------------------------------------------------------------------------------

export async function run(): Promise<BenchRow[]> {
	const rows: BenchRow[] = [];
	const data = tempDir("insights-bench-");
	const sink = await startSink();
	const collectedAt = new Date(Date.now() - 2 * 3_600_000).toISOString();
	const catalogue = products(collectedAt);
	try {
		// The stores first, without the mailer (whose timer would sweep as soon as it starts).
		const tSeed = performance.now();
		const seeding = await startSystem({
			DATA_DIR: data.path,
			SERVICES: "subscribers,notifications,products",
			LOG_LEVEL: "error",
		});
		type Store = { adapter: { insertMany(docs: object[]): Promise<unknown> } };
		const store = (name: string) => seeding.broker.getLocalService(name) as unknown as Store;
		// As the catalogue holds them now: each with its venue (products.service consolidates on upsert).
		await store("products").adapter.insertMany(
			catalogue.map(({ product }) => {
				const { id, ...fields } = withVenues(product);
				return { _id: id, ...fields };
			}),
		);
		// An hour before the system's clock (the harness's shared one), so every digest is due at the sweep.
		const created = sharedClock.now() - 3_600_000;
		for (let i = 0; i < DIGESTS; i += 1_000) {
			const ids = Array.from({ length: Math.min(1_000, DIGESTS - i) }, () => randomUUID());
			const now = new Date().toISOString();
			await store("subscribers").adapter.insertMany(
				ids.map((id, j) => ({
					_id: id,
					email: `bench-${i + j}@example.com`,
					name: `Investidor Bench ${i + j}`,
					locale: "pt-BR",
					status: "verified",
					riskProfile: "moderate",
					interests: { fund: {}, fixed_income: {} },
					preferences,
					consent: { version: "bench", acceptedAt: now },
					createdAt: now,
					verifiedAt: now,
					updatedAt: now,
					pendingLinks: [],
				})),
			);
			await store("notifications").adapter.insertMany(
				ids.flatMap((subscriberId) =>
					catalogue.map(({ product, reasons }, k) => ({
						_id: `${subscriberId}|bench-mail|${product.id}`,
						subscriberId,
						productId: product.id,
						publicationId: "bench-mail",
						category: product.category,
						detail: detailText({ reasons }),
						createdAt: new Date(created).toISOString(),
						order: created * 10_000 + k,
					})),
				),
			);
			// As notifications.store leaves them: each client with unmailed notifications is due.
			await store("notifications").adapter.insertMany(
				ids.map((subscriberId) => mailDueMark(subscriberId, new Date(created).toISOString())),
			);
		}
		const publicUrl = seeding.config.publicUrl;
		await seeding.stop();
		const unsubscribeUrl = `${publicUrl}/api/unsubscribe?token=${"x".repeat(200)}`;

		// ---- Baselines before the full path: rendering alone, then SMTP alone (again after it).
		const render = renderingOnly(publicUrl, unsubscribeUrl, catalogue);
		const smtpBefore = await smtpOnly(sink, render.kept, unsubscribeUrl);

		const system = await startSystem({
			DATA_DIR: data.path,
			SMTP_URL: sink.url,
			SMTP_MAX_CONNECTIONS: String(SMTP_CONNECTIONS),
			SMTP_RATE_LIMIT: String(SMTP_RATE_LIMIT),
			LOG_LEVEL: process.env.BENCH_LOG ?? "error",
		});
		const seedMs = performance.now() - tSeed;
		const mailer = system.broker.getLocalService("mailer") as unknown as {
			digestTimer?: NodeJS.Timeout;
			adapter: { count(filter: object): Promise<number> };
		};
		// Only the sweep the bench calls: the service's own timer would start a second one mid-run.
		clearInterval(mailer.digestTimer);

		// ---- Full path.
		let full: FullPath;
		try {
			full = await fullPath(system, sink, mailer.adapter);
		} finally {
			await system.stop();
		}
		const smtpAfter = await smtpOnly(sink, render.kept, unsubscribeUrl);
		const sinkPeakRss = await sink.peakRss();

		// ---- Rows.
		const setup = `setup: ${DIGESTS / 1000}k verified daily-digest subscribers × ${catalogue.length} pending notifications (one publication), seeded in the stores`;
		rows.push({ case: setup, metric: "seed + start the system", value: Math.round(seedMs), unit: "ms" });
		const name = `full path: mailer.sendDigests → dispatcher → nodemailer pool (${SMTP_CONNECTIONS} conns) → SMTP sink`;
		const queued = Object.values(full.statuses).reduce((sum, n) => sum + n, 0);
		rows.push(
			{ case: name, metric: "messages received by the sink", value: full.received, unit: "count" },
			{ case: name, metric: "call → last message at the sink", value: full.wallMs, unit: "ms" },
			{
				case: name,
				metric: "messages per second end to end (target ≥ 300)",
				value: perSecond(full.received, full.wallMs),
				unit: "1/s",
			},
			{
				case: name,
				metric: "wall time per message",
				value: round(full.wallMs / full.received, 2),
				unit: "ms",
			},
			{ case: name, metric: "deliveries queued by the sweep", value: queued, unit: "count" },
			{ case: name, metric: "deliveries recorded sent", value: full.statuses.sent ?? 0, unit: "count" },
			{
				case: name,
				metric: "deliveries failed or retrying",
				value: (full.statuses.failed ?? 0) + (full.statuses.retrying ?? 0),
				unit: "count",
			},
		);
		if (full.sweepMs !== undefined)
			rows.push(
				{ case: name, metric: "sweep: call → every digest queued", value: full.sweepMs, unit: "ms" },
				{
					case: name,
					metric: "delivered while the sweep ran",
					value: full.deliveredAtSweepEnd,
					unit: "count",
				},
				{
					case: name,
					metric: "drain after the sweep: sweep end → last message",
					value: Math.max(0, full.wallMs - full.sweepMs),
					unit: "ms",
				},
			);
		else
			rows.push({
				case: name,
				metric: `sweep unfinished at the timeout: deliveries queued per second`,
				value: perSecond(queued, full.wallMs),
				unit: "1/s",
			});
		rows.push(
			{
				case: name,
				metric: "main thread busy (event-loop utilization)",
				value: round(full.elu * 100),
				unit: "%",
			},
			{
				case: name,
				metric: "CPU time of this process (user + system)",
				value: Math.round(full.cpuMs),
				unit: "ms",
			},
		);
		const memory = "memory of the system's process during the full path (process.memoryUsage every 100 ms)";
		rows.push(
			{ case: memory, metric: "rss before", value: mb(full.memoryBefore.rss), unit: "MB" },
			{ case: memory, metric: "peak rss", value: mb(full.memory.peakRss), unit: "MB" },
			{ case: memory, metric: "heapUsed before", value: mb(full.memoryBefore.heapUsed), unit: "MB" },
			{ case: memory, metric: "peak heapUsed", value: mb(full.memory.peakHeap), unit: "MB" },
			{ case: "SMTP sink child process (whole run)", metric: "peak rss", value: mb(sinkPeakRss), unit: "MB" },
		);
		// A baseline's cost per message × the messages the full path delivered, against its wall time.
		const shareOf = (baselineMs: number, count: number) =>
			percent((baselineMs / count) * full.received, full.wallMs);
		const renderCase = `baseline: rendering only, digestData + renderMail for the same ${DIGESTS / 1000}k digests (before the full path)`;
		const renderOnlyMs = render.dataMs + render.renderMs;
		rows.push(
			{ case: renderCase, metric: "wall time", value: Math.round(renderOnlyMs), unit: "ms" },
			{
				case: renderCase,
				metric: "digestData (Intl formatting)",
				value: Math.round(render.dataMs),
				unit: "ms",
			},
			{ case: renderCase, metric: "renderMail (handlebars)", value: Math.round(render.renderMs), unit: "ms" },
			{ case: renderCase, metric: "per digest", value: round(renderOnlyMs / DIGESTS, 2), unit: "ms" },
			{
				case: renderCase,
				metric: "digests per second",
				value: perSecond(DIGESTS, renderOnlyMs),
				unit: "1/s",
			},
			{
				case: renderCase,
				metric: "share of the full path's wall time (per digest × delivered)",
				value: shareOf(renderOnlyMs, DIGESTS),
				unit: "%",
			},
		);
		for (const [when, smtp] of [
			["before", smtpBefore],
			["after", smtpAfter],
		] as const) {
			const smtpCase = `baseline: SMTP only, pre-rendered digests through the same pool (${SMTP_CONNECTIONS} conns, ${IN_FLIGHT} in flight) to the sink, ${when} the full path`;
			rows.push(
				{ case: smtpCase, metric: "messages received by the sink", value: smtp.received, unit: "count" },
				{ case: smtpCase, metric: "wall time", value: smtp.wallMs, unit: "ms" },
				{ case: smtpCase, metric: "per message", value: round(smtp.wallMs / smtp.received, 2), unit: "ms" },
				{ case: smtpCase, metric: "messages per second", value: smtp.rate, unit: "1/s" },
				{
					case: smtpCase,
					metric: "main thread busy (event-loop utilization)",
					value: round(smtp.elu * 100),
					unit: "%",
				},
				{ case: smtpCase, metric: "CPU time of this process (user + system)", value: smtp.cpuMs, unit: "ms" },
				{
					case: smtpCase,
					metric: "share of the full path's wall time (per message × delivered)",
					value: shareOf(smtp.wallMs, smtp.received),
					unit: "%",
				},
			);
		}
		// The machine's speed drifts within a run: the full path is set against the mean of the
		// baseline measured before it and after it.
		const smtpRate = (smtpBefore.rate + smtpAfter.rate) / 2;
		rows.push({
			case: name,
			metric: "end-to-end rate ÷ SMTP-only rate, mean of before and after (target ≥ 0.6)",
			value: round(perSecond(full.received, full.wallMs) / smtpRate, 2),
			unit: "ratio",
		});
		if (full.profile) {
			const profile = "full path CPU profile (1 ms samples; each sample → deepest module on its stack)";
			const sorted = [...full.profile.shares].sort((a, b) => b[1] - a[1]);
			for (const [category, hits] of sorted)
				rows.push({ case: profile, metric: category, value: percent(hits, full.profile.total), unit: "%" });
			for (const [i, [fn, hits]] of full.profile.hot.entries())
				rows.push({
					case: `full path hot spot #${i + 1}: ${fn}`,
					metric: "self time, share of samples",
					value: percent(hits, full.profile.total),
					unit: "%",
				});
		}
		if (full.error) console.error(`mail bench: ${full.error}`);
		return rows;
	} finally {
		await sink.stop();
		data.remove();
	}
}

/** digestData + renderMail for every digest, in this process; keeps a hundred to send. */
function renderingOnly(
	publicUrl: string,
	unsubscribeUrl: string,
	catalogue: { product: Product; reasons: MatchReason[] }[],
) {
	const templates = loadTemplates();
	const kept: RenderedMail[] = [];
	let dataMs = 0;
	let renderMs = 0;
	for (let i = 0; i < DIGESTS; i++) {
		const t0 = performance.now();
		const digest = digestData({
			locale: "pt-BR",
			name: `Investidor Bench ${i}`,
			frequency: "daily",
			appUrl: publicUrl,
			items: catalogue,
		});
		const t1 = performance.now();
		const rendered = renderMail(
			templates,
			{ template: "digest", locale: "pt-BR", data: digest, unsubscribeUrl },
			publicUrl,
		);
		renderMs += performance.now() - t1;
		dataMs += t1 - t0;
		if (kept.length < 100) kept.push(rendered);
	}
	return { dataMs, renderMs, kept };
}

/** Pre-rendered digests through the same pooled transport as the mailer's, as many in flight. */
async function smtpOnly(sink: Sink, kept: RenderedMail[], unsubscribeUrl: string) {
	const transport = smtpTransport(
		{ smtpUrl: sink.url, smtpMaxConnections: SMTP_CONNECTIONS, smtpRateLimit: SMTP_RATE_LIMIT } as Config,
		{ connectionMs: 15_000, greetingMs: 15_000, socketMs: 60_000 },
	);
	await sleep(200);
	const base = sink.count;
	const cpu0 = process.cpuUsage();
	const elu0 = performance.eventLoopUtilization();
	const t0 = Date.now();
	let next = 0;
	const worker = async () => {
		while (next < DIGESTS) {
			const i = next++;
			const mail = kept[i % kept.length] as RenderedMail;
			await transport.send(
				{
					deliveryId: String(i),
					messageId: `<${randomUUID()}@insights.localhost>`,
					from: "Insights <no-reply@insights.localhost>",
					to: `bench-${i}@example.com`,
					subject: mail.subject,
					html: mail.html,
					text: mail.text,
					headers: { "List-Unsubscribe": `<${unsubscribeUrl}>` },
				},
				AbortSignal.timeout(60_000),
			);
		}
	};
	await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
	const elu = performance.eventLoopUtilization(elu0).utilization;
	const cpu = process.cpuUsage(cpu0);
	const sent = Date.now();
	// Every send was answered 250; the sink's count reaches us within its 10 ms tick.
	while (sink.count - base < DIGESTS && Date.now() - sent < 2_000) await sleep(10);
	const wallMs = sink.lastAt - t0;
	const received = sink.count - base;
	transport.close();
	return {
		received,
		wallMs,
		rate: perSecond(received, wallMs),
		elu,
		cpuMs: Math.round((cpu.user + cpu.system) / 1000),
	};
}

interface FullPath {
	received: number;
	wallMs: number;
	/** Undefined when the sweep had not finished at the timeout. */
	sweepMs?: number;
	deliveredAtSweepEnd: number;
	cpuMs: number;
	elu: number;
	memory: { peakRss: number; peakHeap: number };
	memoryBefore: { rss: number; heapUsed: number };
	/** Deliveries by status at the end. */
	statuses: Record<string, number>;
	profile?: ReturnType<typeof categorize>;
	error?: string;
}

/** mailer.sendDigests, timed until the sink has every message (or the timeout). */
async function fullPath(
	system: RunningSystem,
	sink: Sink,
	deliveries: { count(filter: object): Promise<number> },
): Promise<FullPath> {
	const session = PROFILE ? new Session() : undefined;
	if (session) {
		session.connect();
		await session.post("Profiler.enable");
		await session.post("Profiler.setSamplingInterval", { interval: 1_000 });
	}
	const base = sink.count;
	const sampler = memorySampler();
	const cpu0 = process.cpuUsage();
	const elu0 = performance.eventLoopUtilization();
	if (session) await session.post("Profiler.start");
	const t0 = Date.now();
	let sweepMs: number | undefined;
	let deliveredAtSweepEnd = 0;
	let error: string | undefined;
	const sweep = system.broker.call<{ sent: number }, object>("mailer.sendDigests", {}, { timeout: 0 }).then(
		() => {
			sweepMs = Date.now() - t0;
			deliveredAtSweepEnd = sink.count - base;
		},
		(err: Error) => {
			error ??= `the sweep failed: ${err.message}`;
		},
	);
	while (sink.count - base < DIGESTS && Date.now() - t0 < TIMEOUT_MS && !error) await sleep(10);
	const received = sink.count - base;
	const wallMs = received >= DIGESTS ? sink.lastAt - t0 : Date.now() - t0;
	const stopped = session ? await session.post("Profiler.stop") : undefined;
	if (stopped && process.env.BENCH_CPU_PROFILE)
		writeFileSync(process.env.BENCH_CPU_PROFILE, JSON.stringify(stopped.profile));
	const elu = performance.eventLoopUtilization(elu0).utilization;
	const cpu = process.cpuUsage(cpu0);
	const memory = sampler.stop();
	session?.disconnect();
	if (received < DIGESTS && !error)
		error = `only ${received} of ${DIGESTS} messages after ${TIMEOUT_MS} ms (sweep ${sweepMs === undefined ? "still running" : "done"})`;
	// The last deliveries are recorded as sent just after the sink answered.
	const statuses: Record<string, number> = {};
	for (let tries = 0; tries < 50; tries++) {
		for (const status of ["sent", "queued", "retrying", "failed"])
			statuses[status] = await deliveries.count({ query: { status } });
		if (error || (statuses.sent ?? 0) >= DIGESTS) break;
		await sleep(100);
	}
	if (!error) await sweep;
	return {
		received,
		wallMs,
		sweepMs,
		deliveredAtSweepEnd,
		cpuMs: (cpu.user + cpu.system) / 1000,
		elu,
		memory,
		memoryBefore: sampler.before,
		statuses,
		profile: stopped ? categorize(stopped.profile.nodes as ProfileNode[]) : undefined,
		error,
	};
}
