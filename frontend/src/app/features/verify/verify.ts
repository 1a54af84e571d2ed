/**
 * /verificar?token=…: the link in the verification and sign-in e-mails. Exchanges the
 * single-use token for a session, then opens the client's interests (new clients) or tips.
 */
import { Component, inject, input, type OnInit, signal } from "@angular/core";
import { Router, RouterLink } from "@angular/router";
import { Api } from "../../core/api";
import { Language } from "../../core/i18n";
import { Session } from "../../core/session";
import { TranslatePipe } from "../../core/translate";
import { Status } from "../../shared/status";

@Component({
	selector: "app-verify",
	imports: [RouterLink, Status, TranslatePipe],
	template: `
		<h1>{{ "home.verify.title" | translate }}</h1>
		<app-status [loading]="!failed()" [error]="failed()" (retry)="verify()" />
		@if (failed()) {
			<p><a routerLink="/" [queryParams]="{ entrar: 1 }">{{ "home.verify.newLink" | translate }}</a></p>
		}
	`,
})
export class Verify implements OnInit {
	readonly token = input<string>();
	private readonly api = inject(Api);
	private readonly session = inject(Session);
	private readonly language = inject(Language);
	private readonly router = inject(Router);
	protected readonly failed = signal<string | null>(null);

	ngOnInit() {
		void this.verify();
	}

	async verify() {
		this.failed.set(null);
		const token = this.token();
		if (!token) {
			this.failed.set("—");
			return;
		}
		try {
			const answer = await this.api.verify(token);
			this.session.signIn();
			this.language.use(answer.subscriber.locale);
			const hasInterests = Object.keys(answer.subscriber.interests ?? {}).length > 0;
			await this.router.navigate([hasInterests ? "/dicas" : "/interesses"], { replaceUrl: true });
		} catch (err) {
			this.failed.set((err as { message?: string }).message ?? String(err));
		}
	}
}
