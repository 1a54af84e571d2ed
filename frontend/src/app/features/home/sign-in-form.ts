/**
 * Sign-in by magic link: the client gives their address and the server e-mails a link
 * (the verification page turns it into a session). Like sign-up, the answer is the same
 * whether the address is registered or not.
 */
import {
	afterNextRender,
	ChangeDetectionStrategy,
	Component,
	type ElementRef,
	inject,
	input,
	signal,
	viewChild,
} from "@angular/core";
import { Api } from "../../core/api";
import { TranslatePipe } from "../../core/translate";
import { emailError, maxEmailLength } from "./email";
import { type Failure, failureOf } from "./failure";

@Component({
	selector: "app-sign-in-form",
	imports: [TranslatePipe],
	templateUrl: "./sign-in-form.html",
	styleUrl: "./forms.css",
	changeDetection: ChangeDetectionStrategy.OnPush,
	host: { "[class.highlight]": "highlight()" },
})
export class SignInForm {
	/** The client was sent here from a page that needs a session: say so and start here. */
	readonly highlight = input(false);
	private readonly api = inject(Api);

	protected readonly maxEmailLength = maxEmailLength;
	protected readonly email = signal("");
	protected readonly tried = signal(false);
	protected readonly sending = signal(false);
	protected readonly failure = signal<Failure | null>(null);
	protected readonly sent = signal(false);
	private readonly emailInput = viewChild.required<ElementRef<HTMLInputElement>>("emailInput");

	constructor() {
		afterNextRender(() => {
			if (this.highlight()) this.emailInput().nativeElement.focus();
		});
	}

	protected error(): string | null {
		return this.tried() ? emailError(this.email()) : null;
	}

	protected async submit(event: Event) {
		event.preventDefault();
		if (this.sending()) return;
		this.tried.set(true);
		this.failure.set(null);
		this.sent.set(false);
		if (emailError(this.email())) {
			this.emailInput().nativeElement.focus();
			return;
		}
		this.sending.set(true);
		try {
			await this.api.requestSignInLink(this.email().trim());
			this.sent.set(true);
		} catch (err) {
			this.failure.set(failureOf(err));
		} finally {
			this.sending.set(false);
		}
	}
}
