/**
 * Sets of subscribers as bits, one per subscriber by their number in `Subscribers`: a
 * publication's audience or a product's reach costs an eighth of a byte per client, however
 * many notifications made it, so counters folded from old facts stay small (docs/analytics.md).
 */
import BitField from "bitfield";

/** Numbers every subscriber id analytics has seen, in the order first seen. */
export class Subscribers {
	private readonly ids: string[] = [];
	private readonly numbers = new Map<string, number>();

	constructor(ids: readonly string[] = []) {
		for (const id of ids) this.numberOf(id);
	}

	/** The subscriber's number, given one the first time they are seen. */
	numberOf(id: string): number {
		let number = this.numbers.get(id);
		if (number === undefined) {
			number = this.ids.length;
			this.ids.push(id);
			this.numbers.set(id, number);
		}
		return number;
	}

	/** The subscriber's number, if they were seen. */
	seen(id: string): number | undefined {
		return this.numbers.get(id);
	}

	/** An erased client's number now stands for their replacement id. */
	rename(id: string, replacement: string): void {
		const number = this.numbers.get(id);
		if (number === undefined) return;
		this.numbers.delete(id);
		this.numbers.set(replacement, number);
		this.ids[number] = replacement;
	}

	list(): string[] {
		return [...this.ids];
	}
}

/** A set of subscriber numbers, with its size kept as bits are added. */
export class SubscriberSet {
	private readonly bits: BitField;
	private count = 0;

	constructor(stored?: string) {
		const buffer = stored === undefined ? undefined : new Uint8Array(Buffer.from(stored, "base64"));
		this.bits = new BitField(buffer ?? 0, { grow: Number.POSITIVE_INFINITY });
		if (buffer) for (const byte of buffer) this.count += popcount(byte);
	}

	get size(): number {
		return this.count;
	}

	/** Adds `number`; true when it was not in the set. */
	add(number: number): boolean {
		if (this.bits.get(number)) return false;
		this.bits.set(number, true);
		this.count += 1;
		return true;
	}

	/** The bits as base64, for the folded counters' document. */
	stored(): string {
		return Buffer.from(this.bits.buffer).toString("base64");
	}
}

function popcount(byte: number): number {
	let n = byte;
	let count = 0;
	while (n) {
		n &= n - 1;
		count += 1;
	}
	return count;
}
