/**
 * Why products may be missing, on every page that shows them: the first collection has not
 * finished yet, or named sources failed in their latest run, each with its reason in the
 * reader's language and the collector's own detail. Nothing when all is well.
 */
import { Component, computed, inject, type OnInit, signal } from "@angular/core";
import { Api } from "../../core/api";
import { addTexts } from "../../core/i18n";
import type { CollectionStatus, SourceStatus } from "../../core/models";
import { TranslatePipe, TranslateService } from "../../core/translate";
import { collectionTexts } from "./texts";

@Component({
	selector: "app-collection-notice",
	imports: [TranslatePipe],
	template: `
		@if (status(); as s) {
			@if (failed().length > 0) {
				<section class="notice notice-warning" role="status" data-testid="collection-notice" aria-labelledby="collection-failed">
					<h2 id="collection-failed">{{ "collection.failedHeading" | translate }}</h2>
					<p>{{ "collection.failedIntro" | translate }}</p>
					<ul>
						@for (source of failed(); track source.name) {
							<li [attr.data-source]="source.name">
								{{ "collection.source" | translate: { name: source.name, reason: reason(source) } }}
								@if (source.problem?.detail; as detail) {
									<small class="muted">{{ "collection.detail" | translate: { detail } }}</small>
								}
							</li>
						}
					</ul>
				</section>
			} @else if (!s.lastRunAt) {
				<p class="notice" role="status" data-testid="collection-notice">{{ "collection.firstRun" | translate }}</p>
			}
		}
	`,
	styles: `
		.notice { margin: 0 0 1rem; padding: 0.75rem 1rem; border-radius: 0.5rem; background: var(--surface-2, #f3f4f6); }
		.notice-warning { border-left: 4px solid var(--warning, #b45309); }
		.notice h2 { font-size: 1rem; margin: 0 0 0.25rem; }
		.notice ul { margin: 0.25rem 0 0; padding-left: 1.25rem; }
		.notice small { display: block; overflow-wrap: anywhere; }
	`,
})
export class CollectionNotice implements OnInit {
	private readonly api = inject(Api);
	private readonly translate = inject(TranslateService);
	readonly status = signal<CollectionStatus | null>(null);
	readonly failed = computed(() =>
		(this.status()?.sources ?? []).filter((s) => s.status === "failed" || s.status === "skipped"),
	);

	constructor() {
		addTexts(this.translate, collectionTexts);
	}

	async ngOnInit() {
		// A notice that cannot load says nothing: the page's own states cover a down server.
		this.status.set(await this.api.collectionStatus().catch(() => null));
	}

	reason(source: SourceStatus): string {
		const problem = source.problem;
		return this.translate.instant(`collection.kinds.${problem?.kind ?? "other"}`, {
			status: problem?.httpStatus ?? "",
		});
	}
}
