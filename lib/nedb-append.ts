/**
 * NeDB appends each change to its file with fs.promises.appendFile: open, write and close,
 * three trips through libuv's thread pool for every insert or update. A store written once
 * or twice per e-mail (the delivery log, the notifications' marks) spent more of the main
 * thread opening and closing its file than writing to it (bench mail: `openFileHandle` and
 * `close` together above the writes).
 *
 * This keeps each datastore's file open for appending. NeDB runs one operation at a time per
 * datastore, so appends never interleave. Before NeDB replaces the file (loading and
 * compacting write a new file and rename it over the old) the file is closed, and the next
 * append opens the file that is there then. (A dropped datastore takes no change until it
 * is loaded again, so a drop is covered by the load.) The durability is appendFile's: a
 * write to a descriptor opened for appending, no fsync either way.
 *
 * The writes are synchronous, to the page cache: about 4 µs for a line, against 17–22 µs of
 * the main thread to hand an asynchronous write to libuv's pool and be woken for its answer
 * (measured here). Bench mail, alternating both within minutes: 407/s synchronous against
 * 356/s asynchronous, with rendering alone at 4,448 and 4,278/s in those runs. With the
 * SMTP pool on its own thread both cores are busy, and each wake-up of the pool costs a
 * switch as well. (Before that thread, a synchronous try measured 148 against 225/s.)
 * After each write the event loop still turns (below).
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { setImmediate as nextTurn } from "node:timers/promises";
import model from "@seald-io/nedb/lib/model.js";

/** The part of NeDB's Persistence this replaces or wraps (lib/persistence.js, @seald-io/nedb 3). */
interface Persistence {
	filename: string;
	inMemoryOnly: boolean;
	modes: { fileMode: number };
	afterSerialization(line: string): string;
	persistNewStateAsync(docs: object[]): Promise<void>;
	persistCachedDatabaseAsync(): Promise<void>;
}

function isPersistence(value: unknown): value is Persistence {
	return (
		typeof value === "object" &&
		value !== null &&
		typeof Reflect.get(value, "filename") === "string" &&
		typeof Reflect.get(value, "persistNewStateAsync") === "function" &&
		typeof Reflect.get(value, "persistCachedDatabaseAsync") === "function"
	);
}

export interface AppendHandle {
	/** Closes the file (a stopping service); a later append would open it again. */
	close(): Promise<void>;
}

const newline = Buffer.from("\n");

/** Keeps a NeDB datastore's file open for its appends; a datastore of another shape is left as it is. */
export function keepFileOpen(datastore: object): AppendHandle {
	let fd: number | undefined;
	const close = async () => {
		if (fd !== undefined) closeSync(fd);
		fd = undefined;
	};
	const persistence: unknown = Reflect.get(datastore, "persistence");
	if (!isPersistence(persistence) || persistence.inMemoryOnly) return { close };
	const rewrite = persistence.persistCachedDatabaseAsync.bind(persistence);
	persistence.persistNewStateAsync = async (docs) => {
		// As NeDB writes them: one serialised document per line, after its hook. Each line is
		// encoded on its own: NeDB's one text of a thousand lines is a rope that V8 encodes to
		// UTF-8 several times slower than the lines one by one (bench pipeline: the largest
		// single cost of an inbox write).
		const lines: Buffer[] = [];
		for (const doc of docs)
			lines.push(Buffer.from(persistence.afterSerialization(model.serialize(doc))), newline);
		if (lines.length === 0) return;
		fd ??= openSync(persistence.filename, "a", persistence.modes.fileMode);
		const data = Buffer.concat(lines);
		for (let at = 0; at < data.length; ) at += writeSync(fd, data, at);
		// Then the event loop turns, as it did while an asynchronous write was on its way: a run
		// of changes (a digest sweep writes four per client) must not hold sockets and timers
		// for its whole length (bench mail: nothing was sent until the sweep ended).
		await nextTurn();
	};
	persistence.persistCachedDatabaseAsync = async () => {
		await close();
		await rewrite();
	};
	return { close };
}
