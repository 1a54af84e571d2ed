/**
 * Durable work between services: what is published here is kept until every consumer group
 * has processed it, survives consumers being down or killed mid-way, and is shared out
 * between the nodes of a group (each message to one node of the group at a time).
 *
 * - In a cluster (TRANSPORTER set): one NATS JetStream stream per namespace
 *   (`INSIGHTS_<ns>`, subjects `insights.<ns>.<subject>`, kept 7 days, duplicates dropped
 *   by message id for an hour) and one durable pull consumer per group and subject, created
 *   up front with deliver-all, so messages published before a group first started are
 *   delivered too. Unacknowledged messages come back after the ack wait.
 * - In the embedded default (no transporter): the same contract on a local NeDB file;
 *   a message is marked done per group once handled, and everything not done is handled
 *   again at the next start.
 *
 * Delivery is at least once in both: handlers must be idempotent (they are: notifications
 * are keyed by subscriber, publication and product). docs/decisions.md explains the choice.
 *
 * A message its handler still fails after the last attempt (QUEUE_MAX_ATTEMPTS) is not
 * dropped, and does not block the messages behind it: it goes to the dead letters (a
 * JetStream key-value bucket kept until an operator acts, or DATA_DIR/dead-letters.db),
 * counted by insights_queue_dead_letters_total and listed on the Operador page.
 */
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import NeDB from "@seald-io/nedb";
import type { ServiceBroker } from "moleculer";
import {
	AckPolicy,
	connect,
	DeliverPolicy,
	type JetStreamClient,
	JSONCodec,
	type NatsConnection,
	nanos,
	RetentionPolicy,
	StorageType,
} from "nats";
import { configOf } from "../config.ts";
import type { Clock } from "../domain/clock.ts";
import type { DeadLetter, QueueMessages } from "../domain/contracts.ts";
import { domainMetrics, metric } from "./domain-metrics.ts";
import { keepFileOpen } from "./nedb-append.ts";
import { updateIndexesInPlace } from "./nedb-index.ts";

// CommonJS whose typings declare an ES default export: at run time the default import is the
// class itself, which the typings call `.default`. Either way, the class.
const Datastore = "default" in NeDB ? NeDB.default : NeDB;

/** Any subject, any JSON object: how the two implementations below hold messages. */
type AnyMessages = Record<string, object>;
type Handler = (payload: object) => Promise<void>;

/**
 * The queue, typed by subject: `M` maps each subject to its message (QueueMessages, in
 * domain/contracts.ts, for the services; a test of the queue itself may name its own).
 */
export interface DurableQueue<M extends object = QueueMessages> {
	/** Kept until every group consuming `subject` handled it; the same id twice is kept once. */
	publish<S extends keyof M & string>(subject: S, payload: M[S], id: string): Promise<void>;
	/** Handles `subject` for `group` on this node until close(); failures are retried later. */
	consume<S extends keyof M & string>(
		group: string,
		subject: S,
		handler: (payload: M[S]) => Promise<void>,
		options?: ConsumeOptions,
	): Promise<void>;
	/** Every dead letter, newest first. */
	deadLetters(): Promise<DeadLetter[]>;
	/**
	 * Publishes a dead letter's message again (once its cause is fixed) and removes the dead
	 * letter; false when there is none under `key`. The new message goes to every group that
	 * consumes the subject, which is harmless: handlers are idempotent.
	 */
	replay(key: string): Promise<boolean>;
	close(): Promise<void>;
}

/** How a group takes a subject's messages. */
export interface ConsumeOptions {
	/**
	 * Background work, such as analytics' counts. On the embedded queue the group waits while
	 * a consumer of foreground work on this node has messages pending (a publication's match
	 * tasks, which write the inbox), `yieldMs` at most per burst of foreground work: then it
	 * runs alongside until the foreground is idle again. One node's thread serves the
	 * clients' inbox and screens before the operators' counts, and a long burst delays the
	 * counts by `yieldMs`, not by `yieldMs` per message. On JetStream it changes nothing:
	 * there each service can have nodes of its own.
	 */
	background?: { yieldMs: number };
}

