/**
 * Conta: the signed-in client's own profile, investor profile and category, e-mail switch,
 * data export and erasure, each a small component that talks to the API by itself; this
 * page loads the client once.
 */
import { ChangeDetectionStrategy, Component, inject, signal } from "@angular/core";
import { Router } from "@angular/router";
import { Api } from "../../core/api";
import type { Preferences, Subscriber } from "../../core/models";
import { Session } from "../../core/session";
import { TranslatePipe } from "../../core/translate";
import { Status } from "../../shared/status";
import { DataExport } from "./data-export";
import { EmailPreference } from "./email-preference";
import { EraseAccount } from "./erase-account";
import { InvestorCategoryForm } from "./investor-category";
import { InvestorProfile } from "./investor-profile";
import { ProfileForm } from "./profile-form";

@Component({
	selector: "app-account",
	imports: [
		DataExport,
		EmailPreference,
		EraseAccount,
		InvestorCategoryForm,
		InvestorProfile,
		ProfileForm,
		Status,
		TranslatePipe,
	],
	templateUrl: "./account.html",
	styleUrl: "./account.css",
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Account {
	private readonly api = inject(Api);
	private readonly session = inject(Session);
	private readonly router = inject(Router);
	protected readonly subscriber = signal<Subscriber | null>(null);
	protected readonly loading = signal(true);
	protected readonly error = signal<string | null>(null);

	constructor() {
		void this.load();
	}

	protected async load() {
		this.loading.set(true);
		this.error.set(null);
		try {
			this.subscriber.set(await this.api.me());
		} catch (err) {
			this.error.set((err as { message?: string }).message ?? String(err));
		} finally {
			this.loading.set(false);
		}
	}

	/** Every device signed out on the server (a lost phone, a shared computer); then this one. */
	protected async signOutEverywhere() {
		try {
			await this.api.signOut(true);
			this.session.signOut();
			void this.router.navigate(["/"]);
		} catch (err) {
			this.error.set((err as { message?: string }).message ?? String(err));
		}
	}

	protected preferencesChanged(preferences: Preferences) {
		this.subscriber.update((subscriber) => subscriber && { ...subscriber, preferences });
	}
}
