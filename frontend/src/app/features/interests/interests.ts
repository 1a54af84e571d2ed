/**
 * The Interesses page (/interesses, signed-in clients): which asset classes and which
 * products in them the client wants, their risk profile, a live preview of what that would
 * have brought, and how it should arrive. The state lives in InterestsState, one per visit.
 */
import { Component, computed, inject } from "@angular/core";
import { Language } from "../../core/i18n";
import type { Category } from "../../core/models";
import { TranslatePipe, TranslateService } from "../../core/translate";
import { Status } from "../../shared/status";
import { CategoryEditor } from "./category-editor";
import type { CategoryDraft } from "./interests-draft";
import { schemaCategories } from "./interests-draft";
import { InterestsPreview } from "./interests-preview";
import { InterestsState } from "./interests-state";
import { PreferencesForm } from "./preferences-form";
import { Suitability } from "./suitability";

@Component({
	selector: "app-interests",
	imports: [TranslatePipe, Status, CategoryEditor, Suitability, InterestsPreview, PreferencesForm],
	providers: [InterestsState],
	templateUrl: "./interests.html",
	styleUrl: "./interests.css",
})
export class InterestsPage {
	readonly state = inject(InterestsState);
	private readonly language = inject(Language);
	private readonly translate = inject(TranslateService);

	readonly categories = computed(() => {
		const schema = this.state.schema();
		return schema ? schemaCategories(schema) : [];
	});
	readonly nothingWanted = computed(() => Object.keys(this.state.interests()).length === 0);

	constructor() {
		this.state.load();
	}

	editCategory(category: Category, draft: CategoryDraft) {
		this.state.editCategory(category, draft);
	}

	/**
	 * A 422's field path as the form labels it: "fund.adminFee" → "Fundos · Taxa de
	 * administração", "fund" → "Fundos"; anything unknown is shown as the server said it.
	 */
	fieldLabel(path: string): string {
		const locale = this.language.current();
		const [category, name] = path.split(".");
		const fields = this.state.schema()?.categories[category as Category];
		if (!fields) return path;
		const categoryLabel: string = this.translate.instant(`category.${category}`);
		if (!name) return categoryLabel;
		const field = fields.find((candidate) => candidate.name === name);
		return `${categoryLabel} · ${field?.label[locale] ?? name}`;
	}
}
