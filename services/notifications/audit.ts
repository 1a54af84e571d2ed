/**
 * The audit trail export (docs/audit.md): the notifications of one client or of one product
 * over a period, each with what it was matched on, as JSON or as CSV for a spreadsheet.
 * Pure: the service reads the rows, this module says which and how they are written.
 */
import { Errors } from "moleculer";
import type { MatchAudit } from "../../domain/audit.ts";
import type { AuditRow, AuditTrail } from "../../domain/contracts.ts";
import { addDays, dateRangeText, isIsoDate, localDate } from "../../domain/dates.ts";
import type { MatchReason } from "../../domain/notification.ts";
import { byInboxOrder } from "./paging.ts";
import { detailOf } from "./stored.ts";

export const auditFormats = ["json", "csv"] as const;
export type AuditFormat = (typeof auditFormats)[number];
/** The longest period one export covers, in days (both ends included). */
export const maxAuditDays = 366;
/** Rows per answer at most; `next` continues after the last one. */
export const maxAuditRows = 10_000;

export interface AuditParams {
	subscriberId?: string;
	productId?: string;
	from?: string;
	to?: string;
	format?: AuditFormat;
	after?: string;
}

/** A checked request: exactly one of the ids, a period of whole São Paulo days. */
export interface AuditRequest {
	subscriberId?: string;
	productId?: string;
	from: string;
	to: string;
	format: AuditFormat;
	after?: { order: number; id: string };
}

/** What the store holds of a notification, as far as the trail reads it. */
export interface StoredAuditDoc {
	_id: string;
	order: number;
	subscriberId: string;
	productId: string;
	publicationId: string;
	category: string;
	createdAt: string;
	notice?: string;
	venue?: string;
	/** The reasons and the audit, as stored.ts keeps them (or, stored before, as fields). */
	detail?: string;
	reasons?: MatchReason[];
	audit?: MatchAudit;
}

function invalid(field: string, message: string): never {
	throw new Errors.ValidationError(message, "VALIDATION_ERROR", [{ field, message }]);
}

/**
 * The request checked, or a 422 naming the problem. `now` (ms) gives "today" in São Paulo:
 * without `to` the period ends today, without `from` it is the 30 days ending at `to`.
 */
export function auditRequest(params: AuditParams, now: number): AuditRequest {
	const { subscriberId, productId } = params;
	if (!subscriberId === !productId)
		invalid(
			subscriberId ? "productId" : "subscriberId",
			"Give either subscriberId (a client's trail) or productId (a product's), not both and not neither.",
		);
	for (const field of ["from", "to"] as const) {
		const value = params[field];
		if (value !== undefined && !isIsoDate(value)) invalid(field, `'${field}' must be ${dateRangeText}.`);
	}
	const to = params.to ?? localDate(new Date(now));
	const from = params.from ?? addDays(to, -29);
	if (from > to) invalid("from", "'from' must be on or before 'to'.");
	if (from < addDays(to, -(maxAuditDays - 1))) invalid("from", `At most ${maxAuditDays} days at a time.`);
	return {
		...(subscriberId ? { subscriberId } : {}),
		...(productId ? { productId } : {}),
		from,
		to,
		format: params.format ?? "json",
		...(params.after !== undefined ? { after: cursorAt(params.after) } : {}),
	};
}

function cursorAt(cursor: string): { order: number; id: string } {
	const at = cursor.indexOf("~");
	const order = Number(cursor.slice(0, at));
	if (at <= 0 || !Number.isFinite(order))
		invalid("after", "'after' must be the 'next' of a previous answer.");
	return { order, id: cursor.slice(at + 1) };
}

/**
 * The first instant of a São Paulo day, as stored times are written (ISO, UTC). São Paulo
 * has kept UTC−3 all year since 2019; older daylight-saving summers are an hour off, and no
 * notification is that old.
 */
export function dayStart(date: string): string {
	return `${date}T03:00:00.000Z`;
}

/** The store's query for the request: the id, the period (stored times are ISO, so they sort), the cursor. */
/**
 * A notification past the inbox's retention, kept for the audit only: the client's id under
 * `archivedFor` (not `subscriberId`, which every inbox, unread and mail query reads) and the
 * notification's id under `notificationId`. docs/audit.md, "Retention".
 */
export type ArchivedAuditDoc = Omit<StoredAuditDoc, "subscriberId"> & {
	archivedFor: string;
	notificationId: string;
};

export const archivedId = (notificationId: string): string => `archived:${notificationId}`;

export function archived(doc: StoredAuditDoc): ArchivedAuditDoc {
	const {
		_id,
		subscriberId,
		order,
		productId,
		publicationId,
		category,
		createdAt,
		detail,
		reasons,
		notice,
		venue,
		audit,
	} = doc;
	return {
		_id: archivedId(_id),
		notificationId: _id,
		archivedFor: subscriberId,
		order,
		productId,
		publicationId,
		category,
		createdAt,
		...(detail !== undefined ? { detail } : {}),
		...(reasons ? { reasons } : {}),
		...(notice ? { notice } : {}),
		...(venue ? { venue } : {}),
		...(audit ? { audit } : {}),
	};
}

/** An archived record read back as the notification it was. */
export function unarchived({ archivedFor, notificationId, ...rest }: ArchivedAuditDoc): StoredAuditDoc {
	return { ...rest, _id: notificationId, subscriberId: archivedFor };
}

