/**
 * Each subscriber's inbox: every match stored exactly once, keyed by (subscriber,
 * publication, product), so a redelivered publication or a retried chunk changes nothing;
 * then `notifications.created` per subscriber for what is new. Clients read and mark only
 * their own inbox (the subscriber comes from the session).
 */
import { type Context, Errors } from "moleculer";
import { clockOf, configOf } from "../../config.ts";
import { isoNow } from "../../domain/clock.ts";
import {
	type Actions,
	answers,
	broadcast,
	call,
	distributionBatch,
	type Events,
	type InboxRow,
	type MatchToStore,
	type UnreadCount,
} from "../../domain/contracts.ts";
import { erasedDigest } from "../../domain/erasure.ts";
import { notificationKey, notificationSchema } from "../../domain/notification.ts";
import { catalogueProductRule, categories, type Product } from "../../domain/product.ts";
import { domainMetrics, type Metric, metric, timeStage } from "../../lib/domain-metrics.ts";
import { acquireQueue, type DurableQueue, queueKeepMs, releaseQueue } from "../../lib/durable-queue.ts";
import { defineService } from "../../lib/service.ts";
import { type DbLocals, DbMixin } from "../../mixins/db.mixin.ts";
import { AuditExport } from "./audit.mixin.ts";
import {
	dueKeyBound,
	type MailDueBatch,
	type MailDueMark,
	mailDueBatch,
	mailDueId,
	mailDueMark,
	subscriberOfMark,
} from "./mail-due.ts";
import { withDueNotices } from "./notices.ts";
import { byInboxOrder, cursorOf, pageQuery } from "./paging.ts";
import { applyRetention } from "./retention.ts";
import { batchDigest, detailOfMatch, matchProblem, readStored, type StoredNotification } from "./stored.ts";

/** What the inbox answers (`GET /api/me/notifications`), for the OpenAPI document. */
const inboxPageRule = {
	type: "object",
	props: {
		rows: {
			type: "array",
			items: {
				...notificationSchema,
				props: {
					...notificationSchema.props,
					product: { ...catalogueProductRule, optional: true },
					cursor: "string",
				},
			},
		},
		unread: "number|integer|min:0",
		hasMore: "boolean",
		next: "string|optional",
	},
} as const;

type Meta = { subscriberId?: string };

function subscriberOf(ctx: Context<unknown, Meta>): string {
	if (!ctx.meta.subscriberId) throw new Errors.MoleculerClientError("Sign in first.", 401, "UNAUTHORIZED");
	return ctx.meta.subscriberId;
}

/**
 * An erasure remembered by the digest of the id (domain/erasure.ts), so a match computed
 * before the erasure and stored after it cannot re-create the client's inbox.
 */
interface ErasureMark {
	_id: string;
	kind: "erasure";
	until: string;
}
/** Batch marks unpacked per look for due clients (a batch holds up to 5,000): a bound, not a limit met in practice. */
const maxUnpackedBatches = 2_000;

const erasureMarkId = (subscriberId: string) => `erasure:${erasedDigest(subscriberId)}`;

interface NotificationsSettings {
	rest: string;
}

interface NotificationsLocals extends DbLocals {
	queue: DurableQueue;
	/** Erasure marks this node knows (their ids): matches of those clients are not stored. */
	erased: Set<string>;
	createdTotal: Metric;
	/** insights_pipeline_stage_seconds: the inbox writes and the distributions queued. */
	stageTime: Metric;
	/** The retention pass under way, if one is, and the hourly timer that starts them. */
	retaining?: Promise<{ archived: number; dropped: number }>;
	retentionTimer?: NodeJS.Timeout;
}

