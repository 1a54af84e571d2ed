/**
 * The audit trail for operators (docs/audit.md): for a client or a product and a period,
 * every notification with what it was matched on — the product version, the client's
 * profile in force and chosen, category, questionnaire and interests versions, and why —
 * and the same as JSON or CSV files. Nothing is asked until the form is sent; every value
 * is shown as text.
 */
import { DOCUMENT } from "@angular/common";
import { ChangeDetectionStrategy, Component, inject, signal } from "@angular/core";
import { Api, type AuditQuery } from "../../core/api";
import { NumberPipe, WhenPipe } from "../../core/format";
import { TranslatePipe, TranslateService } from "../../core/translate";
import { Status } from "../../shared/status";
import {
	type AuditFormat,
	type AuditKind,
	auditFileName,
	auditKinds,
	auditQuery,
	defaultPeriod,
	earliestDate,
	latestDate,
	queryProblem,
	reasonText,
	saveFile,
	shortVersion,
} from "./audit-trail";
import { errorText, OperatorAccess } from "./operator-access";
import type { AuditTrail } from "./operator-models";
import { Remote } from "./remote";

const fileTypes: Record<AuditFormat, string> = {
	json: "application/json",
	csv: "text/csv;charset=utf-8",
};

@Component({
	selector: "app-audit-panel",
	imports: [TranslatePipe, NumberPipe, WhenPipe, Status],
	templateUrl: "./audit-panel.html",
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuditPanel {
	private readonly api = inject(Api);
	private readonly access = inject(OperatorAccess);
	private readonly translate = inject(TranslateService);
	private readonly document = inject(DOCUMENT);

	protected readonly kinds = auditKinds;
	protected readonly earliest = earliestDate;
	protected readonly latest = latestDate;
	protected readonly period = defaultPeriod(new Date());
	protected readonly reasonText = reasonText;
	protected readonly shortVersion = shortVersion;

	/** The question last sent; null until the form is. */
	protected readonly query = signal<AuditQuery | null>(null);
	/** What is wrong with the form (a text key), before anything is asked. */
	protected readonly problem = signal<string | null>(null);
	protected readonly trail = new Remote<AuditQuery | null, AuditTrail | undefined>(
		() => this.query(),
		(query) =>
			query ? this.access.guard(this.api.auditTrail<AuditTrail>(query)) : Promise.resolve(undefined),
	);
	protected readonly downloading = signal<AuditFormat | null>(null);
	protected readonly outcome = signal("");

	protected search(
		event: Event,
		kind: HTMLSelectElement,
		id: HTMLInputElement,
		from: HTMLInputElement,
		to: HTMLInputElement,
	) {
		event.preventDefault();
		const value = id.value.trim();
		const problem = queryProblem(value, from.value, to.value);
		this.problem.set(problem);
		this.outcome.set("");
		if (problem) return;
		this.query.set(auditQuery(kind.value as AuditKind, value, from.value, to.value));
	}

	protected async download(format: AuditFormat) {
		const query = this.query();
		if (!query) return;
		this.downloading.set(format);
		try {
			const text = await this.access.guard(this.api.auditFile(query, format));
			const file = auditFileName(query, format);
			// Reading the answer as text drops the server's byte order mark; Excel needs it back.
			const body = format === "csv" && !text.startsWith("\uFEFF") ? `\uFEFF${text}` : text;
			saveFile(body, file, fileTypes[format], this.document);
			this.outcome.set(this.translate.instant("operator.audit.downloaded", { file }));
		} catch (err) {
			this.outcome.set(errorText(err));
		} finally {
			this.downloading.set(null);
		}
	}
}
