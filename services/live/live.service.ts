/**
 * The live feed: Socket.IO (namespace /live, path /socket.io) on the api's HTTP server when
 * the api runs on this node, otherwise on LIVE_PORT. A socket authenticates with its
 * session token, joins its own subscriber's room only, gets what it missed since its last
 * seen notification (in order, once), then every new one as `notifications.created` is
 * broadcast to all live nodes — each node delivers to its own sockets. docs/live.md.
 */
import { createServer, Server as HttpServer } from "node:http";
import type { Context, ServiceBroker } from "moleculer";
import { type DefaultEventsMap, type Namespace, type RemoteSocket, Server, type Socket } from "socket.io";
import { ConfigError, configOf } from "../../config.ts";
import { call, type Events, type InboxRow, type UnreadCount } from "../../domain/contracts.ts";
import { sessionFromCookie } from "../../lib/auth.ts";
import { chunks } from "../../lib/collections.ts";
import { domainMetrics, type Metric, metric, timeStage } from "../../lib/domain-metrics.ts";
import { defineService } from "../../lib/service.ts";
import { portProblem } from "../../ports.ts";
import { clientIp } from "../api/client-ip.ts";
import { type Cursor, compareCursors, formatCursor, parseCursor } from "./cursor.ts";
import { checkEvent, socketLimiter } from "./events.ts";
import { SocketCounts } from "./socket-counts.ts";

interface SocketState {
	subscriberId: string;
	/** The client's address, for the per-address cap. */
	ip: string;
	/** preferences.live: off, the socket gets no notifications pushed (the inbox still fills). */
	live: boolean;
	/** The newest notification this socket has been given. */
	cursor?: Cursor;
	/** What the client had before this connection (its `since`, or the newest then): never sent again. */
	floor?: Cursor;
	/**
	 * What this connection has been given, by id: two stores finishing at once may broadcast
	 * out of order, so "newer than the newest given" would drop the older one for good.
	 */
	given: Map<string, Cursor>;
	/** While replaying: live notifications wait here, so the order holds. */
	pending?: InboxRow[];
}

/** Socket.IO's types with each socket's `data` the SocketState it is given when it connects. */
type LiveServer = Server<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketState>;
type LiveNamespace = Namespace<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketState>;
type LiveSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketState>;
/** A socket of this node, or as a room's fetchSockets() answers it. */
type Recipient = LiveSocket | RemoteSocket<DefaultEventsMap, SocketState>;

/** Most notifications replayed on connect; older ones are in the history. */
const maxReplay = 1_000;
/** Ids remembered per socket; past that the oldest is forgotten and becomes the floor. */
const maxGiven = 2_000;
/**
 * After a notifications node comes (back) into view, when each socket asks for what it may
 * have missed: a broadcast made before that node knew this one again never came here, and
 * it learns of us within a heartbeat or two (Moleculer's default is every 5 s).
 */
const catchUpDelaysMs = [2_000, 12_000, 30_000];

export interface LiveSettings {
	maxSocketsPerIp: number;
	maxSocketsPerClient: number;
}

interface LiveLocals {
	/** Catch-ups scheduled after a notifications node came into view, cleared on stop. */
	catchUpTimers: Set<NodeJS.Timeout>;
	/** Sockets open on this node. */
	sockets: Metric;
	sentTotal: Metric;
	/** insights_pipeline_stage_seconds{stage="live"}. */
	stageTime: Metric;
	/** Set in started(); stopped() still checks them, as a failed start leaves them unset. */
	io: LiveServer;
	namespace: LiveNamespace;
	/**
	 * The clients with a room on this node, kept from the adapter's own room events: a
	 * stored batch's thousand clients are looked up by id, without building and hashing a
	 * room name for each (bench pipeline).
	 */
	present: Set<string>;
	/** The server on LIVE_PORT, when the api does not run on this node. */
	ownServer?: HttpServer;
}

/** Each client's sockets on this node share a room named by their id. */
const roomPrefix = "subscriber:";
const roomOf = (subscriberId: string) => `${roomPrefix}${subscriberId}`;

function refused(message: string, type: string): Error {
	return Object.assign(new Error(message), { data: { type, message } });
}

/** The api's HTTP server when the api runs on this node (moleculer-web keeps it as `server`). */
function apiServer(broker: ServiceBroker): HttpServer | undefined {
	const api: object | undefined = broker.getLocalService("api");
	const server = api && "server" in api ? api.server : undefined;
	return server instanceof HttpServer ? server : undefined;
}

