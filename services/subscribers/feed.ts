/**
 * The internal feeds other services page through (matcher, mailer): rows in pages by id, a
 * cursor rather than an offset, so a million subscribers load in linear time. `next` is the
 * last id of a full page and absent at the end.
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

/** The part of moleculer-db's adapter a feed reads with. */
interface FeedStore<Doc> {
	find(params: { query: object; sort: string[]; limit: number }): Promise<Doc[]>;
}

/** One page of the documents matching `query` after the cursor, each shown as `toRow` says. */
export async function feedPage<Doc extends { _id: string }, Row>(
	store: FeedStore<Doc>,
	query: object,
	{ after, pageSize }: FeedCursor,
	toRow: (doc: Doc) => Row,
): Promise<FeedPage<Row>> {
	const docs = await store.find({
		query: { ...query, ...(after ? { _id: { $gt: after } } : {}) },
		sort: ["_id"],
		limit: pageSize,
	});
	return { rows: docs.map(toRow), next: docs.length === pageSize ? docs.at(-1)?._id : undefined };
}
