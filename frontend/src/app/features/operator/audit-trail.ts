/**
 * The audit panel's pure parts: the period it starts with, what it refuses before asking,
 * how a reason and a version read, and the name of a downloaded file (docs/audit.md).
 */
import type { AuditQuery } from "../../core/api";
import type { MatchReason } from "../../core/models";

export const auditKinds = ["subscriber", "product"] as const;
export type AuditKind = (typeof auditKinds)[number];
export type AuditFormat = "json" | "csv";

/** The server's bounds: dates it takes, and the longest period, in days. */
export const earliestDate = "1900-01-01";
export const latestDate = "2199-12-31";
export const maxAuditDays = 366;

const sãoPauloDay = new Intl.DateTimeFormat("en-CA", {
	timeZone: "America/Sao_Paulo",
	year: "numeric",
	month: "2-digit",
	day: "2-digit",
});

const dayMs = 86_400_000;
const plusDays = (date: string, days: number) =>
	new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);

/** The 30 São Paulo days ending today, as the server's default. */
export function defaultPeriod(now: Date): { from: string; to: string } {
	const to = sãoPauloDay.format(now);
	return { from: plusDays(to, -29), to };
}

/** The key of the text saying what is wrong with the form, or null when it may be sent. */
export function queryProblem(id: string, from: string, to: string): string | null {
	if (!id) return "operator.audit.needId";
	const valid = (date: string) =>
		/^\d{4}-\d{2}-\d{2}$/.test(date) && date >= earliestDate && date <= latestDate;
	if (!valid(from) || !valid(to)) return "operator.audit.badDate";
	if (from > to) return "operator.audit.backwards";
	if (from < plusDays(to, -(maxAuditDays - 1))) return "operator.audit.tooLong";
	return null;
}

export function auditQuery(kind: AuditKind, id: string, from: string, to: string): AuditQuery {
	return kind === "subscriber" ? { subscriberId: id, from, to } : { productId: id, from, to };
}

/** As the CSV writes it: `adminFee 0.005 ≤ 0.01`, `fundType Renda Fixa ∈ [Renda Fixa, Ações]`. */
export function reasonText(reason: MatchReason): string {
	const bound = Array.isArray(reason.bound) ? `[${reason.bound.join(", ")}]` : String(reason.bound);
	return `${reason.field} ${String(reason.value)} ${reason.operator} ${bound}`;
}

/** A version's first 12 hex digits: enough to tell two apart on screen (the files hold them whole). */
export const shortVersion = (version: string): string => version.slice(0, 12);

/** The server's own name for the file: the id with nothing but letters, digits, dots and dashes. */
export function auditFileName(query: AuditQuery, format: AuditFormat): string {
	const id = (query.subscriberId ?? query.productId ?? "").replace(/[^\w.-]+/g, "_").slice(0, 80);
	const kind = query.subscriberId ? "client" : "product";
	return `audit-${kind}-${id}-${query.from}-${query.to}.${format}`;
}

/** Hands text to the browser as a file to save: a Blob behind an object URL. */
export function saveFile(text: string, fileName: string, type: string, doc: Document = document): void {
	const url = URL.createObjectURL(new Blob([text], { type }));
	const link = doc.createElement("a");
	link.href = url;
	link.download = fileName;
	link.hidden = true;
	// Some browsers only follow a link that is in the document.
	doc.body.append(link);
	link.click();
	link.remove();
	// Later, not now: the download may start after click() returns.
	setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