export default defineService<LiveSettings, LiveLocals>()({
	name: "live",

	settings: {
		/** Open sockets per client IP and per signed-in client on one live node. */
		maxSocketsPerIp: 50,
		maxSocketsPerClient: 10,
	},

	methods: {
		/**
		 * Live rows: buffered while the socket is still catching up, otherwise emitted. `unread`,
		 * the client's count after them, goes with the last row emitted, or on its own when no
		 * row is: one message per client instead of two (a socket write each, bench live).
		 */
		deliver(socket: Recipient, rows: InboxRow[], unread?: UnreadCount): void {
			const state = socket.data;
			let told = false;
			if (state.live && state.pending) state.pending.push(...rows);
			else if (state.live) told = this.emitNewer(socket, rows, unread);
			if (unread && !told) socket.emit("unread", unread);
		},

		/**
		 * Emits, oldest first, the rows this connection has not given and the client did not
		 * have; `unread` rides on the last. True when a row was emitted (and `unread` with it).
		 */
		emitNewer(socket: Recipient, rows: InboxRow[], unread?: UnreadCount): boolean {
			const state = socket.data;
			const sorted = rows
				.map((row) => ({ row, cursor: parseCursor(row.cursor) }))
				.filter((entry): entry is { row: InboxRow; cursor: Cursor } => entry.cursor !== undefined)
				.sort((a, b) => compareCursors(a.cursor, b.cursor));
			const newer: InboxRow[] = [];
			for (const { row, cursor } of sorted) {
				if (state.floor && compareCursors(cursor, state.floor) <= 0) continue;
				if (state.given.has(row.id)) continue;
				state.given.set(row.id, cursor);
				if (state.given.size > maxGiven) {
					const [oldest, at] = state.given.entries().next().value as [string, Cursor];
					state.given.delete(oldest);
					if (!state.floor || compareCursors(at, state.floor) > 0) state.floor = at;
				}
				if (!state.cursor || compareCursors(cursor, state.cursor) > 0) state.cursor = cursor;
				newer.push(row);
			}
			newer.forEach((row, i) => {
				if (unread && i === newer.length - 1) socket.emit("notification", row, unread);
				else socket.emit("notification", row);
				this.sentTotal.increment();
			});
			return newer.length > 0;
		},

		/**
		 * A notifications node came (back) into view: every socket here asks, a few times over
		 * the next seconds, for what arrived after the newest it had been given then.
		 */
		scheduleCatchUp(): void {
			const marks = new Map<string, Cursor | undefined>();
			for (const socket of this.namespace?.sockets.values() ?? []) marks.set(socket.id, socket.data.cursor);
			for (const delay of catchUpDelaysMs) {
				const timer = setTimeout(() => {
					this.catchUpTimers.delete(timer);
					this.catchUp(marks).catch((err: Error) =>
						this.logger.warn("Live catch-up failed", { error: err.message }),
					);
				}, delay);
				timer.unref();
				this.catchUpTimers.add(timer);
			}
		},

		/** The socket's inbox after `since`, oldest first, a page at a time, at most maxReplay rows. */
		async replay(socket: LiveSocket, since: string, each: (rows: InboxRow[]) => void): Promise<void> {
			const meta = { subscriberId: socket.data.subscriberId };
			for (let sent = 0; sent < maxReplay; ) {
				const page = await call(this.broker, "notifications.list", { since, limit: 100 }, { meta });
				const rows = page.rows;
				each(rows);
				sent += rows.length;
				if (!page.hasMore || rows.length === 0) return;
				since = rows.at(-1)?.cursor ?? since;
			}
		},

		/** Sockets still open ask the inbox for what came after their mark, a few at a time. */
		async catchUp(marks: Map<string, Cursor | undefined>): Promise<void> {
			const sockets = [...marks.keys()]
				.map((id) => this.namespace?.sockets.get(id))
				.filter((socket): socket is LiveSocket => socket?.data.live === true);
			const next = async (): Promise<void> => {
				const socket = sockets.pop();
				if (!socket) return;
				const mark = marks.get(socket.id);
				// Without a mark the socket had been given nothing: its floor is where to start.
				const since = mark ?? socket.data.floor;
				if (since)
					await this.replay(socket, formatCursor(since), (rows: InboxRow[]) => this.deliver(socket, rows));
				return next();
			};
			await Promise.all(Array.from({ length: 20 }, next));
		},

		/**
		 * This node's clients among a stored batch's: their notifications and unread counts in
		 * one call per 500 clients, then each client's sockets told.
		 */
		async tell(ctx: Context, subscribers: Events["notifications.created"]["subscribers"]): Promise<void> {
			for (const part of chunks(subscribers, 500)) {
				const told = await call(ctx, "notifications.delivery", { subscribers: part });
				for (const { subscriberId, rows, unread } of told)
					for (const socket of await this.namespace.in(roomOf(subscriberId)).fetchSockets())
						this.deliver(socket, rows, unread);
			}
		},

		async sendUnread(subscriberId: string, to: string): Promise<void> {
			const counts = await call(this.broker, "notifications.unread", {}, { meta: { subscriberId } });
			this.namespace.to(to).emit("unread", counts);
		},

		async onConnection(socket: LiveSocket): Promise<void> {
			const state = socket.data;
			const meta = { subscriberId: state.subscriberId };
			state.pending = [];
			await socket.join(roomOf(state.subscriberId));
			try {
				if (state.cursor && state.live) {
					// Catch up from the last one the client saw, oldest first.
					await this.replay(socket, socket.handshake.auth.since as string, (rows: InboxRow[]) =>
						this.emitNewer(socket, rows),
					);
				} else {
					// A first connection starts at the newest: the inbox holds the past.
					const newest = await call(this.broker, "notifications.list", { limit: 1 }, { meta });
					const top = newest.rows[0];
					if (top) state.cursor = state.floor = parseCursor(top.cursor);
				}
			} finally {
				const buffered = state.pending ?? [];
				state.pending = undefined;
				this.emitNewer(socket, buffered);
			}
			await this.sendUnread(state.subscriberId, socket.id);
			this.listen(socket);
		},

		/** Client events: validated and rate-limited per socket; answers go to the ack. */
		listen(socket: LiveSocket): void {
			const state = socket.data;
			const meta = { subscriberId: state.subscriberId };
			const limiter = socketLimiter();
			// Socket.IO passes the ack as the last argument, whatever came before it.
			const handle =
				(event: "read" | "history", run: (payload: Record<string, unknown>) => Promise<unknown>) =>
				async (...args: unknown[]) => {
					const ack =
						typeof args.at(-1) === "function" ? (args.pop() as (answer: unknown) => void) : undefined;
					const reply = ack ?? (() => undefined);
					try {
						await limiter.take(socket.id);
						reply(await run(checkEvent(event, args[0])));
					} catch (err) {
						const e = err as { type?: string; message?: string; code?: number };
						const known = typeof e.code === "number" && e.code < 500;
						reply({
							error: known
								? { type: e.type ?? "ERROR", message: e.message ?? "Error" }
								: { type: "INTERNAL_ERROR", message: "Something went wrong; try again." },
						});
					}
				};
			socket.on(
				"read",
				handle("read", async (payload) => {
					const result = await call(this.broker, "notifications.markRead", payload, { meta });
					await this.sendUnread(state.subscriberId, roomOf(state.subscriberId));
					return result;
				}),
			);
			socket.on(
				"history",
				handle("history", (payload) => call(this.broker, "notifications.list", payload, { meta })),
			);
		},
	},

	created() {
		this.catchUpTimers = new Set<NodeJS.Timeout>();
		this.sockets = metric(this.broker, domainMetrics.liveSockets);
		this.sockets.zero();
		this.sentTotal = metric(this.broker, domainMetrics.liveNotificationsSent);
		this.stageTime = metric(this.broker, domainMetrics.pipelineStage);
		this.sentTotal.zero();
	},

	async started() {
		const config = configOf(this.broker);
		let server = apiServer(this.broker);
		if (!server) {
			server = createServer();
			await new Promise<void>((resolve, reject) => {
				server?.once("error", (err: NodeJS.ErrnoException) =>
					reject(new ConfigError(portProblem({ variable: "LIVE_PORT", port: config.livePort }, err.code))),
				);
				server?.listen(config.livePort, resolve);
			});
			this.ownServer = server;
		}
		this.io = new Server(server, {
			path: "/socket.io",
			serveClient: false,
			maxHttpBufferSize: 16_384,
			cors: { origin: config.corsOrigins.length > 0 ? config.corsOrigins : false },
		});
		this.namespace = this.io.of("/live");
		this.present = new Set();
		this.namespace.adapter.on("create-room", (room: string) => {
			if (room.startsWith(roomPrefix)) this.present.add(room.slice(roomPrefix.length));
		});
		this.namespace.adapter.on("delete-room", (room: string) => {
			if (room.startsWith(roomPrefix)) this.present.delete(room.slice(roomPrefix.length));
		});
		const byIp = new SocketCounts();
		const byClient = new SocketCounts();
		const limits = () => this.settings;
		this.namespace.use(async (socket: LiveSocket, next: (err?: Error) => void) => {
			const ip = clientIp(socket.request, config.trustProxy);
			if (byIp.count(ip) >= limits().maxSocketsPerIp)
				return next(refused("Too many open connections from this address.", "TOO_MANY_SOCKETS"));
			const { token: given, since } = (socket.handshake.auth ?? {}) as { token?: unknown; since?: unknown };
			// API clients send the token; the SPA's HttpOnly cookie comes with the handshake.
			const token = given ?? sessionFromCookie(socket.request.headers.cookie);
			if (typeof token !== "string" || token.length < 10 || token.length > 2_000)
				return next(refused("Sign in first: connect with auth: { token: <session token> }.", "UNAUTHORIZED"));
			if (since !== undefined && (typeof since !== "string" || !parseCursor(since)))
				return next(refused("since must be the cursor of a notification you received.", "INVALID_CURSOR"));
			try {
				const { subscriberId, live } = await call(this.broker, "identity.authenticate", { token });
				if (byClient.count(subscriberId) >= limits().maxSocketsPerClient)
					return next(
						refused("Too many open connections for this session: close some tabs.", "TOO_MANY_SOCKETS"),
					);
				socket.data = {
					subscriberId,
					ip,
					live,
					cursor: since ? parseCursor(since) : undefined,
					floor: since ? parseCursor(since) : undefined,
					given: new Map(),
				} satisfies SocketState;
				next();
			} catch (err) {
				const e = err as { message?: string; type?: string };
				next(refused(e.message ?? "Not signed in.", e.type ?? "UNAUTHORIZED"));
			}
		});
		this.namespace.on("connection", (socket: LiveSocket) => {
			// Counted once connected, not in the middleware: a client gone while it was being
			// authenticated never connects, and would never have said "disconnect".
			const { ip, subscriberId } = socket.data;
			byIp.add(ip);
			byClient.add(subscriberId);
			socket.once("disconnect", () => {
				byIp.remove(ip);
				byClient.remove(subscriberId);
			});
			// Socket.IO removes a socket from its namespace before "disconnect" fires.
			this.sockets.set(this.namespace.sockets.size);
			socket.on("disconnect", () => this.sockets.set(this.namespace.sockets.size));
			this.onConnection(socket).catch((err: Error) => {
				this.logger.warn("Live connection failed", { error: err.message });
				socket.disconnect(true);
			});
		});
	},

	async stopped() {
		for (const timer of this.catchUpTimers) clearTimeout(timer);
		// Clients reconnect by themselves when the transport closes: to another node behind
		// the load balancer. They resume from their last cursor, so nothing is lost.
		this.namespace?.emit("bye", { reason: "This server is stopping; reconnecting elsewhere." });
		if (this.ownServer) await new Promise<void>((resolve) => this.io.close(() => resolve()));
		// On the api's server: close the connections only; the api closes its own server.
		else this.io?.engine.close();
	},

	events: {
		/**
		 * An erased client's sockets close at once, on every live node: their account is gone.
		 * A client who turned live alerts off (or on) has their open sockets follow at once.
		 */
		async "subscribers.changed"(ctx: Context<Events["subscribers.changed"]>) {
			const room = this.namespace?.in(roomOf(ctx.params.id));
			if (!room) return;
			if (ctx.params.change === "erased") return room.disconnectSockets(true);
			if (ctx.params.change !== "preferences") return;
			const sockets = await room.fetchSockets();
			if (sockets.length === 0) return;
			const subscriber = await call(ctx, "subscribers.get", { id: ctx.params.id }).catch(() => undefined);
			if (!subscriber) return;
			for (const socket of sockets) socket.data.live = subscriber.preferences.live !== false;
		},

		/** A notifications node joined or came back: sockets here may have missed its broadcasts. */
		"$node.connected"(ctx: Context<{ node: { services?: { name: string }[] } }>) {
			if (ctx.params.node.services?.some((service) => service.name === "notifications"))
				this.scheduleCatchUp();
		},

		/**
		 * Broadcast to every live node, one per stored batch: each delivers to the sockets it
		 * holds. The clients of a batch who have a socket here are found in this node's rooms
		 * (no I/O), so a batch of a thousand clients with none connected costs next to nothing.
		 */
		"notifications.created": {
			bulkhead: { enabled: true, concurrency: 20, maxQueueSize: 10_000 },
			async handler(ctx: Context<Events["notifications.created"]>) {
				await timeStage(this.stageTime, "live", async () => {
					const { present } = this;
					const here = ctx.params.subscribers.filter(({ subscriberId }) => present.has(subscriberId));
					if (here.length > 0) await this.tell(ctx, here);
				});
			},
		},
	},
});