interface QueueOptions {
	log: ServiceBroker["logger"];
	clock: Clock;
	maxAttempts: number;
	/** Called once per message dead-lettered on this node (the metric). */
	onDeadLetter(letter: DeadLetter): void;
	/** A group starts consuming a subject here (the metric shows its zero). */
	onConsume(subject: string, group: string): void;
}

/** How long a message is kept for its consumers (JetStream max age; the embedded queue alike). */
export const queueKeepMs = 7 * 24 * 3_600_000;
// Long handlers keep their message with working() every third of this.
const ackWaitMs = 20_000;

const failureText = (err: unknown) => String((err as Error)?.message ?? err).slice(0, 500);
/** A replay is a new message: the original id would be dropped as a duplicate (JetStream) or found done. */
const replayId = (letter: DeadLetter, clock: Clock) => `replay:${letter.id}:${clock.now()}`;

const newestFirst = (letters: DeadLetter[]) => letters.sort((a, b) => b.failedAt.localeCompare(a.failedAt));

/** NATS error codes a JetStream publish gives while the server's streams recover from a restart. */
const transientCodes = new Set(["TIMEOUT", "503"]);
/** How long a JetStream publish waits for its acknowledgement, per attempt (below the broker's 10 s). */
const publishTimeoutMs = 2_000;

/**
 * Runs `publish` again, after a growing wait, when it fails with a transient code; `attempts`
 * times at most. JetStream just back from a restart can time out or answer "no responders"
 * while its streams recover (test/hostile/nats-restart.test.ts). Repeating is safe: the
 * message id deduplicates.
 */
export async function withPublishRetries(
	publish: () => Promise<unknown>,
	attempts = 3,
	waitMs = 250,
): Promise<void> {
	for (let attempt = 1; ; attempt++) {
		try {
			await publish();
			return;
		} catch (err) {
			const code = (err as { code?: unknown } | undefined)?.code;
			if (attempt >= attempts || typeof code !== "string" || !transientCodes.has(code)) throw err;
			await sleep(waitMs * 2 ** (attempt - 1));
		}
	}
}

