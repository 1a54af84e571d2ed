/**
 * The interests page's state, provided by the page (one per visit): the schema, the draft,
 * the risk profile and the suitability questionnaire, the debounced live preview and the
 * save. Every edit goes through `editCategory`, `chooseProfile` or `submitAnswers`, so the
 * preview is rescheduled in exactly one place.
 */
import { computed, DestroyRef, Injectable, inject, signal } from "@angular/core";
import { Api, isApiError } from "../../core/api";
import { Language } from "../../core/i18n";
import type {
	Category,
	InterestsSchema,
	Preferences,
	Preview,
	Questionnaire,
	RiskProfile,
	SuitabilityAssessment,
} from "../../core/models";
import { type CategoryDraft, type Draft, draftProblems, toDraft, toInterests } from "./interests-draft";
import type { SuitabilityAnswers, SuitabilitySubmit } from "./suitability";

/** Long enough that typing "12" sends one request, short enough to feel live. */
export const previewDelayMs = 400;
export const previewDays = 30;

/** While a new preview loads, the last one stays on screen (marked busy) rather than flashing away. */
export type PreviewStatus = "idle" | "loading" | "ready" | "invalid" | "error";

export interface FieldError {
	field: string;
	message: string;
}

export type SaveState =
	| { status: "idle" }
	| { status: "saving" }
	| { status: "saved" }
	| { status: "failed"; message: string; fields: FieldError[] };

function fieldErrors(data: unknown): FieldError[] {
	if (!Array.isArray(data)) return [];
	return data.filter(
		(item): item is FieldError => typeof item?.field === "string" && typeof item?.message === "string",
	);
}

function messageOf(err: unknown): string {
	return isApiError(err) ? err.message : String(err);
}

@Injectable()
export class InterestsState {
	private readonly api = inject(Api);
	private readonly language = inject(Language);

	readonly loading = signal(false);
	readonly loadError = signal<string | null>(null);
	readonly schema = signal<InterestsSchema | null>(null);
	readonly draft = signal<Draft>({});
	readonly riskProfile = signal<RiskProfile>("conservative");
	readonly assessment = signal<SuitabilityAssessment | undefined>(undefined);
	/** Null when it could not be loaded: the rest of the page works without it. */
	readonly questionnaire = signal<Questionnaire | null>(null);
	readonly suitabilityState = signal<SuitabilitySubmit>({ status: "idle" });
	readonly preferences = signal<Preferences | null>(null);
	readonly preview = signal<Preview | null>(null);
	readonly previewStatus = signal<PreviewStatus>("idle");
	readonly previewError = signal<string | null>(null);
	readonly saveState = signal<SaveState>({ status: "idle" });

	/** The profile the server holds: the save only sends it when it changed. */
	private savedProfile: RiskProfile = "conservative";
	private previewTimer?: ReturnType<typeof setTimeout>;
	/** Answers to older requests arrive late sometimes; only the newest one is shown. */
	private previewRequest = 0;

	readonly problems = computed(() => {
		const schema = this.schema();
		return schema ? draftProblems(schema, this.draft(), this.language.current()) : {};
	});
	readonly valid = computed(() => Object.keys(this.problems()).length === 0);
	readonly interests = computed(() => {
		const schema = this.schema();
		return schema ? toInterests(schema, this.draft(), this.language.current()) : {};
	});
	/** What products are chosen by now: conservative without a valid questionnaire (as the server does). */
	readonly effectiveProfile = computed<RiskProfile>(() =>
		this.assessment() && !this.assessment()?.expired ? this.riskProfile() : "conservative",
	);
	readonly maxRiskLevel = computed(
		() =>
			this.schema()?.riskProfiles.find((entry) => entry.profile === this.effectiveProfile())?.maxRiskLevel,
	);

	constructor() {
		inject(DestroyRef).onDestroy(() => clearTimeout(this.previewTimer));
	}

	async load() {
		this.loading.set(true);
		this.loadError.set(null);
		try {
			const [schema, me, questionnaire] = await Promise.all([
				this.api.interestsSchema(),
				this.api.me(),
				this.api.questionnaire().catch(() => null),
			]);
			this.schema.set(schema);
			this.draft.set(toDraft(schema, me.interests ?? {}, this.language.current()));
			this.riskProfile.set(me.riskProfile);
			this.savedProfile = me.riskProfile;
			this.assessment.set(me.suitability);
			this.questionnaire.set(questionnaire);
			this.preferences.set(me.preferences);
			this.refreshPreview();
		} catch (err) {
			this.loadError.set(messageOf(err));
		} finally {
			this.loading.set(false);
		}
	}

	editCategory(category: Category, next: CategoryDraft) {
		this.draft.update((draft) => ({ ...draft, [category]: next }));
		this.edited();
	}

	chooseProfile(profile: RiskProfile) {
		this.riskProfile.set(profile);
		this.edited();
	}

	/** The answers as given: the server scores them and answers with the profile they allow. */
	async submitAnswers(answers: SuitabilityAnswers) {
		if (this.suitabilityState().status === "saving") return;
		this.suitabilityState.set({ status: "saving" });
		try {
			const me = await this.api.setSuitability(answers);
			this.assessment.set(me.suitability);
			this.riskProfile.set(me.riskProfile);
			this.savedProfile = me.riskProfile;
			this.suitabilityState.set({ status: "saved", profile: me.suitability?.profile ?? me.riskProfile });
			this.edited();
		} catch (err) {
			this.suitabilityState.set({ status: "failed", message: messageOf(err) });
		}
	}

	async save() {
		if (!this.valid() || this.saveState().status === "saving") return;
		this.saveState.set({ status: "saving" });
		try {
			await this.api.setInterests(this.interests());
			const profile = this.riskProfile();
			if (profile !== this.savedProfile) {
				await this.api.updateMe({ riskProfile: profile });
				this.savedProfile = profile;
			}
			this.saveState.set({ status: "saved" });
		} catch (err) {
			this.saveState.set({
				status: "failed",
				message: messageOf(err),
				fields: isApiError(err) ? fieldErrors(err.data) : [],
			});
		}
	}

	retryPreview() {
		if (this.valid()) this.refreshPreview();
	}

	private edited() {
		// "Saved" describes the form as it was; after an edit it would mislead.
		if (this.saveState().status !== "saving") this.saveState.set({ status: "idle" });
		clearTimeout(this.previewTimer);
		if (!this.valid()) {
			this.previewRequest++;
			this.previewStatus.set("invalid");
			return;
		}
		this.previewTimer = setTimeout(() => this.refreshPreview(), previewDelayMs);
	}

	private async refreshPreview() {
		const request = ++this.previewRequest;
		this.previewStatus.set("loading");
		try {
			const preview = await this.api.preview(this.interests(), this.effectiveProfile(), previewDays);
			if (request !== this.previewRequest) return;
			this.preview.set(preview);
			this.previewStatus.set("ready");
		} catch (err) {
			if (request !== this.previewRequest) return;
			this.previewError.set(messageOf(err));
			this.previewStatus.set("error");
		}
	}
}
