/**
 * How matches reach the client: by e-mail (at once or in a daily/weekly digest at a local
 * hour) and live on the site. Saved on its own (PUT /api/me/preferences), apart from the
 * interests: they are a separate concern on the server too, and changing one should not
 * resend the other.
 */
import { Component, computed, inject, input, linkedSignal, signal } from "@angular/core";
import { Api, isApiError } from "../../core/api";
import type { DigestFrequency, Preferences } from "../../core/models";
import { TranslatePipe } from "../../core/translate";

type SaveStatus = "idle" | "saving" | "saved" | "failed";

@Component({
	selector: "app-preferences-form",
	imports: [TranslatePipe],
	templateUrl: "./preferences-form.html",
	styleUrl: "./preferences-form.css",
})
export class PreferencesForm {
	private readonly api = inject(Api);

	/** As loaded from the server. */
	readonly preferences = input.required<Preferences>();
	/** The form's values: the loaded ones until edited, and again whenever new ones load. */
	readonly current = linkedSignal(() => this.preferences());
	readonly status = signal<SaveStatus>("idle");
	readonly error = signal<string | null>(null);

	readonly frequencies: readonly DigestFrequency[] = ["immediate", "daily", "weekly"];
	readonly hours = Array.from({ length: 24 }, (_, hour) => hour);
	/** The hour only matters for digests, and the digest only while e-mail is on. */
	readonly hourApplies = computed(() => this.current().email && this.current().digest !== "immediate");

	change(patch: Partial<Preferences>) {
		this.current.set({ ...this.current(), ...patch });
		if (this.status() !== "saving") this.status.set("idle");
	}

	checked(event: Event): boolean {
		return (event.target as HTMLInputElement).checked;
	}

	selected(event: Event): string {
		return (event.target as HTMLSelectElement).value;
	}

	hourText(hour: number): string {
		return `${String(hour).padStart(2, "0")}:00`;
	}

	async save() {
		const { email, live, digest, digestHour } = this.current();
		this.status.set("saving");
		this.error.set(null);
		try {
			const saved = await this.api.setPreferences({ email, live, digest, digestHour });
			this.current.set({ ...this.current(), ...saved });
			this.status.set("saved");
		} catch (err) {
			this.error.set(isApiError(err) ? err.message : String(err));
			this.status.set("failed");
		}
	}
}
