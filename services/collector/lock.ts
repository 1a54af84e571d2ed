/**
 * "Two runs never overlap, also across collector nodes." In one process a flag does it; in
 * a cluster, a NATS JetStream key-value entry does: `create` succeeds for exactly one node,
 * the holder refreshes it while it runs, and the bucket's TTL frees it if the holder dies.
 * The same bucket dedupes schedule ticks, so a tick runs on one node, not on every node.
 */
import { connect, type KV, type NatsConnection, StorageType, StringCodec } from "nats";

export interface RunLock {
	/** Returns a release function, or undefined when another run holds the lock. */
	acquire(owner: string): Promise<(() => Promise<void>) | undefined>;
	/** True for the first node to claim this schedule tick, false for every other. */
	claimTick(tick: string): Promise<boolean>;
	close(): Promise<void>;
}

export function localLock(): RunLock {
	let held = false;
	return {
		async acquire() {
			if (held) return undefined;
			held = true;
			return async () => {
				held = false;
			};
		},
		async claimTick() {
			return true;
		},
		async close() {},
	};
}

const codec = StringCodec();

/** JetStream's answer when the key already exists; anything else is a real failure. */
function taken(err: unknown): boolean {
	return /wrong last sequence|key exists/i.test((err as Error)?.message ?? "");
}

export async function natsLock(
	url: string,
	bucket: string,
	{ ttlMs = 60_000 }: { ttlMs?: number } = {},
): Promise<RunLock> {
	const nc: NatsConnection = await connect({
		servers: url,
		name: `${bucket}-lock`,
		maxReconnectAttempts: -1,
	});
	// In memory: a lock outliving a NATS restart would only block runs for nothing.
	const kv: KV = await nc
		.jetstream()
		.views.kv(bucket, { ttl: ttlMs, history: 1, storage: StorageType.Memory });
	const key = "run";
	return {
		async acquire(owner) {
			let revision: number;
			try {
				revision = await kv.create(key, codec.encode(owner));
			} catch (err) {
				if (taken(err)) return undefined;
				throw err;
			}
			// Refresh well within the TTL so a long run keeps it; a dead holder's entry expires.
			const refresh = setInterval(async () => {
				try {
					revision = await kv.update(key, codec.encode(owner), revision);
				} catch {
					// Lost it (expired while NATS was away): the run goes on; the next one waits its turn.
				}
			}, ttlMs / 3);
			refresh.unref();
			return async () => {
				clearInterval(refresh);
				await kv.delete(key, { previousSeq: revision }).catch(() => undefined);
			};
		},
		async claimTick(tick) {
			try {
				await kv.create(`tick.${tick.replace(/[^\w-]/g, "_")}`, codec.encode("claimed"));
				return true;
			} catch (err) {
				if (taken(err)) return false;
				throw err;
			}
		},
		async close() {
			await nc.drain().catch(() => undefined);
		},
	};
}
