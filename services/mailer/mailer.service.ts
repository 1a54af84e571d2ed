/**
 * The mailer: renders transactional e-mails from templates, keeps a delivery log
 * (`deliveries`) and delivers every message at least once, through SMTP or, in the embedded
 * default, as .eml files in DATA_DIR/outbox. `mailer.send` only stores the message and
 * answers; delivery, with retries and backoff, happens after, and survives restarts.
 * Design notes: docs/mail.md.
 */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { type Context, Errors } from "moleculer";
import { type Config, configOf } from "../../config.ts";
import {
	type Actions,
	answers,
	call,
	deliveryRule,
	deliveryStatuses,
	type Events,
	type MailTemplate,
	mailTemplates,
	pageRule,
} from "../../domain/contracts.ts";
import { escapeRegExp, pageOf } from "../../lib/collections.ts";
import { domainMetrics, type Metric, metric, timeStage } from "../../lib/domain-metrics.ts";
import { defineService } from "../../lib/service.ts";
import { type DbLocals, DbMixin } from "../../mixins/db.mixin.ts";
import {
	compact,
	deliveryView,
	erasure,
	pendingStatuses,
	type StoredDelivery,
	subjectQuery,
} from "./deliveries.ts";
import { sweepDigests } from "./digest-sweep.ts";
import { type DeliveryStore, Dispatcher, type MailerSettings } from "./dispatcher.ts";
import { defaultRetryPolicy } from "./retry.ts";
import { sampleData } from "./samples.ts";
import { loadTemplates, MailDataError, renderMail, type TemplateSet } from "./templates.ts";
import { type MailTransport, outboxFileName, outboxTransport, smtpTransport } from "./transport.ts";

type Params<A extends keyof Actions> = Actions[A]["params"];

export type { MailerSettings };

interface MailerServiceSettings extends MailerSettings {
	rest: string;
}

interface MailerLocals extends DbLocals {
	config: Config;
	templates: TemplateSet;
	/** Made in started; a start that failed early leaves none for stopped to close. */
	transport?: MailTransport;
	dispatcher?: Dispatcher;
	/** The next digest sweep. */
	digestTimer?: NodeJS.Timeout;
	/** The delivery log's file is rewritten when this fires (compactSoon). */
	compactTimer?: NodeJS.Timeout;
	/** A digest sweep is running on this node: a tick that finds one running is skipped. */
	digesting?: boolean;
	/** insights_pipeline_stage_seconds{stage="mail"}. */
	stageTime: Metric;
}

const iso = (ms: number) => new Date(ms).toISOString();

function isDuplicateKey(err: unknown): boolean {
	const e = err as { errorType?: string; code?: number };
	return e?.errorType === "uniqueViolated" || e?.code === 11000;
}

/** `<uuid@domain of MAIL_FROM>`: unique, and ours. */
function newMessageId(mailFrom: string): string {
	const domain = /@([^>\s]+)>?\s*$/.exec(mailFrom)?.[1] ?? "insights.localhost";
	return `<${randomUUID()}@${domain}>`;
}

/** RFC 8058 one-click unsubscribe, for mail a subscriber chose to receive (digests), not transactional mail. */
function listHeaders(unsubscribeUrl: string | undefined): Record<string, string> {
	if (!unsubscribeUrl) return {};
	return {
		"List-Unsubscribe": `<${new URL(unsubscribeUrl).href}>`,
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	};
}

