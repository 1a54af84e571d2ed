/**
 * Why a tip matched, as a person reads it. The matcher sends each satisfied constraint
 * raw — field name, operator, the product's value and the client's bound, in the field's
 * unit (fractions for rates and fees) — and this turns it into
 * "Taxa de administração 0,5% ≤ 1%", "Setor Energia ∈ {Energia, Bancos}", "Isento de IR = Sim".
 */
import type { MatchReason } from "../../core/models";
import { fieldLabel, fieldUnits, formatValue, type Wording } from "./wording";

export interface ReasonView {
	field: string;
	/** "Taxa de administração" */
	label: string;
	/** "0,5% ≤ 1%": the product's value against the client's bound. */
	comparison: string;
}

export function describeReason(reason: MatchReason, w: Wording): ReasonView {
	const unit = fieldUnits[reason.field] ?? "text";
	const one = (value: unknown) => formatValue(value, unit, w);
	let comparison: string;
	if (reason.operator === "∈" || reason.operator === "∉") {
		const bound = Array.isArray(reason.bound) ? reason.bound : [reason.bound];
		comparison = `${one(reason.value)} ${reason.operator} {${bound.map(one).join(", ")}}`;
	} else if (reason.operator === "=") {
		// Flags: the value equals the bound, saying it twice adds nothing.
		comparison = `= ${one(reason.bound)}`;
	} else {
		comparison = `${one(reason.value)} ${reason.operator} ${one(reason.bound)}`;
	}
	return { field: reason.field, label: fieldLabel(reason.field, w), comparison };
}
