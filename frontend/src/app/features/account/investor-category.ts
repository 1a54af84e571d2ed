/**
 * Investor category (CVM Resolution 30, arts. 11–12): general unless the client declares
 * otherwise. Qualified or professional needs a ground the rule accepts and the statement
 * for it, shown in full (the server's versioned text, loaded when first needed) and
 * confirmed before anything is sent; the server dates the declaration with that version.
 */
import {
	ChangeDetectionStrategy,
	Component,
	computed,
	effect,
	inject,
	input,
	linkedSignal,
	output,
	signal,
	untracked,
} from "@angular/core";
import { Api } from "../../core/api";
import { WhenPipe } from "../../core/format";
import { Language } from "../../core/i18n";
import type { Audience, CategoryGround, StatementSet, Subscriber } from "../../core/models";
import { TranslatePipe } from "../../core/translate";

export const grounds: Record<Audience, CategoryGround[]> = {
	general: [],
	qualified: ["investments", "certification"],
	professional: ["investments", "registration"],
};

@Component({
	selector: "app-investor-category",
	imports: [TranslatePipe, WhenPipe],
	templateUrl: "./investor-category.html",
	changeDetection: ChangeDetectionStrategy.OnPush,
	styles: `
		fieldset {
			border: 0;
			margin: 0 0 1rem;
			padding: 0;
			min-width: 0;
		}
		legend {
			font-weight: 600;
			margin-bottom: 0.4rem;
		}
		.statement {
			margin: 0 0 1rem;
			padding: 0.75rem 1rem;
			border-left: 4px solid var(--brand);
			background: #eef4f8;
			white-space: pre-line;
		}
	`,
})
export class InvestorCategoryForm {
	readonly subscriber = input.required<Subscriber>();
	readonly saved = output<Subscriber>();
	private readonly api = inject(Api);
	protected readonly locale = inject(Language).current;
	protected readonly grounds = grounds;
	protected readonly categories: Audience[] = ["general", "qualified", "professional"];

	protected readonly current = computed(
		() => this.subscriber().investorCategory ?? { category: "general" as const },
	);
	protected readonly category = linkedSignal<Audience>(() => this.current().category);
	protected readonly ground = linkedSignal<CategoryGround>(() => this.current().ground ?? "investments");
	protected readonly confirmed = signal(false);
	protected readonly tried = signal(false);
	protected readonly saving = signal(false);
	protected readonly done = signal(false);
	protected readonly failure = signal<string | null>(null);
	protected readonly statements = signal<StatementSet | null>(null);
	protected readonly statementsError = signal<string | null>(null);
	private loadingStatements = false;

	/** The statement the chosen category and ground sign, in the page's language. */
	protected readonly statement = computed(() => {
		const set = this.statements();
		const category = this.category();
		if (!set || category === "general") return null;
		const byGround = set.statements[category] as Record<string, Record<string, string>>;
		return byGround[this.ground()]?.[this.locale()] ?? null;
	});
	protected readonly needsStatement = computed(() => this.category() !== "general");
	protected readonly confirmError = computed(() =>
		this.tried() && this.needsStatement() && !this.confirmed() ? "account.category.confirmRequired" : null,
	);

	constructor() {
		// The statements load when a category needs one (already declared, or just chosen), once.
		effect(() => {
			if (this.needsStatement()) untracked(() => void this.loadStatements());
		});
	}

	protected choose(category: Audience) {
		this.category.set(category);
		if (!grounds[category].includes(this.ground())) this.ground.set("investments");
		this.edited();
	}

	protected chooseGround(ground: CategoryGround) {
		this.ground.set(ground);
		this.edited();
	}

	protected setConfirmed(value: boolean) {
		this.confirmed.set(value);
		this.done.set(false);
	}

	protected async save(event: Event) {
		event.preventDefault();
		if (this.saving()) return;
		this.tried.set(true);
		this.failure.set(null);
		const category = this.category();
		const statements = this.statements();
		if (category !== "general" && (!this.confirmed() || !statements)) return;
		this.saving.set(true);
		try {
			const subscriber = await this.api.setInvestorCategory(
				category === "general"
					? { category }
					: {
							category,
							ground: this.ground(),
							attestation: true,
							statementVersion: statements?.version,
							locale: this.locale(),
						},
			);
			this.saved.emit(subscriber);
			this.done.set(true);
			this.tried.set(false);
			this.confirmed.set(false);
		} catch (err) {
			this.failure.set((err as { message?: string }).message ?? String(err));
		} finally {
			this.saving.set(false);
		}
	}

	private edited() {
		// A confirmation is of one statement: another category or ground needs its own.
		this.confirmed.set(false);
		this.done.set(false);
	}

	private async loadStatements() {
		if (this.statements() || this.loadingStatements) return;
		this.loadingStatements = true;
		this.statementsError.set(null);
		try {
			this.statements.set(await this.api.investorStatements());
		} catch (err) {
			this.statementsError.set((err as { message?: string }).message ?? String(err));
		} finally {
			this.loadingStatements = false;
		}
	}
}
