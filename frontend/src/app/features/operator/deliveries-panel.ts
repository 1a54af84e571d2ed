/**
 * The e-mail delivery log for operators: how many deliveries are in each status and the
 * latest ones of the chosen status, failures first, with the error and every attempt.
 */
import { ChangeDetectionStrategy, Component, computed, inject, linkedSignal, signal } from "@angular/core";
import { Api } from "../../core/api";
import { NumberPipe, WhenPipe } from "../../core/format";
import type { Delivery, DeliveryStatus, Page } from "../../core/models";
import { TranslatePipe } from "../../core/translate";
import { Status } from "../../shared/status";
import { OperatorAccess } from "./operator-access";
import { deliveryStatuses } from "./operator-models";
import { Pager } from "./pager";
import { Remote } from "./remote";

const pageSize = 10;

@Component({
	selector: "app-deliveries-panel",
	imports: [TranslatePipe, NumberPipe, WhenPipe, Status, Pager],
	templateUrl: "./deliveries-panel.html",
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DeliveriesPanel {
	private readonly api = inject(Api);
	private readonly access = inject(OperatorAccess);
	protected readonly statuses = deliveryStatuses;

	/** Failures first: they are what an operator comes here for. */
	protected readonly status = signal<DeliveryStatus | undefined>("failed");
	protected readonly page = linkedSignal({ source: this.status, computation: () => 1 });

	protected readonly deliveries = new Remote(
		() => ({ status: this.status(), page: this.page(), pageSize }),
		(params) => this.access.guard(this.api.deliveries(params)) as Promise<Page<Delivery>>,
	);
	/**
	 * The log answers no counts, so each is the total of a one-row page per status: four
	 * cheap counted queries instead of reading the log.
	 */
	protected readonly counts = new Remote(
		() => null,
		async () => {
			const pages = await Promise.all(
				deliveryStatuses.map((status) => this.access.guard(this.api.deliveries({ status, pageSize: 1 }))),
			);
			return Object.fromEntries(deliveryStatuses.map((status, i) => [status, pages[i].total])) as Record<
				DeliveryStatus,
				number
			>;
		},
	);
	protected readonly everyone = computed(() =>
		Object.values(this.counts.value() ?? {}).reduce((sum, count) => sum + count, 0),
	);

	protected refresh() {
		this.deliveries.reload();
		this.counts.reload();
	}
}
