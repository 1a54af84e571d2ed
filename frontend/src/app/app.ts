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
	 * Sessions live a week on the server; one in use is renewed once a day, so a client who
	 * comes back keeps signed in and a token that leaked stops working soon.
	 */
	private async renewIfOld() {
		const token = this.session.token();
		if (!token || Date.now() / 1000 - issuedAt(token) < 86_400) return;
		try {
			this.session.signIn((await this.api.renewSession()).token);
		} catch (err) {
			if ((err as { status?: number }).status === 401) this.session.signOut();
		}
	}

	protected setLanguage(value: string) {
		this.language.use(value as Locale);
	}

	protected async signOut() {
		// On the server too: the token stops working even if a copy of it exists elsewhere.
		await this.api.signOut().catch(() => undefined);
		this.session.signOut();
		void this.router.navigate(["/"]);
	}
}

/** The token's issue time (seconds), 0 when it cannot be read. */
function issuedAt(token: string): number {
	try {
		const payload = JSON.parse(atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/")));
		return typeof payload.iat === "number" ? payload.iat : 0;
	} catch {
		return 0;
	}
}