async function jetStreamQueue(
	url: string,
	namespace: string,
	options: QueueOptions,
): Promise<DurableQueue<AnyMessages>> {
	const { log, clock, maxAttempts, onDeadLetter } = options;
	const nc: NatsConnection = await connect({
		servers: url,
		name: `insights-${namespace}-queue`,
		maxReconnectAttempts: -1,
	});
	const jsm = await nc.jetstreamManager();
	const js: JetStreamClient = nc.jetstream();
	const stream = `INSIGHTS_${namespace.replace(/[^\w-]/g, "_")}`;
	const subjectOf = (subject: string) => `insights.${namespace}.${subject}`;
	const codec = JSONCodec<object>();
	const letterCodec = JSONCodec<DeadLetter>();
	try {
		await jsm.streams.info(stream);
	} catch {
		await jsm.streams
			.add({
				name: stream,
				subjects: [`insights.${namespace}.>`],
				retention: RetentionPolicy.Limits,
				storage: StorageType.File,
				max_age: nanos(queueKeepMs),
				duplicate_window: nanos(3_600_000),
			})
			// Another node may have created it between our info and add.
			.catch(async (err) => {
				await jsm.streams.info(stream).catch(() => {
					throw err;
				});
			});
	}
	// File storage and no TTL: a dead letter stays until an operator has dealt with it.
	const dead = await js.views.kv(`${stream}_DEAD`, { history: 1, storage: StorageType.File });
	const stops: (() => void)[] = [];
	const running = new Set<Promise<void>>();
	const publish: DurableQueue<AnyMessages>["publish"] = async (subject, payload, id) => {
		const data = codec.encode(payload);
		await withPublishRetries(() =>
			js.publish(subjectOf(subject), data, { msgID: id, timeout: publishTimeoutMs }),
		);
	};
	return {
		async deadLetters() {
			const letters: DeadLetter[] = [];
			for await (const key of await dead.keys()) {
				const entry = await dead.get(key);
				if (entry?.value.length) letters.push({ ...letterCodec.decode(entry.value), key });
			}
			return newestFirst(letters);
		},
		async replay(key) {
			const entry = /^[\w-]+\.\d+$/.test(key) ? await dead.get(key) : null;
			if (!entry?.value.length) return false;
			const letter = letterCodec.decode(entry.value);
			await publish(letter.subject, letter.payload, replayId(letter, clock));
			await dead.delete(key);
			return true;
		},
		publish,
		async consume(group, subject, handler) {
			options.onConsume(subject, group);
			const durable = `${group}-${subject}`.replace(/[^\w-]/g, "_");
			await jsm.consumers
				.add(stream, {
					durable_name: durable,
					filter_subject: subjectOf(subject),
					ack_policy: AckPolicy.Explicit,
					deliver_policy: DeliverPolicy.All,
					ack_wait: nanos(ackWaitMs),
					max_deliver: maxAttempts,
				})
				.catch(() => undefined); // exists already: same config
			const consumer = await js.consumers.get(stream, durable);
			const messages = await consumer.consume({ max_messages: 4 });
			stops.push(() => messages.stop());
			const loop = (async () => {
				for await (const message of messages) {
					const keepAlive = setInterval(() => message.working(), ackWaitMs / 3);
					try {
						await handler(codec.decode(message.data));
						message.ack();
					} catch (err) {
						const attempt = message.info.redeliveryCount;
						if (attempt >= maxAttempts) {
							const key = `${durable}.${message.info.streamSequence}`;
							const letter: DeadLetter = {
								key,
								id: message.headers?.get("Nats-Msg-Id") || `${message.info.streamSequence}`,
								subject,
								group,
								payload: codec.decode(message.data),
								attempts: attempt,
								error: failureText(err),
								failedAt: new Date(clock.now()).toISOString(),
							};
							// Kept first, then let go: a crash in between only redelivers it.
							await dead.put(key, letterCodec.encode(letter));
							message.term();
							onDeadLetter(letter);
							log.error(`Queue ${subject} (${group}): dead-lettered after ${attempt} attempts`, {
								id: letter.id,
								error: letter.error,
							});
						} else {
							log.warn(`Queue ${subject} (${group}): handler failed`, { attempt, error: failureText(err) });
							// Back off more on each failure.
							message.nak(Math.min(60_000, 1_000 * 2 ** attempt));
						}
					} finally {
						clearInterval(keepAlive);
					}
				}
			})();
			running.add(loop);
		},
		async close() {
			for (const stop of stops) stop();
			await Promise.allSettled(running);
			await nc.drain().catch(() => undefined);
		},
	};
}

interface StoredMessage {
	_id: string;
	subject: string;
	/**
	 * The message as JSON text: NeDB checks, copies and serialises a text as one value, where
	 * an object costs it every key (a distributions batch holds a thousand client ids), and
	 * marking a message done rewrites the document.
	 */
	body?: string;
	/** How messages stored before `body` hold it. */
	payload?: object;
	/** Groups that handled it: { matcher: true }. */
	done: Record<string, true>;
	createdAt: number;
	/** Failed attempts per group so far. */
	attempts?: Record<string, number>;
}

const payloadOf = (message: StoredMessage): object =>
	message.body !== undefined ? (JSON.parse(message.body) as object) : (message.payload ?? {});

/** One group consuming one subject on this node. */
interface LocalConsumer {
	group: string;
	handler: Handler;
	busy: Promise<void>;
	/**
	 * The ids of the subject's messages this group has not done, oldest first: read from the
	 * file once when the group starts, then added to as messages are published. The file is
	 * not searched per message (it keeps every message of the last 7 days).
	 */
	pending: string[];
	background?: { yieldMs: number };
	/** A background group: since when it has yielded to the current burst of foreground work (monotonic ms). */
	yieldingSince?: number;
}

