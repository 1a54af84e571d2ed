/**
 * NeDB appends each change to its file with fs.promises.appendFile: open, write and close,
 * three trips through libuv's thread pool for every insert or update. A store written once
 * or twice per e-mail (the delivery log, the notifications' marks) spent more of the main
 * thread opening and closing its file than writing to it (bench mail: `openFileHandle` and
 * `close` together above the writes).
 *
 * This keeps each datastore's file open for appending. NeDB runs one operation at a time per
 * datastore, so appends never interleave. Before NeDB replaces the file (loading and
 * compacting write a new file and rename it over the old) the handle is closed, and the next
 * append opens the file that is there then. (A dropped datastore takes no change until it
 * is loaded again, so a drop is covered by the load.) The durability is appendFile's: a
 * write to a descriptor opened for appending, no fsync either way. The writes stay
 * asynchronous: synchronous ones were tried, and the mail bench went from 225 to 148
 * messages/s, the main thread waiting on the disk's writeback at each write.
 */
import { type FileHandle, open } from "node:fs/promises";
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
	let handle: Promise<FileHandle> | undefined;
	const close = async () => {
		const closing = handle;
		handle = undefined;
		// A file that could not be opened has nothing to close (its append already failed).
		if (closing)
			await closing.then(
				(file) => file.close(),
				() => undefined,
			);
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
		handle ??= open(persistence.filename, "a", persistence.modes.fileMode);
		let file: FileHandle;
		try {
			file = await handle;
		} catch (err) {
			handle = undefined;
			throw err;
		}
		await file.appendFile(Buffer.concat(lines));
	};
	persistence.persistCachedDatabaseAsync = async () => {
		await close();
		await rewrite();
	};
	return { close };
}
