/**
 * Inbox paging by a cursor, not by page numbers: a feed that grows at the top must not
 * repeat or skip items between pages. The cursor is the last item's (order, id).
 */
import { Errors } from "moleculer";
import type { Category } from "../../domain/product.ts";

export function cursorOf(doc: { order?: number; _id: string }): string {
	return `${doc.order ?? 0}~${doc._id}`;
}

/** The inbox's order, oldest first: by `order`, then by id (what a cursor names). */
export function byInboxOrder(a: { order: number; _id: string }, b: { order: number; _id: string }): number {
	return a.order - b.order || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);
}

function parse(cursor: string, name: string): { order: number; id: string } {
	const at = cursor.indexOf("~");
	const order = Number(cursor.slice(0, at));
	if (at > 0 && Number.isFinite(order)) return { order, id: cursor.slice(at + 1) };
	throw new Errors.ValidationError(
		`${name} must be a cursor from a previous answer (its "next" or a notification's position).`,
		"INVALID_CURSOR",
	);
}

export function pageQuery(options: {
	subscriberId: string;
	unread?: boolean;
	category?: Category;
	since?: string;
	before?: string;
}): Record<string, unknown> {
	const query: Record<string, unknown> = { subscriberId: options.subscriberId };
	if (options.unread) query.readAt = { $exists: false };
	if (options.category) query.category = options.category;
	const bounds: object[] = [];
	const before = options.before ? parse(options.before, "before") : undefined;
	if (before)
		bounds.push({
			$or: [{ order: { $lt: before.order } }, { order: before.order, _id: { $lt: before.id } }],
		});
	const since = options.since ? parse(options.since, "since") : undefined;
	if (since)
		bounds.push({ $or: [{ order: { $gt: since.order } }, { order: since.order, _id: { $gt: since.id } }] });
	if (bounds.length > 0) query.$and = bounds;
	return query;
}
