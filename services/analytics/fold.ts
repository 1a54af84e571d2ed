/**
 * Folded counters: what every notification fact dated before a day added up to, kept instead
 * of the facts so that memory, the store and a restart stay flat however many old facts there
 * were (docs/analytics.md, "Folding"). Stored as one generation of chunks and a pointer
 * document: a new generation is written whole, then the pointer is moved to it in one write
 * that succeeds only if nobody moved it first, then the old chunks and the folded facts go.
 * A crash at any point leaves either the old fold and its facts, or the new fold and facts
 * it already holds (skipped at start, as their day is before it).
 */

export interface FoldedCounts {
	/** Every notification fact dated before this São Paulo day is counted here, and only those. */
	before: string;
	notifications: number;
	/** The view's `distributed|<grouping>|<day>|<key>` counters and their counts. */
	daily: [string, number][];
	sources: string[];
	/** [category, source, notifications]. */
	labelled: [string, string, number][];
	/** Subscriber ids by their number in the bit sets below. */
	subscribers: string[];
	/** [productId, every subscriber notified of it, as bits in base64]. */
	reached: [string, string][];
	/** [publicationId, notifications, subscribers notified as bits in base64]. */
	publications: [string, number, string][];
}

export interface FoldPointer {
	_id: typeof foldPointerId;
	kind: "fold";
	/** A random id: two nodes folding at once never write each other's chunks. */
	generation: string;
	chunks: number;
	before: string;
}

export interface FoldChunk {
	_id: string;
	kind: "fold-chunk";
	generation: string;
	text: string;
}

export const foldPointerId = "fold";

/** Under MongoDB's 16 MB document limit with room to spare. */
const chunkLength = 4_000_000;

export function foldChunks(counts: FoldedCounts, generation: string): FoldChunk[] {
	const text = JSON.stringify(counts);
	const chunks: FoldChunk[] = [];
	for (let at = 0, i = 0; at < text.length || i === 0; at += chunkLength, i++)
		chunks.push({
			_id: `fold-chunk:${generation}:${i}`,
			kind: "fold-chunk",
			generation,
			text: text.slice(at, at + chunkLength),
		});
	return chunks;
}

/** The counts the pointer names, from its chunks (any order, other generations ignored). */
export function readFold(pointer: FoldPointer, chunks: FoldChunk[]): FoldedCounts {
	const own = chunks
		.filter((chunk) => chunk.generation === pointer.generation)
		.sort((a, b) => chunkIndex(a) - chunkIndex(b));
	if (own.length !== pointer.chunks)
		throw new Error(
			`Folded analytics generation ${pointer.generation}: ${own.length} of ${pointer.chunks} chunks`,
		);
	return JSON.parse(own.map((chunk) => chunk.text).join(""));
}

function chunkIndex(chunk: FoldChunk): number {
	return Number(chunk._id.slice(chunk._id.lastIndexOf(":") + 1));
}

/** An erased client's id replaced in folded counts (their number, and so their bits, stay). */
export function renameInFold(counts: FoldedCounts, subscriberId: string, replacement: string): boolean {
	const at = counts.subscribers.indexOf(subscriberId);
	if (at < 0) return false;
	counts.subscribers[at] = replacement;
	return true;
}
