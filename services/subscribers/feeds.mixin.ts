/**
 * The subscribers service's internal feeds, mixed into it: what the matcher indexes
 * (active, changedSince), whom the mailer may write to (mailable), and how many clients
 * there are (countActive). Never routed over HTTP. Paging: ./feed.ts.
 */
import type { Context } from "moleculer";
import { configOf } from "../../config.ts";
import { defineMixin } from "../../lib/service.ts";
import type { DbLocals } from "../../mixins/db.mixin.ts";
import { type FeedCursor, feedPage, feedParams } from "./feed.ts";
import { changedRow, type SubscriberDoc, subscriptionRow } from "./view.ts";

export const FeedsMixin = defineMixin<object, DbLocals>()({
	actions: {
		/**
		 * Internal: verified subscribers' matching data in pages by id (a cursor, not an
		 * offset, so a million subscribers load in linear time); `next` is absent at the end.
		 */
		active: {
			visibility: "public",
			params: { ...feedParams },
			handler(ctx: Context<FeedCursor>) {
				const { suitabilityValidMonths } = configOf(this.broker);
				return feedPage(this, { status: "verified" }, ctx.params, (row: SubscriberDoc) =>
					subscriptionRow(row, suitabilityValidMonths),
				);
			},
		},

		/**
		 * Internal (matcher): every subscriber changed since `since`, whatever their status, in
		 * pages by id, so a matcher that missed a `subscribers.changed` event can catch up.
		 * Clients erased within the queue's keep window come back as tombstones (id only).
		 */
		changedSince: {
			visibility: "public",
			params: { since: { type: "string", pattern: /^\d{4}-\d{2}-\d{2}T/ }, ...feedParams },
			handler(ctx: Context<FeedCursor & { since: string }>) {
				const { suitabilityValidMonths } = configOf(this.broker);
				return feedPage(this, { updatedAt: { $gte: ctx.params.since } }, ctx.params, (row: SubscriberDoc) =>
					changedRow(row, suitabilityValidMonths),
				);
			},
		},

		/** Internal (publications, analytics): how many verified subscribers there are now. */
		countActive: {
			visibility: "public",
			async handler() {
				return { count: await this.adapter.count({ query: { status: "verified" } }) };
			},
		},

		/**
		 * Internal (mailer digests): who may receive e-mail now, a page at a time by id; given
		 * `ids` (the clients with mail due), those of them who may.
		 */
		mailable: {
			visibility: "public",
			params: { ...feedParams, ids: { type: "array", items: "string|min:1", max: 5_000, optional: true } },
			async handler(ctx: Context<FeedCursor & { ids?: string[] }>) {
				const mayMail = { status: "verified", "preferences.email": true };
				const toRow = (row: SubscriberDoc) => ({
					id: row._id,
					email: row.email,
					name: row.name,
					locale: row.locale,
					preferences: row.preferences,
				});
				const { ids } = ctx.params;
				if (!ids) return feedPage(this, mayMail, ctx.params, toRow);
				// By id (one lookup each), then the rest here: a query on `status` too would read every verified client.
				const rows = await this.adapter.findByIds<SubscriberDoc>(ids);
				const mailable = rows.filter((row) => row.status === "verified" && row.preferences?.email === true);
				return { rows: mailable.map(toRow) };
			},
		},
	},
});
