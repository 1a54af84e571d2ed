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
 */
import { join } from "node:path";
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

// CommonJS whose typings declare an ES default export; at run time the module is the class.
const Datastore = NeDB as unknown as typeof NeDB.default;

export type Handler = (payload: Record<string, unknown>) => Promise<void>;

export interface DurableQueue {
	/** Kept until every group consuming `subject` handled it; the same id twice is kept once. */
	publish(subject: string, payload: Record<string, unknown>, id: string): Promise<void>;
	/** Handles `subject` for `group` on this node until close(); failures are retried later. */
	consume(group: string, subject: string, handler: Handler): Promise<void>;
	close(): Promise<void>;
}

const keepMs = 7 * 24 * 3_600_000;
// Long handlers keep their message with working() every third of this.
const ackWaitMs = 20_000;
const maxDeliveries = 20;

async function jetStreamQueue(
	url: string,
	namespace: string,
	log: ServiceBroker["logger"],
): Promise<DurableQueue> {
	const nc: NatsConnection = await connect({
		servers: url,
		name: `insights-${namespace}-queue`,
		maxReconnectAttempts: -1,
	});
	const jsm = await nc.jetstreamManager();
	const js: JetStreamClient = nc.jetstream();
	const stream = `INSIGHTS_${namespace.replace(/[^\w-]/g, "_")}`;
	const subjectOf = (subject: string) => `insights.${namespace}.${subject}`;
	const codec = JSONCodec<Record<string, unknown>>();
	try {
		await jsm.streams.info(stream);
	} catch {
		await jsm.streams
			.add({
				name: stream,
				subjects: [`insights.${namespace}.>`],
				retention: RetentionPolicy.Limits,
				storage: StorageType.File,
				max_age: nanos(keepMs),
				duplicate_window: nanos(3_600_000),
			})
			// Another node may have created it between our info and add.
			.catch(async (err) => {
				await jsm.streams.info(stream).catch(() => {
					throw err;
				});
			});
	}
	const stops: (() => void)[] = [];
	const running = new Set<Promise<void>>();
	return {
		async publish(subject, payload, id) {
			await js.publish(subjectOf(subject), codec.encode(payload), { msgID: id });
		},
		async consume(group, subject, handler) {
			const durable = `${group}-${subject}`.replace(/[^\w-]/g, "_");
			await jsm.consumers
				.add(stream, {
					durable_name: durable,
					filter_subject: subjectOf(subject),
					ack_policy: AckPolicy.Explicit,
					deliver_policy: DeliverPolicy.All,
					ack_wait: nanos(ackWaitMs),
					max_deliver: maxDeliveries,
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
						const last = message.info.redeliveryCount >= maxDeliveries;
						log[last ? "error" : "warn"](`Queue ${subject} (${group}): handler failed`, {
							attempt: message.info.redeliveryCount,
							error: (err as Error).message,
						});
						// Back off more on each failure; after the last attempt the message is dropped.
						message.nak(Math.min(60_000, 1_000 * 2 ** message.info.redeliveryCount));
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
	payload: Record<string, unknown>;
	/** Groups that handled it: { matcher: true }. */
	done: Record<string, true>;
	createdAt: number;
}

function localQueue(dataDir: string, log: ServiceBroker["logger"], clock: Clock): DurableQueue {
	const db = new Datastore<StoredMessage>({ filename: join(dataDir, "queue.db"), autoload: true });
	const consumers = new Map<string, { group: string; handler: Handler; busy: Promise<void> }[]>();
	let closed = false;

	const retryTimers = new Set<NodeJS.Timeout>();

	/** Handles, one at a time per group, every message of `subject` that group has not done. */
	async function drain(subject: string, group: string, handler: Handler, failures = 0): Promise<void> {
		for (;;) {
			if (closed) return;
			const next = await db
				.findOneAsync({ subject, [`done.${group}`]: { $exists: false } })
				.sort({ createdAt: 1 });
			if (!next) return;
			try {
				await handler(next.payload);
				await db.updateAsync({ _id: next._id }, { $set: { [`done.${group}`]: true } }, {});
			} catch (err) {
				// Try again later with growing waits; a restart also resumes from here.
				const waitMs = Math.min(60_000, 500 * 2 ** failures);
				log.warn(`Queue ${subject} (${group}): handler failed; retrying in ${waitMs} ms`, {
					error: (err as Error).message,
				});
				const timer = setTimeout(() => {
					retryTimers.delete(timer);
					for (const consumer of consumers.get(subject) ?? [])
						if (consumer.group === group)
							consumer.busy = consumer.busy.then(() => drain(subject, group, handler, failures + 1));
				}, waitMs);
				retryTimers.add(timer);
				return;
			}
		}
	}

	function kick(subject: string) {
		for (const consumer of consumers.get(subject) ?? []) {
			consumer.busy = consumer.busy.then(() => drain(subject, consumer.group, consumer.handler));
		}
	}

	return {
		async publish(subject, payload, id) {
			try {
				await db.insertAsync({ _id: id, subject, payload, done: {}, createdAt: clock.now() });
			} catch (err) {
				if ((err as { errorType?: string }).errorType !== "uniqueViolated") throw err;
			}
			kick(subject);
		},
		async consume(group, subject, handler) {
			const list = consumers.get(subject) ?? [];
			list.push({ group, handler, busy: Promise.resolve() });
			consumers.set(subject, list);
			await db.removeAsync({ createdAt: { $lt: clock.now() - keepMs } }, { multi: true });
			kick(subject);
		},
		async close() {
			closed = true;
			for (const timer of retryTimers) clearTimeout(timer);
			await Promise.allSettled([...consumers.values()].flat().map((c) => c.busy));
		},
	};
}

/** One queue per broker, shared by its services (one NeDB file must have one owner). */
const queues = new WeakMap<ServiceBroker, { queue: Promise<DurableQueue>; users: number }>();

export function acquireQueue(broker: ServiceBroker): Promise<DurableQueue> {
	const existing = queues.get(broker);
	if (existing) {
		existing.users++;
		return existing.queue;
	}
	const config = configOf(broker);
	const queue = config.transporter
		? jetStreamQueue(config.transporter, config.namespace, broker.logger)
		: Promise.resolve(localQueue(config.dataDir, broker.logger, config.clock));
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
