/**
 * The durable queue's dead letters for operators: work no consumer could do after its last
 * attempt (a publication a matcher could not read, a batch notifications could not store),
 * with the error, so nothing fails out of sight; once its cause is fixed, an operator
 * replays it. Payloads are shown as text.
 */
import { ChangeDetectionStrategy, Component, inject, signal } from "@angular/core";
import { Api } from "../../core/api";
import { NumberPipe, WhenPipe } from "../../core/format";
import type { DeadLetter } from "../../core/models";
import { TranslatePipe, TranslateService } from "../../core/translate";
import { Status } from "../../shared/status";
import { errorText, OperatorAccess } from "./operator-access";
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
			<p role="status" aria-live="polite" data-testid="dead-letters-outcome">{{ outcome() }}</p>
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
									<th scope="col"><span class="visually-hidden">{{ "operator.dead.replay" | translate }}</span></th>
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
										<td>
											<button
												type="button"
												class="button secondary"
												data-testid="dead-letter-replay"
												[disabled]="replaying() === letter.key"
												[attr.aria-label]="'operator.dead.replayLabel' | translate: { subject: letter.subject, group: letter.group, failedAt: (letter.failedAt | when: 'dateTime') }"
												(click)="replay(letter)"
											>
												{{ "operator.dead.replay" | translate }}
											</button>
										</td>
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

	protected readonly replaying = signal<string | null>(null);
	protected readonly outcome = signal("");
	private readonly translate = inject(TranslateService);

	protected async replay(letter: DeadLetter) {
		this.replaying.set(letter.key);
		try {
			await this.access.guard(this.api.replayDeadLetter(letter.key));
			this.outcome.set(this.translate.instant("operator.dead.replayed"));
			this.letters.reload();
		} catch (err) {
			this.outcome.set(errorText(err));
		} finally {
			this.replaying.set(null);
		}
	}

	/** The payload in one line, cut short: enough to recognise the publication or batch. */
	protected payloadText(payload: unknown): string {
		const text = JSON.stringify(payload) ?? "";
		return text.length > 200 ? `${text.slice(0, 200)}…` : text;
	}
}
