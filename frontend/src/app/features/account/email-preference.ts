/**
 * E-mail on or off (the same switch the one-click unsubscribe turns off). Saved as soon as
 * it is flipped; if the server refuses, the switch goes back to what is really stored.
 */
import {
	ChangeDetectionStrategy,
	Component,
	inject,
	input,
	linkedSignal,
	output,
	signal,
} from "@angular/core";
import { Api } from "../../core/api";
import type { Preferences } from "../../core/models";
import { TranslatePipe } from "../../core/translate";

@Component({
	selector: "app-email-preference",
	imports: [TranslatePipe],
	changeDetection: ChangeDetectionStrategy.OnPush,
	template: `
		<div class="field">
			<label class="check" for="email-enabled">
				<input
					id="email-enabled"
					name="emailEnabled"
					type="checkbox"
					data-testid="email-enabled"
					aria-describedby="email-enabled-hint"
					[checked]="email()"
					[disabled]="saving()"
					(change)="set($any($event.target))"
				/>
				<span>{{ "account.email.toggle" | translate }}</span>
			</label>
			<span class="hint" id="email-enabled-hint">{{ "account.email.hint" | translate }}</span>
		</div>
		@if (failure(); as message) {
			<p class="form-error" role="alert">{{ "account.failed" | translate: { message } }}</p>
		}
		<p class="muted" role="status">
			@if (saved()) {
				{{ (email() ? "account.email.on" : "account.email.off") | translate }}
			}
		</p>
	`,
})
export class EmailPreference {
	/** What the server has stored. */
	readonly enabled = input.required<boolean>();
	readonly changed = output<Preferences>();
	private readonly api = inject(Api);

	protected readonly email = linkedSignal(() => this.enabled());
	protected readonly saving = signal(false);
	protected readonly saved = signal(false);
	protected readonly failure = signal<string | null>(null);

	protected async set(control: HTMLInputElement) {
		const email = control.checked;
		this.email.set(email);
		this.saving.set(true);
		this.saved.set(false);
		this.failure.set(null);
		try {
			const preferences = await this.api.setPreferences({ email });
			this.email.set(preferences.email);
			this.saved.set(true);
			this.changed.emit(preferences);
		} catch (err) {
			this.email.set(this.enabled());
			// The signal may be back where the last render left it, so the view would not
			// touch the box the client clicked: put it back by hand.
			control.checked = this.enabled();
			this.failure.set((err as { message?: string }).message ?? String(err));
		} finally {
			this.saving.set(false);
		}
	}
}
