/**
 * One number field of a category as a minimum and a maximum, typed in the unit the client
 * thinks in (8 for 8 %). Risk levels, bounded 1–5, are two sliders instead; a slider at its
 * end means "no bound", which for levels is the same thing.
 */
import { Component, computed, inject, input, output } from "@angular/core";
import { Format } from "../../core/format";
import { Language } from "../../core/i18n";
import type { Category, InterestField } from "../../core/models";
import { TranslatePipe } from "../../core/translate";
import {
	type FieldProblems,
	fromDisplay,
	type Problem,
	parseDecimal,
	type RangeDraft,
	riskLevels,
} from "./interests-draft";

type Bound = "min" | "max";

@Component({
	selector: "app-range-field",
	imports: [TranslatePipe],
	templateUrl: "./range-field.html",
	styleUrl: "./fields.css",
})
export class RangeField {
	private readonly format = inject(Format);
	private readonly language = inject(Language);

	readonly category = input.required<Category>();
	readonly field = input.required<InterestField>();
	readonly value = input.required<RangeDraft>();
	readonly problems = input<FieldProblems | undefined>();
	/** The profile's cap, said next to risk sliders: a higher level would never match. */
	readonly maxRiskLevel = input<number | undefined>();
	readonly valueChange = output<RangeDraft>();

	readonly riskLevels = riskLevels;
	readonly bounds: readonly Bound[] = ["min", "max"];
	readonly problemKinds = ["min", "max", "range"] as const;
	readonly id = computed(() => `interest-${this.category()}-${this.field().name}`);
	readonly label = computed(() => this.field().label[this.language.current()]);
	/** Percent and reais are said next to the label; days and levels already say so in it. */
	readonly unitText = computed(() => {
		const unit = this.field().unit;
		return unit === "fraction" || unit === "BRL" ? `interests.range.unit.${unit}` : null;
	});

	/** "A partir de 8 %", "De R$ 1.000,00 a R$ 5.000,00": the typed bounds read back formatted. */
	readonly summary = computed(() => {
		const problems = this.problems();
		if (problems?.min || problems?.max || problems?.range) return null;
		const locale = this.language.current();
		const min = parseDecimal(this.value().min, locale);
		const max = parseDecimal(this.value().max, locale);
		const shown = { min: this.formatted(min), max: this.formatted(max) };
		if (shown.min && shown.max) return { key: "interests.range.between", params: shown };
		if (shown.min) return { key: "interests.range.from", params: shown };
		if (shown.max) return { key: "interests.range.upTo", params: shown };
		return null;
	});

	set(bound: Bound, event: Event) {
		this.valueChange.emit({ ...this.value(), [bound]: (event.target as HTMLInputElement).value });
	}

	setLevel(bound: Bound, event: Event) {
		const level = Number((event.target as HTMLInputElement).value);
		const end = bound === "min" ? riskLevels.min : riskLevels.max;
		this.valueChange.emit({ ...this.value(), [bound]: level === end ? "" : String(level) });
	}

	level(bound: Bound): number {
		const typed = parseDecimal(this.value()[bound], this.language.current());
		return typeof typed === "number" ? typed : bound === "min" ? riskLevels.min : riskLevels.max;
	}

	/** The level as a screen reader should hear it: a slider at its end bounds nothing. */
	levelText(bound: Bound): string | null {
		return this.value()[bound] === "" ? null : String(this.level(bound));
	}

	/** Hint, summary and errors of one input, for aria-describedby. */
	describedBy(bound: Bound): string {
		const id = this.id();
		const problems = this.problems();
		return [
			this.unitText() ? `${id}-unit` : "",
			problems?.[bound] ? `${id}-${bound}-error` : "",
			problems?.range ? `${id}-range-error` : "",
			this.summary() ? `${id}-summary` : "",
		]
			.filter(Boolean)
			.join(" ");
	}

	invalid(bound: Bound): boolean {
		const problems = this.problems();
		return Boolean(problems?.[bound] || problems?.range);
	}

	/** Error parameters in the field's unit, formatted in the active locale. */
	params(problem: Problem): Record<string, string> {
		const params: Record<string, string> = {};
		for (const [name, value] of Object.entries(problem.params ?? {}))
			params[name] =
				this.field().unit === "fraction"
					? this.format.percent(fromDisplay(this.field(), value))
					: this.format.number(value);
		return params;
	}

	private formatted(value: number | null | undefined): string | null {
		if (typeof value !== "number") return null;
		const field = this.field();
		switch (field.unit) {
			case "fraction":
				return this.format.percent(fromDisplay(field, value));
			case "BRL":
				return this.format.brl(value);
			default:
				return this.format.number(value);
		}
	}
}
