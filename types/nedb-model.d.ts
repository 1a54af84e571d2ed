/**
 * NeDB's serialiser (@seald-io/nedb 3, lib/model.js), which its package types leave out:
 * lib/nedb-append.ts writes each line exactly as NeDB's own append does.
 */
declare module "@seald-io/nedb/lib/model.js" {
	/** One document as a line of the datafile (dates as `$$date`, keys checked). */
	export function serialize(doc: object): string;
	const model: { serialize: typeof serialize };
	export default model;
}
