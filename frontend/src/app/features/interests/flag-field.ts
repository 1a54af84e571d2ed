/** One yes/no field of a category as three choices: "either" is no constraint at all. */
import { Component, computed, inject, input, output } from "@angular/core";
import { Language } from "../../core/i18n";
import type { Category, InterestField } from "../../core/models";
import { TranslatePipe } from "../../core/translate";
import type { FlagDraft } from "./interests-draft";

@Component({
	selector: "app-flag-field",
	imports: [TranslatePipe],
	templateUrl: "./flag-field.html",
	styleUrl: "./fields.css",
})
export class FlagField {
	private readonly language = inject(Language);

	readonly category = input.required<Category>();
	readonly field = input.required<InterestField>();
	readonly value = input.required<FlagDraft>();
	readonly valueChange = output<FlagDraft>();

	readonly choices: readonly FlagDraft[] = ["any", "yes", "no"];
	readonly id = computed(() => `interest-${this.category()}-${this.field().name}`);
	readonly label = computed(() => this.field().label[this.language.current()]);
}
