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
	/** Why runs cannot be locked right now (NATS away, the bucket not back yet); undefined when they can. */
	problem(): string | undefined;
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
		problem: () => undefined,
		async close() {},
	};
}

const codec = StringCodec();

/** JetStream's answer when the key already exists; anything else is a real failure. */
function taken(err: unknown): boolean {
	return /wrong last sequence|key exists/i.test((err as Error)?.message ?? "");
}

/** How often a lock that lost its bucket tries to get it back, when nothing else asks. */
const recoverEveryMs = 2_000;

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
	// In memory: a lock outliving a NATS restart would only block runs for nothing. So a
	// restarted NATS has no bucket at all: it is made again (views.kv creates it) on the
	// first operation that fails, and until that works runs are refused and the node is not
	// ready, rather than every run failing for good.
	const open = () => nc.jetstream().views.kv(bucket, { ttl: ttlMs, history: 1, storage: StorageType.Memory });
	let kv: KV = await open();
	let problem: string | undefined;
	let recovering: NodeJS.Timeout | undefined;

	/** Runs `op` on the bucket; a failure other than "taken" reopens the bucket and tries once more. */
	async function withBucket<T>(op: (bucket: KV) => Promise<T>): Promise<T> {
		try {
			const result = await op(kv);
			problem = undefined;
			return result;
		} catch (err) {
			if (taken(err)) throw err;
			try {
				kv = await open();
				const result = await op(kv);
				problem = undefined;
				return result;
			} catch (again) {
				if (taken(again)) throw again;
				problem = `the run lock is unavailable: ${(again as Error).message}`;
				keepRecovering();
				throw again;
			}
		}
	}

	function keepRecovering() {
		if (recovering) return;
		recovering = setInterval(async () => {
			try {
				kv = await open();
				await kv.status();
				problem = undefined;
				clearInterval(recovering);
				recovering = undefined;
			} catch {}
		}, recoverEveryMs);
		recovering.unref();
	}

	const key = "run";
	return {
		async acquire(owner) {
			let revision: number;
			try {
				revision = await withBucket((b) => b.create(key, codec.encode(owner)));
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
				await withBucket((b) => b.create(`tick.${tick.replace(/[^\w-]/g, "_")}`, codec.encode("claimed")));
				return true;
			} catch (err) {
				if (taken(err)) return false;
				throw err;
			}
		},
		problem: () => problem,
		async close() {
			clearInterval(recovering);
			await nc.drain().catch(() => undefined);
		},
	};
}
