/**
 * NeDB updates a document's place in every index by taking it out and putting it back:
 * for each index, a deletion and an insertion in its balanced tree, each rebalancing it,
 * also when the indexed value did not change. A digest marks ten notifications mailed and
 * its delivery sent: hundreds of tree operations per e-mail on the inbox's id index of
 * 100,000 and more documents, about a tenth of the mailer's thread (bench mail).
 *
 * Where the indexed value is the same before and after (a plain string, number or boolean),
 * the new document takes the old one's place in the tree's list for that value instead.
 * Everything else (a changed value, a missing one, arrays, dates, objects) goes NeDB's own
 * way, and when that fails (a unique value taken) the documents put in place are put back,
 * as NeDB rolls back its own part. Applied to NeDB's Index class once, for every datastore.
 */
import Index from "@seald-io/nedb/lib/indexes.js";
import model from "@seald-io/nedb/lib/model.js";

interface Pair {
	oldDoc: object;
	newDoc: object;
}

/** The parts of NeDB's Index (lib/indexes.js, @seald-io/nedb 3) this reads and wraps. */
interface NedbIndex {
	fieldName: string;
	tree: { search(key: unknown): object[] };
	update(oldDoc: object | Pair[], newDoc?: object): void;
}

const sameKeyKinds = new Set(["string", "number", "boolean"]);

/** Puts `newDoc` where `oldDoc` is when both have the same plain value for the index's field. */
function replaceInPlace(index: NedbIndex, oldDoc: object, newDoc: object): boolean {
	const key = model.getDotValue(oldDoc, index.fieldName);
	if (!sameKeyKinds.has(typeof key) || model.getDotValue(newDoc, index.fieldName) !== key) return false;
	const docs = index.tree.search(key);
	const at = docs.indexOf(oldDoc);
	if (at === -1) return false;
	docs[at] = newDoc;
	return true;
}

function isNedbIndex(proto: unknown): proto is NedbIndex {
	return typeof proto === "object" && proto !== null && typeof Reflect.get(proto, "update") === "function";
}

let applied = false;

/** Makes NeDB's index updates keep a document in place when its indexed value did not change. */
export function updateIndexesInPlace(): void {
	const proto: unknown = Index.prototype;
	if (applied || !isNedbIndex(proto)) return;
	applied = true;
	const nedbUpdate = proto.update;
	proto.update = function update(this: NedbIndex, oldDoc: object | Pair[], newDoc?: object): void {
		const pairs = Array.isArray(oldDoc) ? oldDoc : [{ oldDoc, newDoc: newDoc as object }];
		// A document twice in one update (found once per element of an indexed list): NeDB's own
		// way, which refuses it whole; put in place once, its second pair would find it gone.
		if (pairs.length > 1 && new Set(pairs.map((pair) => pair.oldDoc)).size < pairs.length) {
			nedbUpdate.call(this, oldDoc, newDoc);
			return;
		}
		const inPlace: Pair[] = [];
		const moved: Pair[] = [];
		for (const pair of pairs) (replaceInPlace(this, pair.oldDoc, pair.newDoc) ? inPlace : moved).push(pair);
		if (moved.length === 0) return;
		try {
			nedbUpdate.call(this, moved);
		} catch (err) {
			for (const pair of inPlace) replaceInPlace(this, pair.newDoc, pair.oldDoc);
			throw err;
		}
	};
}
