/**
 * Hostile (issue 17): NATS stopped and started again under a running four-node cluster, in
 * this process, over a private nats-server:
 *
 *   gateway   api, live                         (REST, and sockets on the api's port)
 *   market    collector, products, prices, metrics
 *   matching  matcher, notifications, subscribers (and identity)
 *   delivery  mailer, analytics, live, matcher  (a second live node on LIVE_PORT, a second matcher)
 *
 * Three clients with immediate e-mails, each with a socket on a live node. A collection
 * before the outage reaches inboxes, sockets, a loopback SMTP server and analytics. Then NATS
 * goes away until every node has noticed (not ready, and every other node gone from its
 * registry); meanwhile the market node stores a publication it cannot announce, and one
 * client's socket drops and its reconnections are refused. NATS comes back: the cluster
 * re-forms, the collector's run route works again, new publications go out, and the dropped
 * client comes back on the other live node, resuming from its cursor. In the end every inbox
 * holds each expected match once, the resumed socket got exactly its inbox, the sockets that
 * stayed up got everything published since the cluster re-formed and nothing twice, the SMTP
 * server got one e-mail per client and publication, and analytics equals a recount from the
 * raw notifications and publications.
 *
 * A socket that stayed connected also gets what was stored after NATS returned but before
 * the notifications node had learned of its live node again (Moleculer rediscovers nodes by
 * heartbeat, every 5 s; the work that waited out the outage in the durable queue is handled
 * exactly then): the live node catches its sockets up when a notifications node comes back
 * into view.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isDeepStrictEqual } from "node:util";
import type { ServiceBroker } from "moleculer";
import { io as connectSocket, type Socket } from "socket.io-client";
import { localDate } from "../../domain/dates.ts";
import type { Interests } from "../../domain/interests.ts";
import type { Product } from "../../domain/product.ts";
import { readiness } from "../../probes.ts";
import { matchOne, type Subscription } from "../../services/matcher/reference.ts";
import type { ProductsSettings } from "../../services/products/products.service.ts";
import { startNatsServer } from "../fixtures/nats.ts";
import { type RawNotification, type RawPublication, recount } from "../fixtures/recount.ts";
import { type SmtpFixture, startSmtpFixture } from "../fixtures/smtp.ts";
import { freePort, getJson, type RunningSystem, startSystem, uniqueNamespace, waitFor } from "../harness.ts";

const operatorToken = "nats-restart-cluster-operator-token";

/** Which services each node runs, and the service names it shows the others. */
const topology = {
	gateway: { services: "api,live", shows: ["api", "live"] },
	market: {
		services: "collector,products,prices,metrics",
		shows: ["collector", "products", "listings", "publications", "staging", "prices", "metrics"],
	},
	matching: {
		services: "matcher,notifications,subscribers",
		shows: ["matcher", "notifications", "subscribers", "identity"],
	},
	delivery: { services: "mailer,analytics,live,matcher", shows: ["mailer", "analytics", "live", "matcher"] },
} as const;
type NodeName = keyof typeof topology;
const nodeNames = Object.keys(topology) as NodeName[];

interface Person {
	email: string;
	interests: Interests;
}
/*
 * Conservative, every one of them: a client without a suitability questionnaire may choose
 * no more (domain/suitability.ts), and the point here is delivery, not suitability.
 */
const people: Person[] = [
	// Fee limits: the demo varies fees, and a moved fee is news only to clients who constrain it.
	{ email: "ana@example.com", interests: { fund: { adminFee: { max: 0.1 } }, fixed_income: {} } },
	{ email: "bia@example.com", interests: { fund: { adminFee: { max: 0.1 } }, reit: {} } },
	{
		email: "caio@example.com",
		interests: { fund: { adminFee: { max: 0.1 } }, stock: {}, reit: {}, fixed_income: {} },
	},
];

interface Client extends Person {
	id: string;
	token: string;
}

interface Received {
	id: string;
	publicationId: string;
	productId: string;
	cursor: string;
}

interface InboxRow {
	id: string;
	publicationId: string;
	productId: string;
}

/**
 * A client's live feed as the SPA keeps it (frontend/src/app/core/live.ts): every
 * (re)connection sends the newest cursor seen, so the server replays what was missed; a
 * refused handshake is tried again, as Socket.IO leaves that to the client.
 */
