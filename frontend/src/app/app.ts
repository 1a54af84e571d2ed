/**
 * The shell: skip link, header with navigation (with the unread badge), language switch,
 * the page, and the footer. Opens the live feed while a client is signed in.
 */
import { Component, effect, inject } from "@angular/core";
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from "@angular/router";
import { Api } from "./core/api";
import { Language, locales } from "./core/i18n";
import { LiveFeed } from "./core/live";
import type { Locale } from "./core/models";
import { Session } from "./core/session";
import { TranslatePipe } from "./core/translate";

@Component({
	selector: "app-root",
	imports: [RouterOutlet, RouterLink, RouterLinkActive, TranslatePipe],
	templateUrl: "./app.html",
	styleUrl: "./app.css",
})
export class App {
	protected readonly session = inject(Session);
	protected readonly live = inject(LiveFeed);
	protected readonly language = inject(Language);
	protected readonly locales = locales;
	private readonly router = inject(Router);
	private readonly api = inject(Api);

	constructor() {
		effect(() => {
			if (this.session.signedIn()) void this.live.connect();
			else this.live.disconnect();
		});
		void this.renewIfOld();
	}

	/**
	 * Sessions live a week on the server; one in use is renewed once a day (a new cookie), so
	 * a client who comes back keeps signed in and a session that leaked stops working soon.
	 */
	private async renewIfOld() {
		const since = this.session.since();
		if (since === null || Date.now() - since < 86_400_000) return;
		try {
			await this.api.renewSession();
			this.session.signIn();
		} catch (err) {
			if ((err as { status?: number }).status === 401) this.session.signOut();
		}
	}

	protected setLanguage(value: string) {
		this.language.use(value as Locale);
	}

	protected async signOut() {
		// On the server: the session stops working even if a copy of it exists elsewhere.
		await this.api.signOut().catch(() => undefined);
		this.session.signOut();
		void this.router.navigate(["/"]);
	}
}
