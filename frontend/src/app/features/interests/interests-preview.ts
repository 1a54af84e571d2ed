/**
 * What the interests being edited would have brought in the last days: a count and the first
 * few products. The count element carries data-testid="preview-count" with the bare number
 * (no thousands separator), since the end-to-end test reads it back as a number.
 */
import { Component, computed, input, output } from "@angular/core";
import type { Preview } from "../../core/models";
import { TranslatePipe } from "../../core/translate";
import type { PreviewStatus } from "./interests-state";

/** Enough to recognise the kind of product, few enough to read at a glance. */
const shown = 5;

@Component({
	selector: "app-interests-preview",
	imports: [TranslatePipe],
	templateUrl: "./interests-preview.html",
	styleUrl: "./interests-preview.css",
})
export class InterestsPreview {
	readonly preview = input<Preview | null>(null);
	readonly status = input<PreviewStatus>("idle");
	readonly error = input<string | null>(null);
	/** No category wanted: say so rather than just "0 products". */
	readonly nothingWanted = input(false);
	readonly retry = output<void>();

	readonly examples = computed(() => this.preview()?.products.slice(0, shown) ?? []);
}
