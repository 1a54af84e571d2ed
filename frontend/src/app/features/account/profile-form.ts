/**
 * Name and language. The language is the client's: saving it also switches this page, and
 * the e-mails they get follow it (the header's switch only changes this browser).
 */
import {
	ChangeDetectionStrategy,
	Component,
	computed,
	type ElementRef,
	inject,
	input,
	linkedSignal,
	output,
	signal,
	viewChild,
} from "@angular/core";
import { Api } from "../../core/api";
import { Language, locales } from "../../core/i18n";
import type { Locale, Subscriber } from "../../core/models";
import { TranslatePipe } from "../../core/translate";

/** As the server's profile schema. */
const maxNameLength = 120;

@Component({
	selector: "app-profile-form",
	imports: [TranslatePipe],
	templateUrl: "./profile-form.html",
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProfileForm {
	readonly subscriber = input.required<Subscriber>();
	readonly saved = output<Subscriber>();
	private readonly api = inject(Api);
	private readonly language = inject(Language);

	protected readonly locales = locales;
	protected readonly maxNameLength = maxNameLength;
	/** Edits start from the saved profile and start over when it changes. */
	protected readonly name = linkedSignal(() => this.subscriber().name);
	protected readonly locale = linkedSignal(() => this.subscriber().locale);
	protected readonly tried = signal(false);
	protected readonly saving = signal(false);
	protected readonly done = signal(false);
	protected readonly failure = signal<string | null>(null);
	private readonly nameInput = viewChild.required<ElementRef<HTMLInputElement>>("nameInput");

	private readonly nameProblem = computed(() => {
		const name = this.name().trim();
		if (!name) return "account.profile.nameRequired";
		return name.length > maxNameLength ? "account.profile.nameTooLong" : null;
	});
	protected readonly nameError = computed(() => (this.tried() ? this.nameProblem() : null));

	protected edited() {
		this.done.set(false);
	}

	protected async save(event: Event) {
		event.preventDefault();
		if (this.saving()) return;
		this.tried.set(true);
		this.failure.set(null);
		this.done.set(false);
		if (this.nameProblem()) {
			this.nameInput().nativeElement.focus();
			return;
		}
		this.saving.set(true);
		try {
			const subscriber = await this.api.updateMe({ name: this.name().trim(), locale: this.locale() });
			this.language.use(subscriber.locale);
			this.saved.emit(subscriber);
			this.done.set(true);
		} catch (err) {
			this.failure.set((err as { message?: string }).message ?? String(err));
		} finally {
			this.saving.set(false);
		}
	}

	protected setLocale(value: string) {
		this.locale.set(value as Locale);
		this.edited();
	}
}