function localQueue(dataDir: string, options: QueueOptions): DurableQueue<AnyMessages> {
	const { log, clock, maxAttempts, onDeadLetter } = options;
	updateIndexesInPlace();
	const db = new Datastore<StoredMessage>({ filename: join(dataDir, "queue.db"), autoload: true });
	const dead = new Datastore<DeadLetter & { _id: string }>({
		filename: join(dataDir, "dead-letters.db"),
		autoload: true,
	});
	// Appended to for every message and every group done with one: kept open (nedb-append.ts).
	const appends = [keepFileOpen(db), keepFileOpen(dead)];
	const consumers = new Map<string, LocalConsumer[]>();
	let closed = false;

	const retryTimers = new Set<NodeJS.Timeout>();
	const markDone = (id: string, group: string) =>
		db.updateAsync({ _id: id }, { $set: { [`done.${group}`]: true } }, {});

	/** Background consumers waiting for the foreground to have nothing pending (ConsumeOptions). */
	const waitingForForeground = new Set<() => void>();
	const foregroundPending = () =>
		[...consumers.values()].some((list) => list.some((c) => !c.background && c.pending.length > 0));
	/**
	 * Resolves once no foreground consumer here has a message pending, or once the background
	 * group has yielded `yieldMs` to this burst of foreground work (then at once, until the
	 * foreground has been idle).
	 */
	function yieldToForeground(consumer: LocalConsumer, yieldMs: number): Promise<void> {
		if (closed || !foregroundPending()) {
			consumer.yieldingSince = undefined;
			return Promise.resolve();
		}
		consumer.yieldingSince ??= performance.now();
		const left = consumer.yieldingSince + yieldMs - performance.now();
		if (left <= 0) return Promise.resolve();
		return new Promise((resolve) => {
			const go = () => {
				clearTimeout(timer);
				waitingForForeground.delete(go);
				resolve();
			};
			const timer = setTimeout(go, left);
			waitingForForeground.add(go);
		});
	}
	const wakeBackground = () => {
		if (closed || !foregroundPending()) for (const go of [...waitingForForeground]) go();
	};

	/** Handles, one at a time, every message of `subject` the consumer's group has not done. */
	async function drain(subject: string, consumer: LocalConsumer, failures = 0): Promise<void> {
		const { group, handler, pending, background } = consumer;
		for (;;) {
			if (closed) return;
			const id = pending[0];
			if (id === undefined) {
				if (!background) wakeBackground();
				return;
			}
			const next = await db.findOneAsync({ _id: id });
			// Gone (past the keep window) or done already (listed twice: published as the group started).
			if (!next || next.done[group]) {
				pending.shift();
				continue;
			}
			if (background) await yieldToForeground(consumer, background.yieldMs);
			if (closed) return;
			try {
				await handler(payloadOf(next));
				await markDone(id, group);
				pending.shift();
			} catch (err) {
				const attempts = (next.attempts?.[group] ?? 0) + 1;
				if (attempts >= maxAttempts) {
					// Out of the way of the messages behind it, into the dead letters.
					const letter: DeadLetter = {
						key: `${group}|${id}`,
						id,
						subject,
						group,
						payload: payloadOf(next),
						attempts,
						error: failureText(err),
						failedAt: new Date(clock.now()).toISOString(),
					};
					await dead.updateAsync({ _id: letter.key }, { _id: letter.key, ...letter }, { upsert: true });
					await markDone(id, group);
					pending.shift();
					onDeadLetter(letter);
					log.error(`Queue ${subject} (${group}): dead-lettered after ${attempts} attempts`, {
						id,
						error: letter.error,
					});
					continue;
				}
				await db.updateAsync({ _id: id }, { $set: { [`attempts.${group}`]: attempts } }, {});
				// Try again later with growing waits; a restart also resumes from here.
				const waitMs = Math.min(60_000, 500 * 2 ** failures);
				log.warn(`Queue ${subject} (${group}): handler failed; retrying in ${waitMs} ms`, {
					error: (err as Error).message,
				});
				const timer = setTimeout(() => {
					retryTimers.delete(timer);
					consumer.busy = consumer.busy.then(() => drain(subject, consumer, failures + 1));
				}, waitMs);
				retryTimers.add(timer);
				return;
			}
		}
	}

	function kick(subject: string) {
		for (const consumer of consumers.get(subject) ?? [])
			consumer.busy = consumer.busy.then(() => drain(subject, consumer));
	}

	return {
		async deadLetters() {
			const letters = await dead.findAsync({});
			return newestFirst(letters.map(({ _id, ...letter }) => ({ ...letter, key: _id })));
		},
		async replay(key) {
			const letter = await dead.findOneAsync({ _id: key });
			if (!letter) return false;
			await this.publish(letter.subject, letter.payload, replayId(letter, clock));
			await dead.removeAsync({ _id: key }, {});
			return true;
		},
		async publish(subject, payload, id) {
			try {
				await db.insertAsync({
					_id: id,
					subject,
					body: JSON.stringify(payload),
					done: {},
					createdAt: clock.now(),
				});
			} catch (err) {
				// The same id twice is kept once: the first is pending or done already.
				if ((err as { errorType?: string }).errorType !== "uniqueViolated") throw err;
				return;
			}
			for (const consumer of consumers.get(subject) ?? []) consumer.pending.push(id);
			kick(subject);
		},
		async consume(group, subject, handler, consumeOptions) {
			options.onConsume(subject, group);
			// Listed before the file is read: a message published meanwhile is in the file's
			// answer, or pushed here, or both (then handled once: drain skips what is done).
			const consumer: LocalConsumer = {
				group,
				handler,
				busy: Promise.resolve(),
				pending: [],
				background: consumeOptions?.background,
			};
			consumers.set(subject, [...(consumers.get(subject) ?? []), consumer]);
			await db.removeAsync({ createdAt: { $lt: clock.now() - queueKeepMs } }, { multi: true });
			const stored = await db
				.findAsync({ subject, [`done.${group}`]: { $exists: false } }, { _id: 1 })
				.sort({ createdAt: 1 });
			// The stored ones first (older), then those pushed meanwhile; in place, so a drain
			// already holding the list sees the same one.
			const known = new Set(stored.map((message) => message._id));
			const pushed = consumer.pending.splice(0);
			for (const id of known) consumer.pending.push(id);
			for (const id of pushed) if (!known.has(id)) consumer.pending.push(id);
			kick(subject);
		},
		async close() {
			closed = true;
			wakeBackground();
			for (const timer of retryTimers) clearTimeout(timer);
			await Promise.allSettled([...consumers.values()].flat().map((c) => c.busy));
			await Promise.all(appends.map((append) => append.close()));
		},
	};
}

