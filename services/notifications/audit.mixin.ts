/**
 * The notifications service's operator route for the audit trail, mixed into it:
 * `GET /api/admin/audit` reads the audit the matcher recorded with each notification
 * (docs/audit.md). Which rows and how they are written: ./audit.ts.
 */
import type { ActionSchema, Context, ServiceSchema } from "moleculer";
import { clockOf } from "../../config.ts";
import { answers, auditTrailRule } from "../../domain/contracts.ts";
import type { ServiceThis } from "../../lib/service.ts";
import type { DbLocals } from "../../mixins/db.mixin.ts";
import {
	type ArchivedAuditDoc,
	type AuditParams,
	auditCsv,
	auditFileName,
	auditFormats,
	auditQuery,
	auditRequest,
	auditTrail,
	maxAuditRows,
	mergedAudit,
	type StoredAuditDoc,
} from "./audit.ts";

type Meta = { $responseType?: string; $responseHeaders?: Record<string, string> };

/** The service this is mixed into: the notifications, stored through DbMixin. */
type Host = ServiceThis<object, DbLocals, object>;

/**
 * An action whose handler declares no `this`, so that the `ThisType` below gives it the
 * host's: under Moleculer's `ActionSchema` every handler of a mixin gets the loose default.
 */
type HostAction = Omit<ActionSchema, "handler"> & { handler(ctx: Context<never, never>): unknown };

const actions = {
	/**
	 * Operators: the notifications of one client or one product over a period of São Paulo
	 * days (at most 366), oldest first, each with its reasons and audit; JSON or CSV.
	 */
	audit: {
		rest: { method: "GET", basePath: "/admin", path: "/audit" },
		auth: "operator",
		openapi: { response: answers("notifications.audit", auditTrailRule) },
		params: {
			subscriberId: "string|min:1|max:200|optional",
			productId: "string|min:1|max:200|optional",
			from: "string|max:10|optional",
			to: "string|max:10|optional",
			format: { type: "enum", values: [...auditFormats], optional: true },
			after: "string|max:400|optional",
		},
		async handler(ctx: Context<AuditParams, Meta>) {
			const request = auditRequest(ctx.params, clockOf(this.broker).now());
			// The inbox's notifications and those past its retention kept for the audit (archived).
			const [live, kept] = await Promise.all([
				this.adapter.find<StoredAuditDoc>({
					query: auditQuery(request),
					sort: ["order", "_id"],
					limit: maxAuditRows + 1,
				}),
				this.adapter.find<ArchivedAuditDoc>({
					query: auditQuery(request, true),
					sort: ["order", "notificationId"],
					limit: maxAuditRows + 1,
				}),
			]);
			const docs = mergedAudit(live, kept, maxAuditRows + 1);
			const trail = auditTrail(request, docs);
			if (request.format === "json") return trail;
			ctx.meta.$responseType = "text/csv; charset=utf-8";
			ctx.meta.$responseHeaders = {
				"Content-Disposition": `attachment; filename="${auditFileName(request)}"`,
				// A CSV has no room to say it stopped short: the headers do.
				"X-Audit-Truncated": String(trail.truncated),
				...(trail.next ? { "X-Audit-Next": trail.next } : {}),
			};
			return auditCsv(trail.rows);
		},
	},
} satisfies Record<string, HostAction> & ThisType<Host>;

export const AuditExport: Partial<ServiceSchema> = { actions };