class Feed {
	readonly received: Received[] = [];
	/** Why handshakes were refused (`data.type`). */
	readonly refusals: string[] = [];
	connections = 0;
	private socket: Socket | undefined;
	private readonly token: string;

	constructor(client: Client) {
		this.token = client.token;
	}

	get connected(): boolean {
		return this.socket?.connected ?? false;
	}

	open(base: string): Promise<void> {
		this.close();
		const socket = connectSocket(`${base}/live`, {
			path: "/socket.io",
			transports: ["websocket"],
			reconnectionDelay: 200,
			reconnectionDelayMax: 1_000,
			auth: (send) => {
				const since = this.received.at(-1)?.cursor;
				send({ token: this.token, ...(since ? { since } : {}) });
			},
		});
		this.socket = socket;
		socket.on("notification", (n: Received) => this.received.push(n));
		socket.on("connect", () => this.connections++);
		socket.on("connect_error", (err: Error & { data?: { type?: string } }) => {
			if (socket.active) return; // a transport failure: Socket.IO retries by itself
			this.refusals.push(err.data?.type ?? err.message);
			setTimeout(() => {
				if (this.socket === socket) socket.connect();
			}, 500);
		});
		return new Promise((resolve) => socket.once("connect", () => resolve()));
	}

	close(): void {
		const socket = this.socket;
		this.socket = undefined;
		socket?.close();
	}
}

