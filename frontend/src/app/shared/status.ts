/**
 * The loading, empty and error states every page shows, the same way everywhere:
 * announced to screen readers (role="status" / role="alert"), with a retry on errors.
 */
import { Component, input, output } from "@angular/core";
import { TranslatePipe } from "../core/translate";

@Component({
	selector: "app-status",
	imports: [TranslatePipe],
	template: `
		@if (loading()) {
			<p class="status" role="status" aria-live="polite"><span class="spinner" aria-hidden="true"></span>{{ "app.loading" | translate }}</p>
		} @else if (error()) {
			<div class="status status-error" role="alert">
				<p>{{ "app.error" | translate: { message: error() } }}</p>
				<button type="button" class="button secondary" (click)="retry.emit()">{{ "app.retry" | translate }}</button>
			</div>
		} @else if (empty()) {
			<p class="status status-empty" role="status">{{ empty() }}</p>
		}
	`,
})
export class Status {
	readonly loading = input(false);
	/** The error's message, or null. */
	readonly error = input<string | null>(null);
	/** The empty state's text, or null when there is something to show. */
	readonly empty = input<string | null>(null);
	readonly retry = output<void>();
}
