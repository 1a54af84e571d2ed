/**
 * The research house's operator page: collector sources and runs, a manual run, the
 * subscriber and delivery overviews, dead letters and the audit trail. It asks for the
 * operator token (not a client session) and shows nothing else until one is given; the
 * first refusal brings the form back.
 */
import { ChangeDetectionStrategy, Component, inject, signal, ViewEncapsulation } from "@angular/core";
import { TranslatePipe } from "../../core/translate";
import { CollectionNotice } from "../../shared/collection/collection-notice";
import { AuditPanel } from "./audit-panel";
import { DeadLettersPanel } from "./dead-letters-panel";
import { DeliveriesPanel } from "./deliveries-panel";
import { OperatorAccess } from "./operator-access";
import { RunNow } from "./run-now";
import { RunsPanel } from "./runs-panel";
import { SourcesPanel } from "./sources-panel";
import { SubscribersPanel } from "./subscribers-panel";
import { TokenForm } from "./token-form";

@Component({
	selector: "app-operator",
	imports: [
		TranslatePipe,
		CollectionNotice,
		TokenForm,
		RunNow,
		SourcesPanel,
		RunsPanel,
		SubscribersPanel,
		DeliveriesPanel,
		DeadLettersPanel,
		AuditPanel,
	],
	providers: [OperatorAccess],
	templateUrl: "./operator.html",
	styleUrl: "./operator.css",
	// One stylesheet for the page and its panels; every selector starts with .operator.
	encapsulation: ViewEncapsulation.None,
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Operator {
	protected readonly access = inject(OperatorAccess);
	/** Bumped when a run ends, so the panels that show runs load again. */
	protected readonly revision = signal(0);
}
