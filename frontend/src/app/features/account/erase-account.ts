/**
 * Erasure (LGPD): nothing is deleted on one click. The client opens a confirmation and
 * types their own address, which a stray click or a hurried Enter cannot do; then the
 * account goes, the session ends and home says goodbye.
 */
import {
	afterNextRender,
	ChangeDetectionStrategy,
	Component,
	computed,
	type ElementRef,
	Injector,
	inject,
	input,
	signal,
	viewChild,
} from "@angular/core";
import { Router } from "@angular/router";
import { Api } from "../../core/api";
import { Session } from "../../core/session";
import { TranslatePipe } from "../../core/translate";
import { accountErasedState } from "../home/farewell";

@Component({
	selector: "app-erase-account",
	imports: [TranslatePipe],
	templateUrl: "./erase-account.html",
	styleUrl: "./erase-account.css",
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EraseAccount {
	/** The account's address: what the client must type to confirm. */
	readonly email = input.required<string>();
	private readonly api = inject(Api);
	private readonly session = inject(Session);
	private readonly router = inject(Router);
	private readonly injector = inject(Injector);

	protected readonly confirming = signal(false);
	protected readonly typed = signal("");
	protected readonly tried = signal(false);
	protected readonly erasing = signal(false);
	protected readonly failure = signal<string | null>(null);
	private readonly confirmed = computed(
		() => this.typed().trim().toLowerCase() === this.email().trim().toLowerCase(),
	);
	protected readonly mismatch = computed(() => this.tried() && !this.confirmed());
	private readonly confirmInput = viewChild<ElementRef<HTMLInputElement>>("confirmInput");
	private readonly startButton = viewChild<ElementRef<HTMLButtonElement>>("startButton");

	protected start() {
		this.confirming.set(true);
		this.focusAfterRender(() => this.confirmInput());
	}

	protected cancel() {
		this.confirming.set(false);
		this.typed.set("");
		this.tried.set(false);
		this.failure.set(null);
		this.focusAfterRender(() => this.startButton());
	}

	protected async erase(event: Event) {
		event.preventDefault();
		if (this.erasing()) return;
		this.tried.set(true);
		this.failure.set(null);
		if (!this.confirmed()) {
			this.confirmInput()?.nativeElement.focus();
			return;
		}
		this.erasing.set(true);
		try {
			await this.api.eraseMe();
		} catch (err) {
			this.failure.set((err as { message?: string }).message ?? String(err));
			this.erasing.set(false);
			return;
		}
		this.session.signOut();
		await this.router.navigate(["/"], { state: accountErasedState, replaceUrl: true });
	}

	private focusAfterRender(target: () => ElementRef<HTMLElement> | undefined) {
		afterNextRender(() => target()?.nativeElement.focus(), { injector: this.injector });
	}
}
