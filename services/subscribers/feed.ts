/**
 * The internal feeds other services page through (matcher, mailer): rows in pages by id, a
 * cursor rather than an offset, so a million subscribers load in linear time. `next` is the
 * last id of a full page and absent at the end.
 *
 * A page also stops at `maxPageBytes` of JSON, whatever its size asked: it travels as one
 * NATS message, and NATS refuses a message over its max_payload (1 MB by default). 5,000
 * clients with their interests came to about 1.5 MB, and a matcher could not start.
 */

/** The params every feed takes: where the previous page ended, and how many rows. */
export const feedParams = {
	after: "string|optional",
	pageSize: "number|integer|min:1|max:5000|default:1000",
} as const;

export interface FeedCursor {
	after?: string;
	pageSize: number;
}

export interface FeedPage<Row> {
	rows: Row[];
	next?: string;
}

/** Half NATS's default max_payload: room for the envelope Moleculer wraps a reply in. */
export const maxPageBytes = 512 * 1024;

/** What a feed reads with: DbMixin's `pageById`, documents after the cursor in id order. */
interface FeedStore {
	pageById<Doc extends { _id: string }>(
		query: object,
		after: string | undefined,
		limit: number,
	): Promise<Doc[]>;
}

/** One page of the documents matching `query` after the cursor, each shown as `toRow` says. */
export async function feedPage<Doc extends { _id: string }, Row>(
	store: FeedStore,
	query: object,
	{ after, pageSize }: FeedCursor,
	toRow: (doc: Doc) => Row,
): Promise<FeedPage<Row>> {
	const docs = await store.pageById<Doc>(query, after, pageSize);
	const rows: Row[] = [];
	let bytes = 0;
	for (const doc of docs) {
		const row = toRow(doc);
		bytes += Buffer.byteLength(JSON.stringify(row));
		// At least one row a page, so the feed always moves on.
		if (bytes > maxPageBytes && rows.length > 0) return { rows, next: (docs[rows.length - 1] as Doc)._id };
		rows.push(row);
	}
	return { rows, next: docs.length === pageSize ? docs.at(-1)?._id : undefined };
}
