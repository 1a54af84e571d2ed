/**
 * One set field of a category as checkboxes: "only these" or "all except these". Open sets
 * (issuers, sectors) can hold dozens of values, so past a handful a filter box narrows the
 * list; checked values stay checked while hidden by the filter.
 */
import { Component, computed, inject, input, output, signal } from "@angular/core";
import { Language } from "../../core/i18n";
import type { Category, InterestField } from "../../core/models";
import { TranslatePipe } from "../../core/translate";
import { type FieldProblems, type SetDraft, setOptions } from "./interests-draft";

/** Up to this many options a filter would only get in the way. */
const filterFrom = 8;

@Component({
	selector: "app-set-field",
	imports: [TranslatePipe],
	templateUrl: "./set-field.html",
	styleUrl: "./fields.css",
})
export class SetField {
	private readonly language = inject(Language);

	readonly category = input.required<Category>();
	readonly field = input.required<InterestField>();
	readonly value = input.required<SetDraft>();
	readonly problems = input<FieldProblems | undefined>();
	readonly valueChange = output<SetDraft>();

	readonly filter = signal("");
	readonly id = computed(() => `interest-${this.category()}-${this.field().name}`);
	readonly label = computed(() => this.field().label[this.language.current()]);
	readonly options = computed(() => setOptions(this.field(), this.value().values));
	readonly chosen = computed(() => new Set(this.value().values));
	readonly filterable = computed(() => this.options().length > filterFrom);
	readonly visible = computed(() => {
		const text = this.filter().trim().toLocaleLowerCase();
		return text
			? this.options().filter((option) => option.toLocaleLowerCase().includes(text))
			: this.options();
	});

	toggle(option: string, event: Event) {
		const checked = (event.target as HTMLInputElement).checked;
		const values = this.value().values.filter((value) => value !== option);
		this.valueChange.emit({ ...this.value(), values: checked ? [...values, option] : values });
	}

	setMode(event: Event) {
		const mode = (event.target as HTMLSelectElement).value === "notIn" ? "notIn" : "in";
		this.valueChange.emit({ ...this.value(), mode });
	}

	clear() {
		this.valueChange.emit({ ...this.value(), values: [] });
	}

	setFilter(event: Event) {
		this.filter.set((event.target as HTMLInputElement).value);
	}
}