export default defineService<NotificationsSettings, NotificationsLocals>()({
	name: "notifications",
	mixins: [
		DbMixin({
			collection: "notifications",
			// Not publicationId: NeDB keeps one array per indexed value, and a publication's
			// 100,000 notifications in one array make every update copy it (bench mail).
			// Sparse: marks (mail-due, erasure) have neither field, and a key shared by thousands of
			// documents makes every change to one of them copy the whole list.
			// Marks by dueKey, not dueAt: one value per mark (mail-due.ts).
			sparse: ["subscriberId", "dueKey", "batchDueAt", "archivedFor"],
		}),
		// GET /api/admin/audit: the audit stored with each notification, for operators.
		AuditExport,
	],

	settings: { rest: "/me/notifications" },

	methods: {
		/** Kept while a match of theirs may still be in flight (the durable queue's window). */
		async markErased(subscriberId: string): Promise<void> {
			const id = erasureMarkId(subscriberId);
			this.erased.add(id);
			const until = new Date(clockOf(this.broker).now() + queueKeepMs).toISOString();
			await this.upsert(id, { kind: "erasure", until } satisfies Omit<ErasureMark, "_id">);
		},

		/**
		 * Stores kept before mail-due marks existed: a mark for every client with notifications
		 * not e-mailed, once, so the mailer's sweep (which reads only marks) misses nobody.
		 */
		async markMailDueOnce(): Promise<void> {
			const seeded = "mail-due:seeded";
			if (await this.adapter.findById(seeded)) return;
			const pending = await this.adapter.find<{ subscriberId?: string }>({
				query: { subscriberId: { $exists: true }, mailedAt: { $exists: false } },
				fields: ["subscriberId"],
			});
			const now = isoNow(clockOf(this.broker));
			const ids = [...new Set(pending.flatMap((doc) => (doc.subscriberId ? [doc.subscriberId] : [])))];
			await this.insertNew(ids.map((id) => mailDueMark(id, now)));
			await this.insertNew([{ _id: seeded, kind: "mail-due-seeded" }]);
		},

		/** Marks stored before `dueKey` (mail-due.ts) get theirs, once: the sweep finds marks by it. */
		async keyMailDueOnce(): Promise<void> {
			const keyed = "mail-due:keyed";
			if (await this.adapter.findById(keyed)) return;
			const marks = await this.adapter.find<Omit<MailDueMark, "dueKey">>({
				query: { kind: "mail-due", dueKey: { $exists: false } },
			});
			for (const mark of marks) await this.upsert(mark._id, mailDueMark(subscriberOfMark(mark), mark.dueAt));
			await this.insertNew([{ _id: keyed, kind: "mail-due-keyed" }]);
		},

		/** A client's newest notification of a product (for the one notice). */
		async latestOf(subscriberId: string, productId: string): Promise<StoredNotification | undefined> {
			const [doc] = await this.adapter.find<StoredNotification>({
				query: { subscriberId, productId },
				sort: ["-order"],
				limit: 1,
			});
			return doc;
		},

		/**
		 * Due batch marks become their clients' own marks (mail-due.ts), then go. A client
		 * with a mark already keeps it: it may put them off on purpose (their digest hour).
		 * A crash in between leaves the batch mark, unpacked again next time.
		 */
		async unpackMailDue(before: string): Promise<void> {
			const batches = await this.adapter.find<MailDueBatch>({
				query: { batchDueAt: { $lte: before } },
				limit: maxUnpackedBatches,
			});
			for (const batch of batches) {
				await this.insertNew(batch.subscriberIds.map((id) => mailDueMark(id, batch.batchDueAt)));
				await this.adapter.removeMany({ _id: batch._id });
			}
		},

		withoutErased(matches: MatchToStore[]): MatchToStore[] {
			const { erased } = this;
			if (erased.size === 0) return matches;
			const gone = new Map<string, boolean>();
			const isGone = (id: string) => {
				const known = gone.get(id);
				if (known !== undefined) return known;
				const found = erased.has(erasureMarkId(id));
				gone.set(id, found);
				return found;
			};
			return matches.filter((match) => !isGone(match.subscriberId));
		},

		/** `digest`: batchDigest of the stored notifications' ids. */
		async publishDistributions(
			publicationId: string,
			stored: StoredNotification[],
			digest: string,
		): Promise<void> {
			if (stored.length === 0) return;
			const batch = distributionBatch(publicationId, stored);
			await this.queue.publish("distributions", { ...batch }, `distributions:${digest}`);
		},

		/** A notification as clients see it, with its `cursor` for `since` and `before`; the audit is for operators. */
		view(doc: StoredNotification): Omit<InboxRow, "product"> {
			const { _id, order: _order, audit: _audit, ...rest } = readStored(doc);
			return { id: _id, ...rest, cursor: cursorOf(doc) };
		},

		/** One retention pass at a time (retention.ts): at start, then every hour. */
		keepRetention(): Promise<{ archived: number; dropped: number }> {
			const config = configOf(this.broker);
			this.retaining ??= applyRetention(this, {
				now: config.clock.now(),
				inboxDays: config.inboxRetentionDays,
				auditDays: config.auditRetentionDays,
			}).finally(() => {
				this.retaining = undefined;
			});
			return this.retaining;
		},

		/** A client's unread count, as the badge shows it ("99+"). */
		async unreadOf(subscriberId: string): Promise<UnreadCount> {
			const unread = await this.adapter.count({ query: { subscriberId, readAt: { $exists: false } } });
			return { unread, display: unread > 99 ? "99+" : String(unread), hasMore: unread > 99 };
		},

		async withProducts(ctx: Context, docs: StoredNotification[]): Promise<InboxRow[]> {
			const products: Product[] = docs.length
				? await call(ctx, "products.getMany", { ids: [...new Set(docs.map((n) => n.productId))] })
				: [];
			const byId = new Map(products.map((p) => [p.id, p]));
			return docs.map((doc) => ({ ...this.view(doc), product: byId.get(doc.productId) }));
		},
	},

	created() {
		this.createdTotal = metric(this.broker, domainMetrics.notificationsCreated);
		this.stageTime = metric(this.broker, domainMetrics.pipelineStage);
		for (const category of categories) this.createdTotal.zero({ category });
	},

	async started() {
		const now = new Date(clockOf(this.broker).now()).toISOString();
		await this.adapter.removeMany({ kind: "erasure", until: { $lt: now } });
		const marks = await this.adapter.find<ErasureMark>({ query: { kind: "erasure" } });
		this.erased = new Set(marks.map((mark) => mark._id));
		await this.markMailDueOnce();
		await this.keyMailDueOnce();
		this.queue = await acquireQueue(this.broker);
		const retainQuietly = () =>
			this.keepRetention().catch((err: unknown) => this.logger.error("Inbox retention pass failed", err));
		void retainQuietly();
		this.retentionTimer = setInterval(retainQuietly, 60 * 60_000);
		this.retentionTimer.unref();
	},

	async stopped() {
		clearInterval(this.retentionTimer);
		await this.retaining?.catch(() => undefined);
		await releaseQueue(this.broker);
	},

	actions: {
		/** Internal: the matcher's results for one publication (a chunk of them). */
		store: {
			visibility: "public",
			params: {
				publicationId: "string|min:1|max:100",
				matches: { type: "array", items: "object", max: 5_000 },
				backfill: "boolean|optional",
			},
			async handler(ctx: Context<Actions["notifications.store"]["params"]>) {
				const { publicationId } = ctx.params;
				// Checked whole before anything is stored: a bad match refuses its batch (the match
				// task is retried, then dead-lettered where an operator sees it).
				ctx.params.matches.forEach((match, i) => {
					const problem = matchProblem(match);
					if (problem)
						throw new Errors.MoleculerClientError(`matches[${i}]: ${problem}.`, 422, "BAD_MATCH", {
							index: i,
						});
				});
				const now = clockOf(this.broker).now();
				// A notice only where it is due (notices.ts): a recent tip, no notice since; of a
				// backfill, only what is news to the client.
				const matches: MatchToStore[] = await withDueNotices(
					this.withoutErased(ctx.params.matches),
					publicationId,
					now,
					(subscriberId, productId) => this.latestOf(subscriberId, productId),
					ctx.params.backfill === true,
				);
				// One instant for the whole batch (its order keeps the inbox stable within it).
				const createdAt = new Date(now).toISOString();
				// Venue and notice assigned only when there is one, not spread in: a thousand a batch.
				const docs: StoredNotification[] = matches.map((match: MatchToStore, i: number) => {
					const doc: StoredNotification = {
						_id: notificationKey(match.subscriberId, publicationId, match.productId),
						subscriberId: match.subscriberId,
						productId: match.productId,
						publicationId,
						category: match.category,
						detail: detailOfMatch(match),
						createdAt,
						order: now * 10_000 + (i % 10_000),
					};
					if (match.venue) doc.venue = match.venue;
					if (match.notice) doc.notice = match.notice;
					return doc;
				});
				// One digest names the batch's mail-due mark and its distributions message.
				const digest = batchDigest(docs.map((doc) => doc._id));
				// The batch's mail-due mark after its notifications: a sweep that ends a client's mark
				// meanwhile finds these unmailed (mailChecked). Of every client in the batch, not only
				// those new: a store retried after a crash before the mark makes it then.
				const created = await timeStage(this.stageTime, "inbox", async () => {
					const inserted = await this.insertNew(docs);
					if (docs.length > 0)
						await this.insertNew([
							mailDueBatch(digest, [...new Set(docs.map((doc) => doc.subscriberId))], createdAt),
						]);
					return inserted;
				});
				// Once per category, not per notification: a labelled increment hashes its labels.
				const byCategory = new Map<string, number>();
				for (const doc of created) byCategory.set(doc.category, (byCategory.get(doc.category) ?? 0) + 1);
				for (const [category, count] of byCategory) this.createdTotal.increment({ category }, count);
				// Analytics counts every stored notification once: the whole batch goes out each time,
				// with the times first stored, so a batch retried after a crash is counted too.
				const stored =
					created.length === docs.length
						? docs
						: await this.adapter.findByIds<StoredNotification>(docs.map((d) => d._id));
				await timeStage(this.stageTime, "distributions", () =>
					this.publishDistributions(
						publicationId,
						stored,
						stored === docs ? digest : batchDigest(stored.map((doc) => doc._id)),
					),
				);
				// Every stored one, not only the new: a batch redelivered because the node died
				// between the insert and the broadcast is then pushed after all (live skips what a
				// socket already has, by cursor). One event for the batch: each live node picks the
				// clients whose sockets it holds (a few), not one event per client (thousands).
				const bySubscriber = new Map<string, Events["notifications.created"]["subscribers"][number]>();
				for (const doc of stored) {
					const told = bySubscriber.get(doc.subscriberId);
					if (told) told.notificationIds.push(doc._id);
					else
						bySubscriber.set(doc.subscriberId, {
							subscriberId: doc.subscriberId,
							notificationIds: [doc._id],
						});
				}
				const subscribers = [...bySubscriber.values()];
				if (subscribers.length > 0)
					await broadcast(ctx, "notifications.created", { publicationId, subscribers });
				return { created: created.length, existing: docs.length - created.length };
			},
		},

		list: {
			rest: "GET /",
			auth: "subscriber",
			openapi: { response: answers("notifications.list", inboxPageRule) },
			params: {
				since: "string|max:300|optional",
				before: "string|max:300|optional",
				limit: "number|integer|min:1|max:100|convert|default:20",
				unread: "boolean|convert|optional",
				category: { type: "enum", values: [...categories], optional: true },
			},
			async handler(ctx: Context<Actions["notifications.list"]["params"] & { limit: number }, Meta>) {
				const subscriberId = subscriberOf(ctx);
				const { limit, unread, category, since, before } = ctx.params;
				const query = pageQuery({ subscriberId, unread, category, since, before });
				// Newest first; `since` (catching up) is oldest first so it can be replayed in order.
				const rows = await this.adapter.find<StoredNotification>({
					query,
					sort: since ? ["order", "_id"] : ["-order", "-_id"],
					limit: limit + 1,
				});
				const page = rows.slice(0, limit);
				const last = page.at(-1);
				return {
					rows: await this.withProducts(ctx, page),
					unread: await this.adapter.count({ query: { subscriberId, readAt: { $exists: false } } }),
					hasMore: rows.length > limit,
					next: last ? cursorOf(last) : undefined,
				};
			},
		},

		/**
		 * Internal (live): for each client, their own notifications among the ids given for
		 * them (oldest first) and their unread count. One call per stored batch's connected
		 * clients, not one per client: the products are read once for all of them.
		 */
		delivery: {
			visibility: "public",
			params: {
				subscribers: {
					type: "array",
					max: 5_000,
					items: {
						type: "object",
						props: {
							subscriberId: "string|min:1",
							notificationIds: { type: "array", items: "string", max: 5_000 },
						},
					},
				},
			},
			async handler(
				ctx: Context<Actions["notifications.delivery"]["params"]>,
			): Promise<Actions["notifications.delivery"]["result"]> {
				const { subscribers } = ctx.params;
				// Each client gets only their own: an id asked for on someone else's behalf is not given.
				const asked = new Set<string>();
				for (const { subscriberId, notificationIds } of subscribers)
					for (const id of notificationIds) asked.add(`${subscriberId}\n${id}`);
				const docs = (
					await this.adapter.findByIds<StoredNotification>(subscribers.flatMap((s) => s.notificationIds))
				)
					.filter((doc) => asked.has(`${doc.subscriberId}\n${doc._id}`))
					.sort(byInboxOrder);
				const rows = await this.withProducts(ctx, docs);
				const bySubscriber = new Map<string, InboxRow[]>();
				docs.forEach((doc, i) => {
					const own = bySubscriber.get(doc.subscriberId) ?? [];
					own.push(rows[i] as InboxRow);
					bySubscriber.set(doc.subscriberId, own);
				});
				return Promise.all(
					subscribers.map(async ({ subscriberId }) => ({
						subscriberId,
						rows: bySubscriber.get(subscriberId) ?? [],
						unread: await this.unreadOf(subscriberId),
					})),
				);
			},
		},

		/** Internal (mailer digests): a subscriber's notifications not e-mailed yet, oldest first. */
		pendingMail: {
			visibility: "public",
			params: {
				subscriberId: "string|min:1",
				createdUntil: "string|optional",
				// From a mailer of the version before (a rolling upgrade): the same bound, excluded.
				createdBefore: "string|optional",
				limit: "number|integer|min:1|max:1000|default:500",
			},
			async handler(
				ctx: Context<{ subscriberId: string; createdUntil?: string; createdBefore?: string; limit: number }>,
			) {
				const { subscriberId, createdUntil, createdBefore, limit } = ctx.params;
				const docs = await this.adapter.find<StoredNotification>({
					query: {
						subscriberId,
						mailedAt: { $exists: false },
						// Up to the sweep's instant included: one stored in that very millisecond is due too.
						...(createdUntil ? { createdAt: { $lte: createdUntil } } : {}),
						...(createdBefore && !createdUntil ? { createdAt: { $lt: createdBefore } } : {}),
					},
					sort: ["order", "_id"],
					limit,
				});
				return this.withProducts(ctx, docs);
			},
		},

		/** Internal (mailer digests): these went out by e-mail. */
		markMailed: {
			visibility: "public",
			params: { subscriberId: "string|min:1", ids: { type: "array", items: "string", max: 1_000 } },
			async handler(ctx: Context<{ subscriberId: string; ids: string[] }>) {
				const query = { subscriberId: ctx.params.subscriberId, _id: { $in: ctx.params.ids } };
				return {
					updated: await this.updateWhere(query, { $set: { mailedAt: isoNow(clockOf(this.broker)) } }),
				};
			},
		},

		/** Internal (mailer digests): who has mail due, soonest first (notifications.ts MailDueMark). */
		mailDue: {
			visibility: "public",
			params: { before: "string|min:1", limit: "number|integer|min:1|max:5000|default:500" },
			async handler(ctx: Context<{ before: string; limit: number }>) {
				await this.unpackMailDue(ctx.params.before);
				const marks = await this.adapter.find<MailDueMark>({
					query: { dueKey: { $lte: dueKeyBound(ctx.params.before) }, kind: "mail-due" },
					sort: ["dueKey"],
					limit: ctx.params.limit,
				});
				return marks.map((mark) => ({
					subscriberId: subscriberOfMark(mark),
					dueAt: mark.dueAt,
				}));
			},
		},

		/**
		 * Internal (mailer digests): the mailer looked at this client. Ending a mark then
		 * counting what is still unmailed cannot lose a notification stored meanwhile: its
		 * store either finds the mark gone and makes one, or stored it before the count.
		 */
		mailChecked: {
			visibility: "public",
			params: { subscriberId: "string|min:1", nextDueAt: "string|optional" },
			async handler(ctx: Context<{ subscriberId: string; nextDueAt?: string }>) {
				const { subscriberId, nextDueAt } = ctx.params;
				const id = mailDueId(subscriberId);
				if (nextDueAt) {
					await this.upsert(id, mailDueMark(subscriberId, nextDueAt));
					return { dueAt: nextDueAt };
				}
				await this.adapter.removeMany({ _id: id });
				const [oldest] = await this.adapter.find<StoredNotification>({
					query: { subscriberId, mailedAt: { $exists: false } },
					sort: ["order"],
					limit: 1,
				});
				if (!oldest) return {};
				await this.insertNew([mailDueMark(subscriberId, oldest.createdAt)]);
				return { dueAt: oldest.createdAt };
			},
		},

		unread: {
			rest: "GET /unread",
			auth: "subscriber",
			openapi: {
				response: answers("notifications.unread", {
					type: "object",
					props: { unread: "number|integer|min:0", display: "string", hasMore: "boolean" },
				}),
			},
			handler(ctx: Context<unknown, Meta>): Promise<UnreadCount> {
				return this.unreadOf(subscriberOf(ctx));
			},
		},

		markRead: {
			rest: "POST /read",
			auth: "subscriber",
			openapi: {
				response: answers("notifications.markRead", {
					type: "object",
					props: { updated: "number|integer|min:0" },
				}),
			},
			params: {
				ids: { type: "array", items: "string|min:1|max:400", max: 500, optional: true },
				all: { type: "equal", value: true, optional: true },
			},
			async handler(ctx: Context<Actions["notifications.markRead"]["params"], Meta>) {
				const subscriberId = subscriberOf(ctx);
				if (!ctx.params.all && !ctx.params.ids?.length)
					throw new Errors.ValidationError("Send ids (a list) or all: true.", "NOTHING_TO_MARK");
				// Scoped by the session's subscriber: another client's ids match nothing.
				const query = {
					subscriberId,
					readAt: { $exists: false },
					...(ctx.params.all ? {} : { _id: { $in: ctx.params.ids } }),
				};
				return { updated: await this.updateWhere(query, { $set: { readAt: isoNow(clockOf(this.broker)) } }) };
			},
		},

		/** Internal: erasure of a subscriber's inbox (LGPD). */
		forget: {
			visibility: "public",
			params: { subscriberId: "string|min:1" },
			async handler(ctx: Context<{ subscriberId: string }>) {
				await this.markErased(ctx.params.subscriberId);
				const removed = await this.adapter.removeMany({ subscriberId: ctx.params.subscriberId });
				// Their mail-due mark names them too, and so may a batch's.
				await this.adapter.removeMany({ _id: mailDueId(ctx.params.subscriberId) });
				// Their archived audit records too: erasure removes the inbox, kept or not.
				await this.adapter.removeMany({ archivedFor: ctx.params.subscriberId });
				await this.updateWhere(
					{ kind: "mail-due-batch", subscriberIds: ctx.params.subscriberId },
					{ $pull: { subscriberIds: ctx.params.subscriberId } },
				);
				await this.compactStore();
				return { removed };
			},
		},
	},

	events: {
		/** Every notifications node learns of an erasure (the one that ran forget marked it already). */
		async "subscribers.changed"(ctx: Context<Events["subscribers.changed"]>) {
			if (ctx.params.change === "erased") this.erased.add(erasureMarkId(ctx.params.id));
		},
	},
});
