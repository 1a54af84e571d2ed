/**
 * The configured sources and how each did in the last runs: the latest result in full
 * (counts, duration, errors) and the few before it as a short history, so a source that
 * has been failing for a while stands out from one that failed once.
 */
import { ChangeDetectionStrategy, Component, computed, inject, input } from "@angular/core";
import { Api } from "../../core/api";
import { NumberPipe, WhenPipe } from "../../core/format";
import type { CollectorRunSummary, CollectorSourceInfo, SourceRunSummary } from "../../core/models";
import { TranslatePipe } from "../../core/translate";
import { Status } from "../../shared/status";
import { Remote } from "./remote";

/** How many recent runs the history looks at. */
const recentRuns = 5;

export interface SourceOverview {
	source: CollectorSourceInfo;
	/** The newest run that read this source, if any did lately. */
	latest?: { run: CollectorRunSummary; result: SourceRunSummary };
	/** Its status in each recent run that read it, newest first. */
	history: { runId: string; status: SourceRunSummary["status"] }[];
}

export function overview(sources: CollectorSourceInfo[], runs: CollectorRunSummary[]): SourceOverview[] {
	return sources.map((source) => {
		const read = runs.filter((run) => run.sources[source.name]);
		const [newest] = read;
		return {
			source,
			latest: newest ? { run: newest, result: newest.sources[source.name] } : undefined,
			history: read.map((run) => ({ runId: run.id, status: run.sources[source.name].status })),
		};
	});
}

@Component({
	selector: "app-sources-panel",
	imports: [TranslatePipe, NumberPipe, WhenPipe, Status],
	templateUrl: "./sources-panel.html",
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SourcesPanel {
	private readonly api = inject(Api);
	/** Bumped by the page after a run: a new params value reloads. */
	readonly revision = input(0);

	protected readonly data = new Remote(this.revision, async () => {
		const [sources, runs] = await Promise.all([this.api.sources(), this.api.runs(1, recentRuns)]);
		return overview(sources, runs.rows as CollectorRunSummary[]);
	});
	protected readonly rows = computed(() => this.data.value() ?? []);

	protected seconds(ms: number): number {
		return Math.round(ms / 100) / 10;
	}
}
