/**
 * The risk profile: chosen directly, or suggested by a four-question questionnaire the
 * client can accept. Each profile says what it allows (its maximum risk level from the
 * schema), since that, more than the name, is what changes what arrives.
 */
import { Component, computed, input, output, signal } from "@angular/core";
import type { InterestsSchema, RiskProfile } from "../../core/models";
import { TranslatePipe } from "../../core/translate";
import { type Answers, type QuestionId, questions, suggestProfile } from "./suitability-questions";

@Component({
	selector: "app-suitability",
	imports: [TranslatePipe],
	templateUrl: "./suitability.html",
	styleUrl: "./suitability.css",
})
export class Suitability {
	readonly profile = input.required<RiskProfile>();
	readonly riskProfiles = input.required<InterestsSchema["riskProfiles"]>();
	readonly profileChange = output<RiskProfile>();

	readonly questions = questions;
	readonly answers = signal<Answers>({});
	readonly suggestion = computed(() => suggestProfile(this.answers()));

	answer(question: QuestionId, points: number) {
		this.answers.update((answers) => ({ ...answers, [question]: points }));
	}

	choose(profile: RiskProfile) {
		this.profileChange.emit(profile);
	}
}
