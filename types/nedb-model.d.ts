/**
 * NeDB's serialiser and field reader (@seald-io/nedb 3, lib/model.js), and its Index class
 * (lib/indexes.js), which its package types leave out: lib/nedb-append.ts writes each line
 * exactly as NeDB's own append does; lib/nedb-index.ts reads index keys as NeDB does.
 */
declare module "@seald-io/nedb/lib/model.js" {
	/** One document as a line of the datafile (dates as `$$date`, keys checked). */
	export function serialize(doc: object): string;
	/** A document's value at a dotted path, as NeDB's indexes read it. */
	export function getDotValue(doc: object, field: string): unknown;
	const model: { serialize: typeof serialize; getDotValue: typeof getDotValue };
	export default model;
}

declare module "@seald-io/nedb/lib/indexes.js" {
	/** Checked for the shape it needs where it is used (lib/nedb-index.ts). */
	const Index: { prototype: unknown };
	export default Index;
}
