/** The collector's runs, newest first, ten a page; runs with a failed source say so in words. */
import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal } from "@angular/core";
import { Api } from "../../core/api";
import { NumberPipe, WhenPipe } from "../../core/format";
import { TranslatePipe } from "../../core/translate";
import { Status } from "../../shared/status";
import { failedSources } from "./operator-models";
import { Pager } from "./pager";
import { Remote } from "./remote";

const pageSize = 10;

@Component({
	selector: "app-runs-panel",
	imports: [TranslatePipe, NumberPipe, WhenPipe, Status, Pager],
	templateUrl: "./runs-panel.html",
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RunsPanel {
	private readonly api = inject(Api);
	/** Bumped by the page after a run: back to the first page, where the new run is. */
	readonly revision = input(0);
	protected readonly page = linkedSignal({ source: this.revision, computation: () => 1 });

	protected readonly runs = new Remote(
		() => ({ page: this.page(), revision: this.revision() }),
		({ page }) => this.api.runs(page, pageSize),
	);
	protected readonly rows = computed(() =>
		(this.runs.value()?.rows ?? []).map((run) => ({ run, failed: failedSources(run) })),
	);
}
