/**
 * The subscribers service's operator routes, mixed into it: the list with counts per status,
 * and the import of the research house's existing clients (./import.ts). Operators only.
 */
import { randomUUID } from "node:crypto";
import type { Context } from "moleculer";
import { accountRules, answers, importReportRule } from "../../domain/contracts.ts";
import { defaultPreferences } from "../../domain/subscriber.ts";
import { pageOf } from "../../lib/collections.ts";
import { defineMixin } from "../../lib/service.ts";
import { consentVersion } from "./accounts.mixin.ts";
import { callAccounts } from "./accounts.ts";
import { importClients } from "./import.ts";
import type { SubscribersHost } from "./records.mixin.ts";
import { notErased, type StoredSubscriber, type SubscriberDoc, storedInterests } from "./view.ts";

export const AdminMixin = defineMixin<object, SubscribersHost>()({
	actions: {
		list: {
			rest: "GET /admin/subscribers",
			openapi: { response: answers("subscribers.list", accountRules.list) },
			auth: "operator",
			params: {
				q: "string|trim|max:100|optional",
				status: { type: "enum", values: ["pending", "verified", "unsubscribed", "bouncing"], optional: true },
				page: "number|integer|min:1|convert|default:1",
				pageSize: "number|integer|min:1|max:100|convert|default:20",
			},
			async handler(ctx: Context<{ q?: string; status?: string; page: number; pageSize: number }>) {
				const { q, status, page, pageSize } = ctx.params;
				const query: Record<string, unknown> = status ? { status } : { ...notErased };
				if (q) {
					const pattern = new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
					query.$or = [{ email: { $regex: pattern } }, { name: { $regex: pattern } }];
				}
				const [rows, total, ...counts] = await Promise.all([
					this.adapter.find<SubscriberDoc>({
						query,
						sort: ["-createdAt"],
						offset: (page - 1) * pageSize,
						limit: pageSize,
					}),
					this.adapter.count({ query }),
					...["pending", "verified", "unsubscribed", "bouncing"].map((s) =>
						this.adapter.count({ query: { status: s } }),
					),
				]);
				const [pending, verified, unsubscribed, bouncing] = counts;
				return {
					...pageOf(
						rows.map((row) => this.view(this.adapter.afterRetrieveTransformID<StoredSubscriber>(row, "id"))),
						total,
						page,
						pageSize,
					),
					counts: { pending, verified, unsubscribed, bouncing },
				};
			},
		},

		/** Routed by the gateway's /api/admin/subscribers/import route (larger bodies). */
		import: {
			auth: "operator",
			openapi: { response: answers("subscribers.import", importReportRule) },
			params: { csv: "string|min:1|max:5000000", dryRun: "boolean|convert|default:false" },
			async handler(ctx: Context<{ csv: string; dryRun: boolean }>) {
				return importClients(ctx.params.csv, ctx.params.dryRun, {
					exists: async (email) => Boolean(await this.byEmail(email)),
					create: async (client) => {
						const now = this.isoNow();
						const subscriber: StoredSubscriber = {
							id: randomUUID(),
							...client,
							status: "pending",
							riskProfile: "conservative",
							...storedInterests({}),
							preferences: { ...defaultPreferences },
							// Imported clients consent when they confirm the verification e-mail.
							consent: { version: `import:${consentVersion}`, acceptedAt: now },
							createdAt: now,
							updatedAt: now,
							pendingLinks: [],
						};
						await this.upsert(subscriber.id, subscriber);
						// The link is identity's to sign and record.
						const { id, email, name, locale } = subscriber;
						await callAccounts(ctx, "identity.invite", { id, email, name, locale });
					},
				});
			},
		},
	},
});