export default defineService<MailerServiceSettings, MailerLocals>()({
	name: "mailer",
	mixins: [
		DbMixin({
			collection: "deliveries",
			// Not status: nearly every delivery shares "sent" (see DbMixinOptions.indexed). The due
			// ones are found by nextAttemptAt, which only pending deliveries have (sparse).
			indexed: ["subscriberId", "to", "createdAt"],
			sparse: ["nextAttemptAt"],
		}),
	],

	settings: {
		retry: defaultRetryPolicy,
		attemptTimeoutMs: 2 * 60_000,
		smtpTimeouts: { connectionMs: 15_000, greetingMs: 15_000, socketMs: 60_000 },
		sweepIntervalMs: 15_000,
		maxInFlight: 50,
		stopGraceMs: 5_000,
		digestIntervalMs: 60_000,
		immediateSettleMs: 30_000,
		compactAfterMs: 60_000,
		// Operator routes: /api/admin/mail/deliveries and /api/admin/mail/preview.
		rest: "/admin/mail",
	},

	methods: {
		now(): number {
			return this.config.clock.now();
		},

		/** One digest sweep at a time per node; a tick that finds one running is skipped. */
		async sweepDigests(): Promise<number> {
			if (this.digesting) return 0;
			this.digesting = true;
			try {
				return await timeStage(this.stageTime, "mail", () =>
					sweepDigests(this.broker, {
						now: new Date(this.now()),
						settleMs: this.settings.immediateSettleMs,
						appUrl: this.config.publicUrl,
						immediateDailyCap: this.config.immediateDailyCap,
						immediateSentSince: async (subscriberId, since) => {
							const rows = await this.adapter.find<StoredDelivery>({
								query: {
									subscriberId,
									_id: { $regex: /^immediate:/ },
									createdAt: { $gte: since.toISOString() },
								},
							});
							return rows.map((row) => row.createdAt);
						},
						exists: async (key) => (await this.findDelivery(key)) !== undefined,
						send: (input) => call(this.broker, "mailer.send", input),
					}),
				);
			} finally {
				this.digesting = false;
			}
		},

		async findDelivery(id: string): Promise<StoredDelivery | undefined> {
			return (await this.adapter.findOne<StoredDelivery>({ _id: id })) ?? undefined;
		},

		deliveryStore(): DeliveryStore {
			return {
				get: (id) => this.findDelivery(id),
				soonest: (query, bound, limit) => this.firstBy<StoredDelivery>(query, "nextAttemptAt", bound, limit),
				// DbMixin's conditional update, on either database.
				update: (query, update) => this.updateWhere(query, update),
			};
		},

		/** Rewrites the delivery log's file once for a burst of sends (MailerSettings.compactAfterMs). */
		compactSoon(): void {
			if (this.compactTimer) return;
			this.compactTimer = setTimeout(() => {
				this.compactTimer = undefined;
				this.compactStore().catch((err: Error) =>
					this.logger.warn("Delivery log not compacted", { error: err.message }),
				);
			}, this.settings.compactAfterMs);
			this.compactTimer.unref();
		},

		async removeOutboxFile(id: string): Promise<void> {
			await rm(join(this.config.dataDir, "outbox", outboxFileName(id)), { force: true });
		},
	},

	created() {
		this.stageTime = metric(this.broker, domainMetrics.pipelineStage);
		// Moleculer hands every instance the schema's own settings object; each gets a copy, so
		// tuning one node (tests do, on a running service: settings are read per use) leaves others alone.
		const { settings } = this;
		const config = configOf(this.broker);
		this.settings = {
			...settings,
			retry: { ...settings.retry },
			smtpTimeouts: { ...settings.smtpTimeouts },
			digestIntervalMs: config.digestSweepSeconds * 1000,
			immediateSettleMs: config.immediateSettleSeconds * 1000,
		};
		this.config = config;
		this.templates = loadTemplates();
	},

	async started() {
		const { config } = this;
		const settings = () => this.settings;
		const outcomes = {
			sent: metric(this.broker, domainMetrics.mailSent),
			retry: metric(this.broker, domainMetrics.mailRetries),
			failed: metric(this.broker, domainMetrics.mailFailed),
		};
		for (const template of mailTemplates) for (const m of Object.values(outcomes)) m.zero({ template });
		const transport = config.smtpUrl
			? smtpTransport(config, settings().smtpTimeouts)
			: outboxTransport(join(config.dataDir, "outbox"));
		this.transport = transport;
		const dispatcher = new Dispatcher({
			owner: `${this.broker.nodeID}:${randomUUID()}`,
			store: this.deliveryStore(),
			transport,
			settings,
			logger: this.logger,
			clock: config.clock,
			onErasedWhileSending: (id) => this.removeOutboxFile(id),
			onBounce: async (address) => {
				await call(this.broker, "subscribers.markBouncing", { email: address });
			},
			onOutcome: (outcome, template) => {
				outcomes[outcome].increment({ template });
				if (outcome !== "retry") this.compactSoon();
			},
		});
		this.dispatcher = dispatcher;
		// Claims held by this node's previous life died with it. A NeDB file is only ever open
		// in one process, so there every claim found at start is dead.
		const stale = config.mongoUri
			? { leaseOwner: { $regex: new RegExp(`^${escapeRegExp(this.broker.nodeID)}:`) } }
			: { leaseOwner: { $exists: true } };
		await this.updateWhere(stale, { $unset: { leaseOwner: true, leaseUntil: true } });
		const pending = await this.adapter.count({ query: { status: { $in: pendingStatuses } } });
		this.logger.info(
			config.smtpUrl
				? `Mailer sending through SMTP (${new URL(config.smtpUrl).host})`
				: `Mailer writing messages to ${join(config.dataDir, "outbox")}`,
			{ pending },
		);
		// Resumes whatever a previous run left queued or retrying.
		await dispatcher.sweep();
		// Digests are pulled from persisted notifications: a mailer that was down catches up here.
		this.digestTimer = setInterval(() => {
			this.sweepDigests().catch((err: Error) =>
				this.logger.warn("Digest sweep failed", { error: err.message }),
			);
		}, settings().digestIntervalMs);
		this.digestTimer.unref();
	},

	async stopped() {
		clearInterval(this.digestTimer);
		clearTimeout(this.compactTimer);
		await this.dispatcher?.stop();
		this.transport?.close();
	},

	actions: {
		/** Operators: a template rendered with sample data, as HTML (or its text with format=text). */
		preview: {
			rest: "GET /preview",
			auth: "operator",
			// HTML unless format=text: a page to look at, not data.
			openapi: { responseType: "text/html" },
			params: {
				template: { type: "enum", values: [...mailTemplates] },
				locale: { type: "string", max: 35, default: "pt-BR" },
				format: { type: "enum", values: ["html", "text"], default: "html" },
			},
			handler(
				ctx: Context<
					{ template: MailTemplate; locale: string; format: "html" | "text" },
					{ $responseType?: string }
				>,
			) {
				const { config } = this;
				const rendered = renderMail(
					this.templates,
					{
						template: ctx.params.template,
						locale: ctx.params.locale,
						data: sampleData(ctx.params.template, ctx.params.locale, config.publicUrl),
					},
					config.publicUrl,
				);
				ctx.meta.$responseType =
					ctx.params.format === "html" ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
				return ctx.params.format === "html"
					? rendered.html
					: `Subject: ${rendered.subject}\n\n${rendered.text}`;
			},
		},

		/** Internal (and on a timer): queue every immediate e-mail and digest that is due now. */
		sendDigests: {
			visibility: "public",
			// One sweep looks at up to 5,000 clients: longer than the broker's default timeout.
			timeout: 10 * 60_000,
			async handler(): Promise<{ sent: number }> {
				return { sent: await this.sweepDigests() };
			},
		},

		/**
		 * Internal: stores the message as `queued` and answers at once with `{ id, status }`;
		 * the first attempt starts right after, without the caller waiting for SMTP. The same
		 * idempotencyKey twice answers the first delivery and sends nothing again.
		 */
		send: {
			visibility: "public",
			params: {
				to: { type: "email", mode: "precise", max: 254 },
				template: { type: "enum", values: [...mailTemplates] },
				locale: "string|trim|max:35",
				data: { type: "object", maxProps: 50 },
				subscriberId: "string|min:1|max:200|optional",
				idempotencyKey: { type: "string", min: 1, max: 200, pattern: /^[\w.:|-]+$/, optional: true },
				unsubscribeUrl: "string|max:2000|optional",
			},
			async handler(ctx: Context<Params<"mailer.send">>): Promise<Actions["mailer.send"]["result"]> {
				const { to, template, subscriberId, idempotencyKey, unsubscribeUrl } = ctx.params;
				if (idempotencyKey) {
					const existing = await this.findDelivery(idempotencyKey);
					if (existing) return { id: existing._id, status: existing.status };
				}
				const { config, dispatcher } = this;
				// Actions are published once started() made the dispatcher; a node without one is not ready.
				if (!dispatcher)
					throw new Errors.ServiceNotAvailableError({ action: "mailer.send", nodeID: this.broker.nodeID });
				let rendered: ReturnType<typeof renderMail>;
				try {
					rendered = renderMail(this.templates, ctx.params, config.publicUrl);
				} catch (err) {
					if (err instanceof MailDataError)
						throw new Errors.ValidationError(err.message, "INVALID_MAIL_DATA", { template });
					throw err;
				}
				const id = idempotencyKey ?? randomUUID();
				const now = this.now();
				// Claimed at once when this node has room; otherwise the next sweep picks it up.
				const claim = dispatcher.hasRoom();
				const doc: StoredDelivery = compact({
					_id: id,
					to,
					subscriberId,
					template,
					locale: rendered.locale,
					status: "queued",
					attempts: [],
					messageId: newMessageId(config.mailFrom),
					createdAt: iso(now),
					updatedAt: iso(now),
					nextAttemptAt: iso(now),
					message: {
						from: config.mailFrom,
						subject: rendered.subject,
						html: rendered.html,
						text: rendered.text,
						headers: listHeaders(unsubscribeUrl),
						links: rendered.links,
					},
					...(claim ? dispatcher.lease(now) : {}),
				});
				try {
					await this.adapter.insert(doc);
				} catch (err) {
					if (!isDuplicateKey(err)) throw err;
					// The same key sent twice at the same moment: the first one stored wins.
					const first = await this.findDelivery(id);
					if (!first) throw err;
					return { id, status: first.status };
				}
				this.logger.info("Mail queued", compact({ deliveryId: id, template, subscriberId }));
				if (claim) dispatcher.run(id);
				else dispatcher.wakeAt(now);
				return { id, status: "queued" };
			},
		},

		/** Operators: the log, newest first, without message contents. */
		deliveries: {
			rest: "GET /deliveries",
			openapi: { response: answers("mailer.deliveries", pageRule(deliveryRule)) },
			auth: "operator",
			params: {
				status: { type: "enum", values: [...deliveryStatuses], optional: true },
				subscriberId: "string|min:1|max:200|optional",
				page: "number|integer|min:1|convert|default:1",
				pageSize: "number|integer|min:1|max:100|convert|default:20",
			},
			async handler(ctx: Context<Params<"mailer.deliveries"> & { page: number; pageSize: number }>) {
				const { status, subscriberId, page, pageSize } = ctx.params;
				const query: Record<string, unknown> = {};
				if (status) query.status = status;
				if (subscriberId) query.subscriberId = subscriberId;
				const [rows, total] = await Promise.all([
					this.adapter.find<StoredDelivery>({
						query,
						sort: ["-createdAt"],
						offset: (page - 1) * pageSize,
						limit: pageSize,
					}),
					this.adapter.count({ query }),
				]);
				return pageOf(rows.map(deliveryView), total, page, pageSize);
			},
		},

		/**
		 * Internal, for erasure (LGPD): every delivery of the subscriber or to the address loses
		 * the address, the subscriber id and the content; pending ones are cancelled.
		 */
		forget: {
			visibility: "public",
			params: { subscriberId: "string|min:1|max:200", email: "string|min:3|max:254" },
			async handler(ctx: Context<Params<"mailer.forget">>): Promise<{ updated: number }> {
				const { subscriberId, email } = ctx.params;
				const docs = await this.adapter.find<StoredDelivery>({ query: subjectQuery(subscriberId, email) });
				let updated = 0;
				for (const doc of docs) {
					updated += await this.updateWhere({ _id: doc._id }, erasure(doc, email, iso(this.now())));
					await this.removeOutboxFile(doc._id);
				}
				// NeDB appends every change to its file; rewriting it now leaves no old copy of the address.
				if (updated > 0) await this.compactStore();
				this.logger.info("Deliveries erased", { subscriberId, updated });
				return { updated };
			},
		},
	},

	events: {
		/**
		 * New preferences may make a client due sooner (weekly to immediate, e-mail back on):
		 * their mark is reset to their oldest unmailed notification, for the next sweep to judge.
		 */
		async "subscribers.changed"(ctx: Context<Events["subscribers.changed"]>) {
			if (ctx.params.change !== "preferences") return;
			await call(ctx, "notifications.mailChecked", { subscriberId: ctx.params.id });
		},
	},
});
