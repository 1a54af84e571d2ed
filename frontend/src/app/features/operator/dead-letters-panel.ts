/**
 * The durable queue's dead letters for operators: work no consumer could do after its last
 * attempt (a publication a matcher could not read, a batch notifications could not store),
 * with the error, so nothing fails out of sight. Payloads are shown as text.
 */
import { ChangeDetectionStrategy, Component, inject } from "@angular/core";
import { Api } from "../../core/api";
import { NumberPipe, WhenPipe } from "../../core/format";
import { TranslatePipe } from "../../core/translate";
import { Status } from "../../shared/status";
import { OperatorAccess } from "./operator-access";
import { Remote } from "./remote";

@Component({
	selector: "app-dead-letters-panel",
	imports: [TranslatePipe, NumberPipe, WhenPipe, Status],
	template: `
		<section class="operator-section" aria-labelledby="operator-dead-heading" data-testid="dead-letters">
			<div class="operator-section-head">
				<h2 id="operator-dead-heading">{{ "operator.dead.heading" | translate }}</h2>
				<button type="button" class="button secondary" (click)="letters.reload()">{{ "operator.dead.refresh" | translate }}</button>
			</div>
			<p class="muted">{{ "operator.dead.intro" | translate }}</p>
			<app-status
				[loading]="letters.loading()"
				[error]="letters.error()"
				[empty]="letters.value()?.total === 0 ? ('operator.dead.empty' | translate) : null"
				(retry)="letters.reload()"
			/>
			@if (letters.value(); as result) {
				@if (result.rows.length > 0) {
					<div class="operator-table-scroll" role="region" tabindex="0" aria-labelledby="operator-dead-caption">
						<table class="operator-table">
							<caption id="operator-dead-caption">{{ "operator.dead.caption" | translate: { count: (result.total | num) } }}</caption>
							<thead>
								<tr>
									<th scope="col">{{ "operator.dead.failedAt" | translate }}</th>
									<th scope="col">{{ "operator.dead.subject" | translate }}</th>
									<th scope="col">{{ "operator.dead.group" | translate }}</th>
									<th scope="col">{{ "operator.dead.attempts" | translate }}</th>
									<th scope="col">{{ "operator.dead.error" | translate }}</th>
									<th scope="col">{{ "operator.dead.payload" | translate }}</th>
								</tr>
							</thead>
							<tbody>
								@for (letter of result.rows; track letter.group + letter.id) {
									<tr class="operator-failed">
										<td>{{ letter.failedAt | when: "dateTime" }}</td>
										<td>{{ letter.subject }}</td>
										<td>{{ letter.group }}</td>
										<td>{{ letter.attempts | num }}</td>
										<td>{{ letter.error }}</td>
										<td><code>{{ payloadText(letter.payload) }}</code></td>
									</tr>
								}
							</tbody>
						</table>
					</div>
				}
			}
		</section>
	`,
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DeadLettersPanel {
	private readonly api = inject(Api);
	private readonly access = inject(OperatorAccess);
	protected readonly letters = new Remote(
		() => null,
		() => this.access.guard(this.api.deadLetters()),
	);

	/** The payload in one line, cut short: enough to recognise the publication or batch. */
	protected payloadText(payload: unknown): string {
		const text = JSON.stringify(payload) ?? "";
		return text.length > 200 ? `${text.slice(0, 200)}…` : text;
	}
}
