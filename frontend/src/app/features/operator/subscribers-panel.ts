/**
 * Subscribers for operators: how many are in each status, and a search by name or e-mail.
 * Personal data, so it exists only behind the operator token; the search runs on submit,
 * not per keystroke, so typing a name does not query the database letter by letter.
 */
import { ChangeDetectionStrategy, Component, computed, inject, linkedSignal, signal } from "@angular/core";
import { Api } from "../../core/api";
import { NumberPipe, WhenPipe } from "../../core/format";
import type { SubscriberStatus } from "../../core/models";
import { TranslatePipe } from "../../core/translate";
import { Status } from "../../shared/status";
import { OperatorAccess } from "./operator-access";
import { type SubscriberPage, subscriberStatuses } from "./operator-models";
import { Pager } from "./pager";
import { Remote } from "./remote";

@Component({
	selector: "app-subscribers-panel",
	imports: [TranslatePipe, NumberPipe, WhenPipe, Status, Pager],
	templateUrl: "./subscribers-panel.html",
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SubscribersPanel {
	private readonly api = inject(Api);
	private readonly access = inject(OperatorAccess);
	protected readonly statuses = subscriberStatuses;

	protected readonly q = signal("");
	protected readonly status = signal<SubscriberStatus | undefined>(undefined);
	/** Back to the first page whenever the search or the filter changes. */
	protected readonly page = linkedSignal({
		source: () => ({ q: this.q(), status: this.status() }),
		computation: () => 1,
	});

	protected readonly subscribers = new Remote(
		() => ({ q: this.q() || undefined, status: this.status(), page: this.page() }),
		(params) => this.access.guard(this.api.subscribers(params)) as Promise<SubscriberPage>,
	);
	/** Everyone, whatever the search: the counts cover all subscribers. */
	protected readonly everyone = computed(() =>
		Object.values(this.subscribers.value()?.counts ?? {}).reduce((sum, count) => sum + count, 0),
	);

	protected search(event: Event, input: HTMLInputElement) {
		event.preventDefault();
		this.q.set(input.value.trim());
	}

	protected clear(input: HTMLInputElement) {
		input.value = "";
		this.q.set("");
	}
}
