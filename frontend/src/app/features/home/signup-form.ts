/**
 * Sign-up: name, e-mail and the LGPD consent, in the active language. The server answers
 * 202 for any valid address (known or not), so the client always sees "check your e-mail":
 * the form never reveals who is already registered.
 */
import {
	afterNextRender,
	ChangeDetectionStrategy,
	Component,
	computed,
	type ElementRef,
	Injector,
	inject,
	signal,
	viewChild,
} from "@angular/core";
import { Api } from "../../core/api";
import { Language } from "../../core/i18n";
import { TranslatePipe } from "../../core/translate";
import { emailError, maxEmailLength } from "./email";
import { type Failure, failureOf } from "./failure";

type Field = "name" | "email" | "consent";
const fields: readonly Field[] = ["name", "email", "consent"];
/** As the server's registration schema. */
const maxNameLength = 120;

@Component({
	selector: "app-signup-form",
	imports: [TranslatePipe],
	templateUrl: "./signup-form.html",
	styleUrl: "./forms.css",
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignupForm {
	private readonly api = inject(Api);
	private readonly language = inject(Language);
	private readonly injector = inject(Injector);

	protected readonly maxNameLength = maxNameLength;
	protected readonly maxEmailLength = maxEmailLength;
	protected readonly name = signal("");
	protected readonly email = signal("");
	protected readonly consent = signal(false);
	/** Errors show from the first attempt on, not while the client is still typing. */
	protected readonly tried = signal(false);
	protected readonly sending = signal(false);
	protected readonly failure = signal<Failure | null>(null);
	/** The address the link went to, once the server accepted the request. */
	protected readonly sentTo = signal<string | null>(null);

	private readonly errors = computed<Record<Field, string | null>>(() => ({
		name: nameError(this.name()),
		email: emailError(this.email()),
		consent: this.consent() ? null : "home.errors.consentRequired",
	}));
	private readonly nameInput = viewChild<ElementRef<HTMLInputElement>>("nameInput");
	private readonly emailInput = viewChild<ElementRef<HTMLInputElement>>("emailInput");
	private readonly consentInput = viewChild<ElementRef<HTMLInputElement>>("consentInput");
	private readonly controls = { name: this.nameInput, email: this.emailInput, consent: this.consentInput };
	private readonly done = viewChild<ElementRef<HTMLElement>>("done");

	/** The i18n key of the field's error, once errors are shown. */
	protected errorOf(field: Field): string | null {
		return this.tried() ? this.errors()[field] : null;
	}

	protected async submit(event: Event) {
		event.preventDefault();
		if (this.sending()) return;
		this.tried.set(true);
		this.failure.set(null);
		const invalid = fields.find((field) => this.errors()[field]);
		if (invalid) {
			// Straight to what needs fixing; its error is read out through aria-describedby.
			this.controls[invalid]()?.nativeElement.focus();
			return;
		}
		const email = this.email().trim();
		this.sending.set(true);
		try {
			await this.api.register({
				email,
				name: this.name().trim(),
				consent: true,
				locale: this.language.current(),
			});
			this.sentTo.set(email);
			// The form is gone, and focus with it: move it to the message so it is read out.
			afterNextRender(() => this.done()?.nativeElement.focus(), { injector: this.injector });
		} catch (err) {
			this.failure.set(failureOf(err));
		} finally {
			this.sending.set(false);
		}
	}
}

function nameError(value: string): string | null {
	const name = value.trim();
	if (!name) return "home.errors.nameRequired";
	if (name.length > maxNameLength) return "home.errors.nameTooLong";
	return null;
}
