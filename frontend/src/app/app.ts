/**
 * The shell: skip link, header with navigation (with the unread badge), language switch,
 * the page, and the footer. Opens the live feed while a client is signed in.
 */
import { Component, effect, inject } from "@angular/core";
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from "@angular/router";
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

	constructor() {
		effect(() => {
			if (this.session.signedIn()) void this.live.connect();
			else this.live.disconnect();
		});
	}

	protected setLanguage(value: string) {
		this.language.use(value as Locale);
	}

	protected signOut() {
		this.session.signOut();
		void this.router.navigate(["/"]);
	}
}