/** One queue per broker, shared by its services (one NeDB file must have one owner). */
const queues = new WeakMap<ServiceBroker, { queue: Promise<DurableQueue<AnyMessages>>; users: number }>();

/**
 * The broker's queue, typed by subject (QueueMessages unless a test of the queue names its
 * own). The one place the untyped queue becomes a typed one: only the typed `publish` writes
 * to a subject, so what a subject's consumers read is that subject's message.
 */
export function acquireQueue<M extends object = QueueMessages>(
	broker: ServiceBroker,
): Promise<DurableQueue<M>> {
	return anyQueue(broker) as Promise<DurableQueue<object>> as Promise<DurableQueue<M>>;
}

function anyQueue(broker: ServiceBroker): Promise<DurableQueue<AnyMessages>> {
	const existing = queues.get(broker);
	if (existing) {
		existing.users++;
		return existing.queue;
	}
	const config = configOf(broker);
	const deadLettered = metric(broker, domainMetrics.queueDeadLetters);
	const options: QueueOptions = {
		log: broker.logger,
		clock: config.clock,
		maxAttempts: config.queueMaxAttempts,
		onDeadLetter: (letter) => deadLettered.increment({ subject: letter.subject, group: letter.group }),
		onConsume: (subject, group) => deadLettered.zero({ subject, group }),
	};
	const queue = config.transporter
		? jetStreamQueue(config.transporter, config.namespace, options)
		: Promise.resolve(localQueue(config.dataDir, options));
	queues.set(broker, { queue, users: 1 });
	return queue;
}

export async function releaseQueue(broker: ServiceBroker): Promise<void> {
	const entry = queues.get(broker);
	if (!entry) return;
	entry.users--;
	if (entry.users > 0) return;
	queues.delete(broker);
	await (await entry.queue).close();
}
