/**
 * The client's investor profile as it stands (CVM Resolution 30): what their questionnaire
 * allows, until when, and — without one or once it expired — that they count as
 * conservative until they answer it on Interesses.
 */
import { ChangeDetectionStrategy, Component, computed, input } from "@angular/core";
import { RouterLink } from "@angular/router";
import { WhenPipe } from "../../core/format";
import type { Subscriber } from "../../core/models";
import { TranslatePipe } from "../../core/translate";

@Component({
	selector: "app-investor-profile",
	imports: [TranslatePipe, WhenPipe, RouterLink],
	changeDetection: ChangeDetectionStrategy.OnPush,
	template: `
		@let profile = "account.profiles." + effective() | translate;
		<p data-testid="effective-profile">{{ "account.suitability.effective" | translate: { profile } }}</p>
		@if (assessment(); as done) {
			@if (done.expired) {
				<p class="notice warn" role="alert" data-testid="account-suitability-expired">
					{{ "account.suitability.expired" | translate: { date: (done.expiresAt | when) } }}
				</p>
			} @else {
				<p class="muted" data-testid="account-suitability-valid">
					{{
						"account.suitability.valid"
							| translate
								: { date: (done.assessedAt | when), score: done.score, expires: (done.expiresAt | when) }
					}}
				</p>
			}
		} @else {
			<p class="notice warn" data-testid="account-suitability-none">{{ "account.suitability.none" | translate }}</p>
		}
		<a class="button secondary" routerLink="/interesses" data-testid="answer-questionnaire">
			{{ (assessment() ? "account.suitability.again" : "account.suitability.answer") | translate }}
		</a>
	`,
	styles: `
		a.button {
			text-decoration: none;
		}
		.notice.warn {
			padding: 0.6rem 0.75rem;
			border-radius: 8px;
			background: var(--highlight);
			border: 1px solid #e0c200;
		}
	`,
})
export class InvestorProfile {
	readonly subscriber = input.required<Subscriber>();
	protected readonly assessment = computed(() => this.subscriber().suitability);
	protected readonly effective = computed(() => this.subscriber().effectiveProfile ?? "conservative");
}
