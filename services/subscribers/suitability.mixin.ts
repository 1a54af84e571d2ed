/**
 * The subscribers service's suitability routes (CVM Resolution 30), mixed into it: the
 * questionnaire and the category statements (public), the client's answers and category
 * declaration, and the sweep that tells clients once when their questionnaire expired and
 * drops erased clients' tombstones after the queue's keep window. Rules: ./suitability.ts.
 */
import type { Context } from "moleculer";
import { configOf } from "../../config.ts";
import { answers, call, formRules, subscriberViewRule } from "../../domain/contracts.ts";
import { currentStatements } from "../../domain/investor-category.ts";
import { audiences } from "../../domain/product.ts";
import { type Locale, locales } from "../../domain/subscriber.ts";
import { currentQuestionnaire, expiredIfAssessedBefore, profileStanding } from "../../domain/suitability.ts";
import { queueKeepMs } from "../../lib/durable-queue.ts";
import { defineMixin, type MethodsOf } from "../../lib/service.ts";
import type { SubscribersHost } from "./records.mixin.ts";
import type { SessionMeta } from "./session.ts";
import { afterAssessment, type CategoryRequest, declaration, scoredOrThrow } from "./suitability.ts";
import { signToken } from "./tokens.ts";
import type { SubscriberDoc } from "./view.ts";

/** Expiry e-mails queued per sweep at most: the rest wait for the next one. */
const noticesPerSweep = 200;

interface SuitabilitySettings {
	suitabilitySweepMs: number;
}

/** What the sweep keeps on the service it is mixed into. */
export interface SuitabilityState {
	/** The next sweep. */
	suitabilityTimer?: NodeJS.Timeout;
	/** A sweep is running on this node. */
	suitabilitySweeping?: boolean;
}

interface SuitabilityLocals extends SubscribersHost, SuitabilityState {}

type SweepCounts = { notified: number; tombstonesDropped: number };

const day = (iso: string, locale: Locale) =>
	new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "America/Sao_Paulo" }).format(new Date(iso));

