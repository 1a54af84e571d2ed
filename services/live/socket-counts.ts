/**
 * Open sockets per key (a client IP, a subscriber) on this live node, so one address or one
 * session cannot hold every connection the node can serve. Checked when a socket connects,
 * counted while it is open.
 */
export class SocketCounts {
	readonly #open = new Map<string, number>();

	count(key: string): number {
		return this.#open.get(key) ?? 0;
	}

	add(key: string): void {
		this.#open.set(key, this.count(key) + 1);
	}

	remove(key: string): void {
		const left = this.count(key) - 1;
		if (left > 0) this.#open.set(key, left);
		else this.#open.delete(key);
	}
}
