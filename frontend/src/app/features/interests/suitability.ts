/**
 * The investor profile (CVM Resolution 30): the questionnaire, whose answers go to the
 * server as they are (it scores them, never the page); the profile the client chooses,
 * never above their score (higher ones are shown, disabled, saying why); and whether the
 * questionnaire holds — without one, or once it expired, the client counts as conservative.
 */
import {
	ChangeDetectionStrategy,
	Component,
	computed,
	inject,
	input,
	linkedSignal,
	output,
} from "@angular/core";
import { WhenPipe } from "../../core/format";
import { Language } from "../../core/i18n";
import type { InterestsSchema, Questionnaire, RiskProfile, SuitabilityAssessment } from "../../core/models";
import { TranslatePipe } from "../../core/translate";

export type SuitabilitySubmit =
	| { status: "idle" }
	| { status: "saving" }
	| { status: "saved"; profile: RiskProfile }
	| { status: "failed"; message: string };

export interface SuitabilityAnswers {
	version: string;
	answers: Record<string, string>;
}

const order: RiskProfile[] = ["conservative", "moderate", "aggressive"];

@Component({
	selector: "app-suitability",
	imports: [TranslatePipe, WhenPipe],
	templateUrl: "./suitability.html",
	styleUrl: "./suitability.css",
	changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Suitability {
	/** The profile chosen (saved with the interests). */
	readonly profile = input.required<RiskProfile>();
	readonly riskProfiles = input.required<InterestsSchema["riskProfiles"]>();
	/** The stored questionnaire; undefined until the client answers one. */
	readonly assessment = input<SuitabilityAssessment | undefined>(undefined);
	/** The current questionnaire; null when it could not be loaded. */
	readonly questionnaire = input<Questionnaire | null>(null);
	readonly submitState = input<SuitabilitySubmit>({ status: "idle" });
	readonly profileChange = output<RiskProfile>();
	readonly answersSubmit = output<SuitabilityAnswers>();

	protected readonly locale = inject(Language).current;
	/** Starts from the stored answers of the same version: renewing unchanged answers is one click. */
	protected readonly answers = linkedSignal<Record<string, string>>(() => {
		const assessment = this.assessment();
		const questionnaire = this.questionnaire();
		return assessment && questionnaire && assessment.version === questionnaire.version
			? { ...assessment.answers }
			: {};
	});
	protected readonly ceiling = computed<RiskProfile>(() => this.assessment()?.profile ?? "conservative");
	protected readonly standing = computed<"none" | "valid" | "expired">(() => {
		const assessment = this.assessment();
		return !assessment ? "none" : assessment.expired ? "expired" : "valid";
	});
	protected readonly complete = computed(() => {
		const questionnaire = this.questionnaire();
		const answers = this.answers();
		return Boolean(questionnaire?.questions.every((question) => answers[question.id]));
	});

	protected readonly savedProfile = computed(() => {
		const state = this.submitState();
		return state.status === "saved" ? state.profile : null;
	});
	protected readonly failure = computed(() => {
		const state = this.submitState();
		return state.status === "failed" ? state.message : null;
	});

	protected allowed(profile: RiskProfile): boolean {
		return order.indexOf(profile) <= order.indexOf(this.ceiling());
	}

	protected answer(question: string, option: string) {
		this.answers.update((answers) => ({ ...answers, [question]: option }));
	}

	protected choose(profile: RiskProfile) {
		if (this.allowed(profile)) this.profileChange.emit(profile);
	}

	protected submit(event: Event) {
		event.preventDefault();
		const questionnaire = this.questionnaire();
		if (!questionnaire || !this.complete() || this.submitState().status === "saving") return;
		this.answersSubmit.emit({ version: questionnaire.version, answers: { ...this.answers() } });
	}
}
