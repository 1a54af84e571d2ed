/**
 * Asks for the operator token, or, once given, offers to forget it. The token lives in
 * sessionStorage (Session): closing the tab is signing out.
 */
import { ChangeDetectionStrategy, Component, inject, signal } from "@angular/core";
import { TranslatePipe } from "../../core/translate";
import { OperatorAccess } from "./operator-access";

@Component({
	selector: "app-token-form",
	imports: [TranslatePipe],
	templateUrl: "./token-form.html",
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TokenForm {
	protected readonly access = inject(OperatorAccess);
	/** Shown after an empty submit, so the field explains itself instead of doing nothing. */
	protected readonly missing = signal(false);

	protected submit(event: Event, input: HTMLInputElement) {
		event.preventDefault();
		const token = input.value.trim();
		this.missing.set(token === "");
		if (token === "") {
			input.focus();
			return;
		}
		input.value = "";
		this.access.use(token);
	}
}