describe("NATS stopped and restarted under a running four-node cluster", () => {
	const namespace = uniqueNamespace();
	let nats: Awaited<ReturnType<typeof startNatsServer>>;
	let natsDown = false;
	let smtp: SmtpFixture;
	const nodes = {} as Partial<Record<NodeName, RunningSystem>>;
	let api = "";
	let liveUrl = "";
	const clients: Client[] = [];
	const feeds = new Map<string, Feed>();
	/** Every publication made, in order. */
	const publicationIds: string[] = [];
	/** Those made once the cluster had re-formed after the outage. */
	const sinceReformed = new Set<string>();

	const node = (name: NodeName) => nodes[name] as RunningSystem;
	const brokers = (): ServiceBroker[] => nodeNames.map((name) => node(name).broker);
	const market = () => node("market").broker;
	const feedOf = (client: Client) => feeds.get(client.id) as Feed;
	const [ana, bia, caio] = [0, 1, 2].map((i) => () => clients[i] as Client) as [
		() => Client,
		() => Client,
		() => Client,
	];

	/** Every node sees every node's services as available (the registry formed). */
	const clusterWhole = () =>
		brokers().every((broker) => {
			const list = broker.registry.getServiceList({ onlyAvailable: true });
			return nodeNames.every((name) =>
				topology[name].shows.every((service) => list.some((s) => s.name === service && s.nodeID === name)),
			);
		});

	const allReadiness = () => Promise.all(brokers().map((broker) => readiness(broker, false)));

	const collect = () =>
		getJson(`${api}/api/collector/run`, {
			method: "POST",
			headers: { authorization: `Bearer ${operatorToken}`, "content-type": "application/json" },
			body: "{}",
		});

	function product(category: Product["category"], nativeId: string, riskLevel: number, ticker?: string) {
		return {
			id: `house:${category}:${nativeId}`,
			source: "house",
			category,
			nativeId,
			name: `Produto ${nativeId}`,
			riskLevel,
			...(ticker ? { ticker } : {}),
			collectedAt: new Date(node("market").clock.now()).toISOString(),
		};
	}

	async function inbox(client: Client): Promise<InboxRow[]> {
		const rows: InboxRow[] = [];
		let before: string | undefined;
		for (;;) {
			const query = `limit=100${before ? `&before=${encodeURIComponent(before)}` : ""}`;
			const res = await getJson(`${api}/api/me/notifications?${query}`, {
				headers: { authorization: `Bearer ${client.token}` },
			});
			if (res.status !== 200) throw new Error(`inbox ${res.status}: ${JSON.stringify(res.body)}`);
			rows.push(...res.body.rows);
			if (!res.body.hasMore) return rows;
			before = res.body.next;
		}
	}

	const subscription = (client: Client): Subscription => ({
		subscriberId: client.id,
		riskProfile: "conservative",
		interests: client.interests,
	});

	/** What each client must have, `publication|product`: the reference matcher over every publication. */
	async function expected(): Promise<Map<string, Set<string>>> {
		const wanted = new Map<string, Set<string>>(clients.map((c) => [c.id, new Set<string>()]));
		const now = node("matching").clock.now();
		for (const publicationId of publicationIds) {
			const { products } = (await market().call("publications.get", { id: publicationId })) as {
				products: Product[];
			};
			for (const client of clients)
				for (const item of products)
					if (matchOne(subscription(client), item, now))
						wanted.get(client.id)?.add(`${publicationId}|${item.id}`);
		}
		return wanted;
	}

	/** Each client's inbox once it holds every expected match, checked to be exactly them. */
	async function inboxes(phase: string): Promise<Map<string, InboxRow[]>> {
		const wanted = await expected();
		const result = new Map<string, InboxRow[]>();
		for (const client of clients) {
			const want = wanted.get(client.id) as Set<string>;
			assert.ok(want.size > 0, `${phase}: ${client.email} has something to receive`);
			const rows = await waitFor(
				async () => {
					const rows = await inbox(client);
					return rows.length >= want.size && rows;
				},
				{
					timeoutMs: 60_000,
					intervalMs: 250,
					what: `${phase}: ${want.size} notifications for ${client.email}`,
				},
			);
			const keys = rows.map((n) => `${n.publicationId}|${n.productId}`);
			assert.equal(new Set(keys).size, keys.length, `${phase}: nothing twice in ${client.email}'s inbox`);
			assert.deepEqual(new Set(keys), want, `${phase}: ${client.email}'s inbox is exactly the matches`);
			result.set(client.id, rows);
		}
		return result;
	}

	/** A socket got exactly its client's inbox: all of it, in the end, and nothing twice. */
	async function assertSocketIsInbox(phase: string, client: Client, rows: InboxRow[], timeoutMs = 20_000) {
		const feed = feedOf(client);
		await waitFor(() => feed.received.length >= rows.length, {
			timeoutMs,
			what: `${phase}: ${rows.length} notifications on ${client.email}'s socket`,
		}).catch((err: Error) => {
			const got = new Set(feed.received.map((n) => n.id));
			const missing = rows.filter((n) => !got.has(n.id)).map((n) => `${n.publicationId}|${n.productId}`);
			throw new Error(`${err.message}; missing ${missing.join(", ")}`);
		});
		const ids = feed.received.map((n) => n.id);
		assert.equal(new Set(ids).size, ids.length, `${phase}: nothing twice on ${client.email}'s socket`);
		assert.deepEqual(
			new Set(ids),
			new Set(rows.map((n) => n.id)),
			`${phase}: ${client.email}'s socket got its inbox`,
		);
	}

	/** Immediate e-mails (they carry List-Unsubscribe; verification e-mails do not). */
	const digestsTo = (client: Client) =>
		smtp.messages.filter((m) => m.envelope.to.includes(client.email) && m.headers.has("list-unsubscribe"));

	/** One immediate e-mail per client and publication that matched, none twice, none missing. */
	async function assertMailed(phase: string) {
		const wanted = await expected();
		const publicationsOf = (client: Client) =>
			new Set([...(wanted.get(client.id) as Set<string>)].map((key) => key.split("|")[0] as string));
		for (const client of clients)
			await waitFor(() => digestsTo(client).length >= publicationsOf(client).size, {
				timeoutMs: 30_000,
				what: `${phase}: ${publicationsOf(client).size} e-mails to ${client.email}`,
			});
		// Settled when every notification is marked mailed (that follows queueing its e-mail)
		// and no delivery waits to be sent: then the SMTP server's count is final.
		await waitFor(
			async () => {
				for (const client of clients) {
					const pending = (await market().call("notifications.pendingMail", {
						subscriberId: client.id,
					})) as unknown[];
					if (pending.length > 0) return false;
				}
				for (const status of ["queued", "retrying"]) {
					const page = (await market().call("mailer.deliveries", { status, pageSize: 100 })) as {
						rows: unknown[];
					};
					if (page.rows.length > 0) return false;
				}
				return true;
			},
			{ timeoutMs: 30_000, intervalMs: 250, what: `${phase}: the mailer has nothing left to send` },
		);
		for (const client of clients) {
			const publications = publicationsOf(client);
			const mails = digestsTo(client);
			assert.equal(
				mails.length,
				publications.size,
				`${phase}: one e-mail per publication to ${client.email}`,
			);
			const messageIds = mails.map((m) => m.parsed.messageId);
			assert.equal(
				new Set(messageIds).size,
				messageIds.length,
				`${phase}: no e-mail to ${client.email} twice`,
			);
			const log = (await market().call("mailer.deliveries", { subscriberId: client.id, pageSize: 100 })) as {
				rows: { id: string; template: string; status: string }[];
			};
			const digests = log.rows.filter((d) => d.template === "digest");
			assert.deepEqual(
				new Set(digests.map((d) => d.id)),
				new Set([...publications].map((p) => `immediate:${client.id}:${p}`)),
				`${phase}: ${client.email}'s delivery log holds one immediate e-mail per publication`,
			);
			assert.ok(
				digests.every((d) => d.status === "sent"),
				`${phase}: every e-mail to ${client.email} sent`,
			);
		}
	}

	/** Analytics (on the delivery node, asked through the gateway) equals a recount. */
	async function assertCounted(phase: string) {
		type Adapter = { find(params: object): Promise<Record<string, unknown>[]> };
		const adapter = (broker: ServiceBroker, service: string) =>
			(broker.getLocalService(service) as unknown as { adapter: Adapter }).adapter;
		const notifications = (await adapter(node("matching").broker, "notifications").find({
			query: { subscriberId: { $exists: true } },
		})) as unknown as RawNotification[];
		const publications = (await adapter(market(), "publications").find({})).map((p) => ({
			...p,
			id: p._id,
		})) as unknown as RawPublication[];
		assert.equal(publications.length, publicationIds.length, `${phase}: every publication stored once`);
		const truth = recount(notifications, publications, localDate(new Date(node("gateway").clock.now())));
		await waitFor(
			async () => {
				const res = await getJson(`${api}/api/analytics/summary`);
				return res.status === 200 && isDeepStrictEqual(res.body.totals, truth.totals);
			},
			{
				timeoutMs: 30_000,
				intervalMs: 250,
				what: `${phase}: analytics totals ${JSON.stringify(truth.totals)}`,
			},
		);
		for (const groupBy of ["category", "source"] as const) {
			const { body } = await getJson(`${api}/api/analytics/frequency?groupBy=${groupBy}`);
			assert.deepEqual(
				body,
				truth.frequency(body.from, body.to, groupBy),
				`${phase}: frequency by ${groupBy}`,
			);
		}
		const { body: top } = await getJson(`${api}/api/analytics/top?period=all&limit=100`);
		assert.deepEqual(
			top.map(({ productId, count }: { productId: string; count: number }) => ({ productId, count })),
			truth.top("all", 100),
			`${phase}: the most notified products`,
		);
	}

	before(
		async () => {
			nats = await startNatsServer();
			smtp = await startSmtpFixture();
			const apiPort = await freePort();
			const livePort = await freePort();
			api = `http://127.0.0.1:${apiPort}`;
			liveUrl = `http://127.0.0.1:${livePort}`;
			const common = {
				TRANSPORTER: nats.url,
				NAMESPACE: namespace,
				LOG_LEVEL: process.env.CLUSTER_LOG_LEVEL ?? "fatal",
				SMTP_URL: smtp.url,
				PUBLIC_URL: api,
				OPERATOR_TOKEN: operatorToken,
				JWT_SECRET: "nats-restart-cluster-secret-0123456789abcdef",
				PRICES_PROVIDER: "sample",
				// Sample sources whose products move a little on each run, without schedules.
				SOURCES_FILE: new URL("../fixtures/sources.e2e.json", import.meta.url).pathname,
				DIGEST_SWEEP_SECONDS: "1",
				IMMEDIATE_SETTLE_SECONDS: "1",
				LIVE_PORT: String(livePort),
			};
			// Settled, all of them, before failing: `after` must stop every node that did start.
			const started = await Promise.allSettled(
				nodeNames.map(async (name) => {
					nodes[name] = await startSystem({
						...common,
						NODE_ID: name,
						SERVICES: topology[name].services,
						PORT: name === "gateway" ? String(apiPort) : "0",
					});
				}),
			);
			for (const result of started) if (result.status === "rejected") throw result.reason;
			await waitFor(clusterWhole, { timeoutMs: 30_000, what: "every node seeing every node's services" });
			// The gateway routes the remote services' paths (a refusal proves the route exists).
			const refusals = { "/api/subscribers": 422, "/api/collector/run": 401 };
			for (const [path, status] of Object.entries(refusals))
				await waitFor(
					async () => {
						const init = { method: "POST", headers: { "content-type": "application/json" }, body: "{}" };
						return (await getJson(`${api}${path}`, init)).status === status;
					},
					{ timeoutMs: 30_000, what: `POST ${path} routed` },
				);

			for (const person of people) {
				const registered = await getJson(`${api}/api/subscribers`, {
					method: "POST",
					headers: { "content-type": "application/json" },
					body: JSON.stringify({
						email: person.email,
						name: "Cliente",
						consent: true,
						riskProfile: "conservative",
						interests: person.interests,
						preferences: { digest: "immediate" },
					}),
				});
				assert.equal(registered.status, 202, JSON.stringify(registered.body));
				const text = await waitFor(
					() => smtp.messages.find((m) => m.envelope.to.includes(person.email))?.parsed.text,
					{ what: `the verification e-mail to ${person.email}` },
				);
				const link = /\/verificar\?token=([\w.-]+)/.exec(text)?.[1];
				const verified = await getJson(`${api}/api/auth/verify?token=${link}`);
				assert.equal(verified.status, 200, JSON.stringify(verified.body));
				clients.push({ ...person, id: verified.body.subscriber.id, token: verified.body.token });
			}
			// Both matchers index every client before anything is published.
			for (const name of ["matching", "delivery"] as const)
				await waitFor(
					() => {
						const matcher = node(name).broker.getLocalService("matcher") as unknown as {
							index: { has(id: string): boolean };
						};
						return clients.every((c) => matcher.index.has(c.id));
					},
					{ timeoutMs: 40_000, what: `every client in the ${name} node's index` },
				);

			// ana's socket on the gateway, bia's and caio's on the delivery node.
			for (const client of clients) {
				const feed = new Feed(client);
				feeds.set(client.id, feed);
				await feed.open(client === ana() ? api : liveUrl);
			}
		},
		{ timeout: 120_000 },
	);

	after(
		async () => {
			for (const feed of feeds.values()) feed.close();
			// Brokers stop cleanly only with their NATS there.
			if (natsDown) await nats.start();
			await Promise.all(nodeNames.map((name) => nodes[name]?.stop()));
			await smtp?.close();
			await nats?.remove();
		},
		{ timeout: 60_000 },
	);

	it("before the outage, a collection reaches inboxes, sockets, e-mail and analytics", {
		timeout: 120_000,
	}, async () => {
		const run = await collect();
		assert.equal(run.status, 200, JSON.stringify(run.body));
		assert.ok(run.body.publicationId, "the first run published the sample products");
		publicationIds.push(run.body.publicationId);

		const rows = await inboxes("before the outage");
		for (const client of clients)
			await assertSocketIsInbox("before the outage", client, rows.get(client.id) ?? []);
		await assertMailed("before the outage");
		await assertCounted("before the outage");
	});

	it("while NATS is away, every node notices; a publication is stored; sessions cannot be checked", {
		timeout: 90_000,
	}, async () => {
		// Announcements that failed are looked for every 2 s (30 s in production).
		const products = market().getLocalService("products") as unknown as { settings: ProductsSettings };
		products.settings.announceSweepMs = 2_000;

		await nats.stop();
		natsDown = true;
		await waitFor(
			async () => (await allReadiness()).every((s) => !s.ready && s.reason === "transporter disconnected"),
			{ timeoutMs: 20_000, what: "every node not ready: transporter disconnected" },
		);

		// caio's connection drops; his client tries the gateway's live node meanwhile.
		void feedOf(caio()).open(api);

		// A run in the middle of publishing when NATS went: the market node stores the
		// publication; announcing it has to wait for NATS.
		const during = "during-outage";
		const outcome = await market()
			.call("products.publish", {
				id: during,
				sources: ["house"],
				products: [
					product("fund", "during-fund", 1),
					product("reit", "during-reit", 2, "DURN11"),
					product("fixed_income", "during-cdb", 2),
					product("stock", "during-stock", 4, "DURN3"),
				],
			})
			.then(
				() => "published",
				(err: Error) => err.message,
			);
		const stored = (await market().call("publications.get", { id: during, withProducts: false })) as {
			productIds: string[];
		};
		assert.equal(stored.productIds.length, 4, `stored while NATS was away (publish answered: ${outcome})`);
		publicationIds.push(during);

		// Long enough for heartbeats to time out: every node drops the others from its registry.
		await waitFor(
			() =>
				brokers().every((broker) => broker.registry.nodes.toArray().every((n) => n.local || !n.available)),
			{ timeoutMs: 45_000, intervalMs: 500, what: "every node to lose sight of the others" },
		);
		await waitFor(() => feedOf(caio()).refusals.length > 0, {
			timeoutMs: 10_000,
			what: "caio's reconnection refused while no node can check his session",
		});
		assert.equal(feedOf(caio()).connected, false);
		// caio's client gives up for now (the laptop went to sleep).
		feedOf(caio()).close();

		await nats.start();
		natsDown = false;
	});

	it("once NATS is back, collection, matching, live and mail resume, nothing lost or doubled", {
		timeout: 150_000,
	}, async () => {
		await waitFor(async () => (await allReadiness()).every((s) => s.ready), {
			timeoutMs: 60_000,
			intervalMs: 250,
			what: "every node ready again",
		});
		await waitFor(clusterWhole, { timeoutMs: 60_000, intervalMs: 250, what: "the cluster whole again" });
		// The publication stored during the outage is announced and matched now. Each step
		// below waits for the one before, so no two publications are stored at once.
		await inboxes("the publication stored during the outage");

		const run = await waitFor(
			async () => {
				const res = await collect();
				return res.status === 200 && res;
			},
			{ timeoutMs: 60_000, intervalMs: 1_000, what: "a collection through the gateway again" },
		);
		assert.equal(run.body.trigger, "manual");
		if (run.body.publicationId) {
			publicationIds.push(run.body.publicationId);
			sinceReformed.add(run.body.publicationId);
			await inboxes("the collection after the restart");
		}
		publicationIds.push("after-outage");
		sinceReformed.add("after-outage");
		await market().call("products.publish", {
			id: "after-outage",
			sources: ["house"],
			products: [
				product("fund", "after-fund", 2),
				product("stock", "after-stock", 2, "AFTR3"),
				product("fixed_income", "after-cdb", 1),
				product("reit", "after-reit", 3, "AFTR11"),
			],
		});
		await inboxes("after the restart");

		// caio is back, on the delivery node's live server this time: it replays what he missed.
		await feedOf(caio()).open(liveUrl);
		publicationIds.push("after-return");
		sinceReformed.add("after-return");
		await market().call("products.publish", {
			id: "after-return",
			sources: ["house"],
			products: [product("fund", "return-fund", 1), product("reit", "return-reit", 2, "RETN11")],
		});

		const rows = await inboxes("after caio's return");
		await assertSocketIsInbox("resumed from its cursor", caio(), rows.get(caio().id) ?? []);
		for (const client of [ana(), bia()]) {
			const feed = feedOf(client);
			assert.equal(feed.connections, 1, `${client.email}'s socket stayed up through the outage`);
			const own = rows.get(client.id) ?? [];
			const fresh = own.filter((n) => sinceReformed.has(n.publicationId));
			await waitFor(() => fresh.every((n) => feed.received.some((r) => r.id === n.id)), {
				timeoutMs: 20_000,
				what: `${client.email}'s socket to get every notification published since the cluster re-formed`,
			});
			const ids = feed.received.map((n) => n.id);
			assert.equal(new Set(ids).size, ids.length, `nothing twice on ${client.email}'s socket`);
			const stored = new Set(own.map((n) => n.id));
			assert.ok(
				ids.every((id) => stored.has(id)),
				`${client.email}'s socket got nothing outside the inbox`,
			);
		}
		await assertMailed("after the restart");
		await assertCounted("after the restart");
	});

	it("a socket that stayed up gets what was matched before its live node was known again", {
		timeout: 60_000,
	}, async () => {
		// The live nodes catch their sockets up for 30 s after a notifications node comes back.
		const rows = await inboxes("sockets that stayed up");
		for (const client of [ana(), bia()])
			await assertSocketIsInbox("stayed up", client, rows.get(client.id) ?? [], 40_000);
	});
});