/** The query for the request's rows among the notifications, or (`archive`) among the archived records. */
export function auditQuery(request: AuditRequest, archive = false): Record<string, unknown> {
	const owner = archive ? "archivedFor" : "subscriberId";
	const id = archive ? "notificationId" : "_id";
	const query: Record<string, unknown> = request.subscriberId
		? { [owner]: request.subscriberId }
		: { productId: request.productId, [owner]: { $exists: true } };
	query.createdAt = { $gte: dayStart(request.from), $lt: dayStart(addDays(request.to, 1)) };
	const { after } = request;
	if (after) query.$or = [{ order: { $gt: after.order } }, { order: after.order, [id]: { $gt: after.id } }];
	return query;
}

/** Both kinds merged, oldest first (by order, then id), at most `limit`. */
export function mergedAudit(
	live: StoredAuditDoc[],
	kept: ArchivedAuditDoc[],
	limit: number,
): StoredAuditDoc[] {
	return [...live, ...kept.map(unarchived)].sort(byInboxOrder).slice(0, limit);
}

export function auditRow(doc: StoredAuditDoc): AuditRow {
	const { reasons, audit } = detailOf(doc);
	return {
		notificationId: doc._id,
		notifiedAt: doc.createdAt,
		subscriberId: doc.subscriberId,
		productId: doc.productId,
		publicationId: doc.publicationId,
		category: doc.category,
		...(doc.notice ? { notice: doc.notice } : {}),
		...(doc.venue ? { venue: doc.venue } : {}),
		reasons,
		...(audit ? { audit } : {}),
	};
}

/** The answer from the stored docs read, oldest first, up to maxAuditRows + 1 of them. */
export function auditTrail(request: AuditRequest, docs: StoredAuditDoc[]): AuditTrail {
	const truncated = docs.length > maxAuditRows;
	const kept = docs.slice(0, maxAuditRows);
	const last = kept.at(-1);
	return {
		...(request.subscriberId ? { subscriberId: request.subscriberId } : {}),
		...(request.productId ? { productId: request.productId } : {}),
		from: request.from,
		to: request.to,
		rows: kept.map(auditRow),
		truncated,
		...(truncated && last ? { next: `${last.order}~${last._id}` } : {}),
	};
}

/** A reason as a spreadsheet reads it: `adminFee 0.005 ≤ 0.01`, `fundType Renda Fixa ∈ [Renda Fixa, Ações]`. */
export function reasonText(reason: MatchReason): string {
	const bound = Array.isArray(reason.bound) ? `[${reason.bound.join(", ")}]` : String(reason.bound);
	return `${reason.field} ${String(reason.value)} ${reason.operator} ${bound}`;
}

export const reasonsText = (reasons: readonly MatchReason[]): string => reasons.map(reasonText).join("; ");

/**
 * One CSV cell, safe to open in a spreadsheet: text a spreadsheet would run as a formula
 * (starting with = + - @, or a tab or carriage return that hides such a start) gets a
 * leading apostrophe (OWASP's advice), and a cell with a comma, a quote or a line break is
 * quoted with its quotes doubled (RFC 4180).
 */
export function csvCell(value: string | number | boolean | undefined): string {
	let text = value === undefined ? "" : String(value);
	if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV's columns, in order: one per field of a row, the audit's flattened. */
export const auditColumns = [
	"notifiedAt",
	"notificationId",
	"subscriberId",
	"productId",
	"publicationId",
	"category",
	"notice",
	"venue",
	"matchedAt",
	"productVersion",
	"profileInForce",
	"profileChosen",
	"profileExpiresAt",
	"investorCategory",
	"questionnaireVersion",
	"interestsVersion",
	"reasons",
] as const;

function cells(row: AuditRow): Record<(typeof auditColumns)[number], string | undefined> {
	const audit = row.audit;
	return {
		notifiedAt: row.notifiedAt,
		notificationId: row.notificationId,
		subscriberId: row.subscriberId,
		productId: row.productId,
		publicationId: row.publicationId,
		category: row.category,
		notice: row.notice,
		venue: row.venue,
		matchedAt: audit?.matchedAt,
		productVersion: audit?.productVersion,
		profileInForce: audit?.profileInForce,
		profileChosen: audit?.profileChosen,
		profileExpiresAt: audit?.profileExpiresAt,
		investorCategory: audit?.investorCategory,
		questionnaireVersion: audit?.questionnaireVersion,
		interestsVersion: audit?.interestsVersion,
		reasons: reasonsText(row.reasons),
	};
}

/**
 * The rows as CSV (RFC 4180: CRLF line ends), a header row first, in UTF-8 with a byte order
 * mark: without it Excel reads the file as Windows-1252 and garbles accents, ≤ and ∈.
 */
export function auditCsv(rows: readonly AuditRow[]): string {
	const lines = [`\uFEFF${auditColumns.join(",")}`];
	for (const row of rows) {
		const values = cells(row);
		lines.push(auditColumns.map((column) => csvCell(values[column])).join(","));
	}
	return `${lines.join("\r\n")}\r\n`;
}

/** A file name for the download: the id with nothing but letters, digits, dots and dashes. */
export function auditFileName(request: AuditRequest): string {
	const id = (request.subscriberId ?? request.productId ?? "").replace(/[^\w.-]+/g, "_").slice(0, 80);
	const kind = request.subscriberId ? "client" : "product";
	return `audit-${kind}-${id}-${request.from}-${request.to}.${request.format}`;
}
