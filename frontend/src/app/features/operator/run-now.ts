/**
 * Starts a collection by hand and says how it went. The request lasts as long as the run
 * (minutes at worst), so the button stays disabled meanwhile; the server refuses a second
 * run anywhere in the cluster with 409, which is said in words, not as a failure.
 */
import { ChangeDetectionStrategy, Component, computed, inject, output, signal } from "@angular/core";
import { Api, isApiError } from "../../core/api";
import { NumberPipe, WhenPipe } from "../../core/format";
import type { CollectorRunSummary } from "../../core/models";
import { TranslatePipe } from "../../core/translate";
import { errorText, OperatorAccess } from "./operator-access";

@Component({
	selector: "app-run-now",
	imports: [TranslatePipe, NumberPipe, WhenPipe],
	templateUrl: "./run-now.html",
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RunNow {
	private readonly api = inject(Api);
	private readonly access = inject(OperatorAccess);
	/** A run ended: sources and runs are worth reloading. */
	readonly finished = output<void>();

	protected readonly running = signal(false);
	protected readonly summary = signal<CollectorRunSummary | null>(null);
	protected readonly busy = signal(false);
	protected readonly problem = signal<string | null>(null);
	protected readonly results = computed(() =>
		Object.entries(this.summary()?.sources ?? {}).map(([name, result]) => ({ name, result })),
	);

	protected async run() {
		if (this.running()) return;
		this.running.set(true);
		this.summary.set(null);
		this.busy.set(false);
		this.problem.set(null);
		try {
			this.summary.set((await this.access.guard(this.api.runNow())) as CollectorRunSummary);
			this.finished.emit();
		} catch (err) {
			if (isApiError(err) && err.status === 409) this.busy.set(true);
			else this.problem.set(errorText(err));
		} finally {
			this.running.set(false);
		}
	}
}
