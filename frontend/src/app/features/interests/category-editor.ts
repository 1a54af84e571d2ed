/**
 * One asset class: whether the client wants it at all, and if so its optional filters. A
 * wanted category without filters is sent as `{}` ("everything in it"), so the toggle alone
 * says something, and switching it off keeps the filters in case it is switched back on.
 */
import { Component, computed, input, type OnInit, output, signal } from "@angular/core";
import type { Category, InterestField } from "../../core/models";
import { TranslatePipe } from "../../core/translate";
import { FlagField } from "./flag-field";
import {
	type CategoryDraft,
	type DraftProblems,
	type FlagDraft,
	fieldKey,
	type RangeDraft,
	type SetDraft,
} from "./interests-draft";
import { RangeField } from "./range-field";
import { SetField } from "./set-field";

function hasFilters(draft: CategoryDraft): boolean {
	return (
		Object.values(draft.ranges).some((range) => range.min !== "" || range.max !== "") ||
		Object.values(draft.sets).some((set) => set.values.length > 0) ||
		Object.values(draft.flags).some((flag) => flag !== "any")
	);
}

@Component({
	selector: "app-category-editor",
	imports: [TranslatePipe, RangeField, SetField, FlagField],
	templateUrl: "./category-editor.html",
	styleUrl: "./category-editor.css",
})
export class CategoryEditor implements OnInit {
	readonly category = input.required<Category>();
	readonly fields = input.required<InterestField[]>();
	readonly value = input.required<CategoryDraft>();
	readonly problems = input<DraftProblems>({});
	readonly maxRiskLevel = input<number | undefined>();
	readonly valueChange = output<CategoryDraft>();

	/** Filters start open only when there are some to see; then the client decides. */
	readonly filtersOpen = signal(false);
	readonly id = computed(() => `interest-${this.category()}`);
	readonly filtered = computed(() => hasFilters(this.value()));
	/** Said under the toggle: what the category's state means for what arrives. */
	readonly stateText = computed(() =>
		!this.value().wanted
			? "interests.category.off"
			: this.filtered()
				? null
				: "interests.category.everything",
	);
	readonly numberFields = computed(() => this.fields().filter((field) => field.kind === "number"));
	readonly otherFields = computed(() => this.fields().filter((field) => field.kind !== "number"));

	ngOnInit() {
		this.filtersOpen.set(this.filtered());
	}

	problemsOf(field: InterestField) {
		return this.problems()[fieldKey(this.category(), field.name)];
	}

	setWanted(event: Event) {
		this.valueChange.emit({ ...this.value(), wanted: (event.target as HTMLInputElement).checked });
	}

	setRange(field: InterestField, range: RangeDraft) {
		const value = this.value();
		this.valueChange.emit({ ...value, ranges: { ...value.ranges, [field.name]: range } });
	}

	setSet(field: InterestField, set: SetDraft) {
		const value = this.value();
		this.valueChange.emit({ ...value, sets: { ...value.sets, [field.name]: set } });
	}

	setFlag(field: InterestField, flag: FlagDraft) {
		const value = this.value();
		this.valueChange.emit({ ...value, flags: { ...value.flags, [field.name]: flag } });
	}

	toggleFilters(event: Event) {
		this.filtersOpen.set((event.target as HTMLDetailsElement).open);
	}
}
