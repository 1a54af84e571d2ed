/** Notification cursors ("<order>~<id>", from the notifications service), compared in order. */
export interface Cursor {
	order: number;
	id: string;
}

export function parseCursor(text: string): Cursor | undefined {
	const at = text.indexOf("~");
	const order = Number(text.slice(0, at));
	return at > 0 && Number.isFinite(order) && text.length <= 400
		? { order, id: text.slice(at + 1) }
		: undefined;
}

export function compareCursors(a: Cursor, b: Cursor): number {
	return a.order !== b.order ? a.order - b.order : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function formatCursor(cursor: Cursor): string {
	return `${cursor.order}~${cursor.id}`;
}
