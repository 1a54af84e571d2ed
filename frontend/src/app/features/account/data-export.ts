/** "Export my data" (LGPD access right): everything the API keeps about the client, as a file. */
import { ChangeDetectionStrategy, Component, DOCUMENT, inject, signal } from "@angular/core";
import { Api } from "../../core/api";
import { TranslatePipe } from "../../core/translate";
import { downloadJson } from "./download";

export const exportFileName = "insights-meus-dados.json";

@Component({
	selector: "app-data-export",
	imports: [TranslatePipe],
	changeDetection: ChangeDetectionStrategy.OnPush,
	template: `
		<p>{{ "account.data.text" | translate }}</p>
		@if (failure(); as message) {
			<p class="form-error" role="alert">{{ "app.error" | translate: { message } }}</p>
		}
		<button type="button" class="button secondary" data-testid="export-data" [disabled]="exporting()" (click)="export()">
			{{ (exporting() ? "account.data.exporting" : "account.data.export") | translate }}
		</button>
		<p class="muted" role="status">
			@if (exported()) {
				{{ "account.data.exported" | translate: { file: fileName } }}
			}
		</p>
	`,
})
export class DataExport {
	private readonly api = inject(Api);
	private readonly document = inject(DOCUMENT);
	protected readonly fileName = exportFileName;
	protected readonly exporting = signal(false);
	protected readonly exported = signal(false);
	protected readonly failure = signal<string | null>(null);

	protected async export() {
		if (this.exporting()) return;
		this.exporting.set(true);
		this.exported.set(false);
		this.failure.set(null);
		try {
			downloadJson(await this.api.exportMine(), exportFileName, this.document);
			this.exported.set(true);
		} catch (err) {
			this.failure.set((err as { message?: string }).message ?? String(err));
		} finally {
			this.exporting.set(false);
		}
	}
}