export const SuitabilityMixin = defineMixin<SuitabilitySettings, SuitabilityLocals>()({
	settings: {
		/** How often a node looks for expired questionnaires to tell and tombstones to drop. */
		suitabilitySweepMs: 15 * 60_000,
	},

	methods: {
		/** One sweep at a time per node; a tick that finds one running does nothing. */
		async suitabilitySweep(): Promise<SweepCounts> {
			if (this.suitabilitySweeping) return { notified: 0, tombstonesDropped: 0 };
			this.suitabilitySweeping = true;
			try {
				return { notified: await this.noticeExpired(), tombstonesDropped: await this.dropTombstones() };
			} finally {
				this.suitabilitySweeping = false;
			}
		},

		/**
		 * E-mails each verified client who takes e-mail and whose questionnaire expired, once per
		 * questionnaire (the delivery key and `expiryNoticeAt` both say so). Clients with e-mail
		 * off see it in the app only. Bounded per sweep.
		 */
		async noticeExpired(): Promise<number> {
			const now = this.clock.now();
			const { suitabilityValidMonths: months, publicUrl } = configOf(this.broker);
			const candidates = await this.adapter.find<SubscriberDoc>({
				query: {
					status: "verified",
					"preferences.email": true,
					"suitability.assessedAt": { $lte: expiredIfAssessedBefore(now, months) },
					"suitability.expiryNoticeAt": { $exists: false },
				},
				sort: ["suitability.assessedAt"],
				limit: noticesPerSweep,
			});
			let notified = 0;
			for (const subscriber of candidates) {
				const standing = profileStanding(subscriber, now, months);
				const assessment = subscriber.suitability;
				if (!standing.expired || !assessment || !standing.expiresAt) continue;
				try {
					const { token } = signToken(this.key, "unsubscribe", subscriber._id, now);
					await call(this.broker, "mailer.send", {
						to: subscriber.email,
						template: "suitability-expired",
						locale: subscriber.locale,
						data: {
							name: subscriber.name,
							link: `${publicUrl}/interesses`,
							assessedOn: day(assessment.assessedAt, subscriber.locale),
							expiredOn: day(standing.expiresAt, subscriber.locale),
						},
						subscriberId: subscriber._id,
						idempotencyKey: `suitability-expired:${subscriber._id}:${assessment.assessedAt}`,
						unsubscribeUrl: `${publicUrl}/api/unsubscribe?token=${token}`,
					});
					// Only if the same questionnaire is still there: answers given meanwhile start afresh.
					notified += await this.updateWhere(
						{ _id: subscriber._id, "suitability.assessedAt": assessment.assessedAt },
						{ $set: { "suitability.expiryNoticeAt": new Date(now).toISOString() } },
					);
				} catch (err) {
					this.logger.warn("Suitability expiry notice not sent this time", {
						subscriberId: subscriber._id,
						error: (err as Error).message,
					});
				}
			}
			return notified;
		},

		/** Erased clients' tombstones older than the durable queue keeps messages. */
		async dropTombstones(): Promise<number> {
			const before = new Date(this.clock.now() - queueKeepMs).toISOString();
			const dropped = await this.adapter.removeMany({ status: "erased", updatedAt: { $lt: before } });
			if (dropped > 0) await this.compactStore();
			return dropped;
		},
	},

	started() {
		this.suitabilityTimer = setInterval(() => {
			this.suitabilitySweep().catch((err: Error) =>
				this.logger.warn("Suitability sweep failed", { error: err.message }),
			);
		}, this.settings.suitabilitySweepMs);
		this.suitabilityTimer.unref();
	},

	stopped() {
		clearInterval(this.suitabilityTimer);
	},

	actions: {
		/** Public: the current questionnaire, in both languages, with its thresholds and validity. */
		questionnaire: {
			rest: "GET /suitability/questionnaire",
			openapi: { response: answers("subscribers.questionnaire", formRules.questionnaire) },
			handler() {
				return { ...currentQuestionnaire, validMonths: configOf(this.broker).suitabilityValidMonths };
			},
		},

		/** Public: the statements a qualified or professional investor signs, per ground and language. */
		investorStatements: {
			rest: "GET /investor-category/statements",
			openapi: { response: answers("subscribers.investorStatements", formRules.statements) },
			handler() {
				return currentStatements;
			},
		},

		/** The client's answers: stored with their score, profile, version and date; 422 when incomplete. */
		setSuitability: {
			rest: "PUT /me/suitability",
			openapi: { response: answers("subscribers.setSuitability", subscriberViewRule) },
			auth: "subscriber",
			params: { version: "string|max:40", answers: "object", $$strict: true },
			async handler(ctx: Context<{ version: string; answers: Record<string, string> }, SessionMeta>) {
				const scored = scoredOrThrow(ctx.params);
				const subscriber = await this.load(ctx.meta.subscriberId);
				const fields = afterAssessment(subscriber, scored, this.isoNow());
				this.logger.info("Suitability answered", {
					subscriberId: subscriber.id,
					version: scored.version,
					profile: scored.profile,
				});
				return this.view(await this.change(ctx, subscriber, fields, "profile"));
			},
		},

		/** The client's investor category, with the statement the rule requires attested. */
		setInvestorCategory: {
			rest: "PUT /me/investor-category",
			openapi: { response: answers("subscribers.setInvestorCategory", subscriberViewRule) },
			auth: "subscriber",
			params: {
				category: { type: "enum", values: [...audiences] },
				ground: { type: "enum", values: ["investments", "certification", "registration"], optional: true },
				attestation: "boolean|optional",
				statementVersion: "string|max:40|optional",
				locale: { type: "enum", values: [...locales], optional: true },
				$$strict: true,
			},
			async handler(ctx: Context<CategoryRequest, SessionMeta>) {
				const subscriber = await this.load(ctx.meta.subscriberId);
				const investorCategory = declaration(ctx.params, {
					declaredAt: this.isoNow(),
					locale: subscriber.locale,
					ip: ctx.meta.ip,
				});
				this.logger.info("Investor category declared", {
					subscriberId: subscriber.id,
					category: investorCategory.category,
				});
				return this.view(await this.change(ctx, subscriber, { investorCategory }, "profile"));
			},
		},

		/** Internal (and on a timer): expiry e-mails due now, and tombstones past their window. */
		sweepSuitability: {
			visibility: "public",
			handler(): Promise<SweepCounts> {
				return this.suitabilitySweep();
			},
		},
	},
});

/** The sweep's methods, on the service it is mixed into. */
export type SuitabilitySweeps = SuitabilityState & MethodsOf<typeof SuitabilityMixin>;
