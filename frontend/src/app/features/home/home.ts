/**
 * Início: what Insights does and how, then sign-up and sign-in by e-mail link. A signed-in
 * client gets shortcuts instead. `?entrar=1` (where the guard sends visitors without a
 * session) starts at the sign-in form.
 */
import { ChangeDetectionStrategy, Component, computed, inject, input } from "@angular/core";
import { Router, RouterLink } from "@angular/router";
import { Session } from "../../core/session";
import { TranslatePipe } from "../../core/translate";
import { isAccountErased } from "./farewell";
import { SignInForm } from "./sign-in-form";
import { SignupForm } from "./signup-form";

@Component({
	selector: "app-home",
	imports: [RouterLink, SignInForm, SignupForm, TranslatePipe],
	templateUrl: "./home.html",
	styleUrl: "./home.css",
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Home {
	/** The `entrar` query parameter (bound by the router). */
	readonly entrar = input<string>();
	protected readonly session = inject(Session);
	protected readonly signInFirst = computed(() => this.entrar() === "1" && !this.session.signedIn());
	/** Read while the navigation that opened home is still current. */
	protected readonly accountErased = isAccountErased(inject(Router).currentNavigation()?.extras.state);
	protected readonly steps = ["interests", "watch", "tips"] as const;
}
