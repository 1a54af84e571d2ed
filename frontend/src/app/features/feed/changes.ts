/**
 * What changed in a product since it was last published, as a person reads it, formatted
 * like the rest of the card: "Taxa de administração 0,50% → 0,40%". Percentages on both
 * sides keep the same decimals (at least two), so a move of a hundredth shows. Parts of a
 * rate read as the whole rate; fields a reader would not know (bookkeeping inside metrics)
 * are left out.
 */
import type { Category, FieldChange, Product } from "../../core/models";
import { fieldLabel, fieldUnits, formatRate, formatValue, type Unit, type Wording } from "./wording";

export interface ChangeView {
	field: string;
	label: string;
	before: string;
	after: string;
}

type Rate = { index: string; percentOfIndex?: number; spread?: number };

/** Product paths whose label key differs from the path (market metrics). */
const labelOf: Readonly<Record<string, string>> = {
	"metrics.dividendYield": "dividendYield",
	"metrics.totalReturn12m": "totalReturn12m",
	"metrics.volatility": "volatility",
	"metrics.maxDrawdown": "maxDrawdown",
	"metrics.meanDailyTradedValue": "meanDailyTradedValue",
};

const units: Readonly<Record<string, Unit>> = { ...fieldUnits, riskLevel: "risk" };

const absentMeans: Readonly<Record<string, unknown>> = { openToInvestment: true };

function decimals(value: unknown): number {
	if (typeof value !== "number") return 0;
	const text = (value * 100).toFixed(6).replace(/0+$/, "");
	return text.split(".")[1]?.length ?? 0;
}

function isRate(value: unknown): value is Rate {
	return typeof value === "object" && value !== null && typeof (value as Rate).index === "string";
}

/** A rate whose parts changed, before and after, the unchanged parts taken from `now`. */
function rateSides(parts: FieldChange[], now: unknown): [unknown, unknown] {
	const side = (which: "before" | "after") => {
		const out: Record<string, unknown> = isRate(now) ? { ...now } : {};
		for (const part of parts) {
			const key = part.field.slice("rate.".length);
			if (part[which] === undefined) delete out[key];
			else out[key] = part[which];
		}
		return out;
	};
	return [side("before"), side("after")];
}

export function describeChanges(
	changes: readonly FieldChange[] | undefined,
	_category: Category,
	product: Product | undefined,
	w: Wording,
): ChangeView[] {
	if (!changes?.length) return [];
	const known = w.words.fields as Record<string, string>;
	const views: ChangeView[] = [];
	const one = (field: string, before: unknown, after: unknown) => {
		if (!(field in known)) return;
		const label = fieldLabel(field, w);
		if (field === "rate") {
			const show = (value: unknown) => (isRate(value) ? formatRate(value, w) : "—");
			views.push({ field, label, before: show(before), after: show(after) });
			return;
		}
		const unit = units[field] ?? "text";
		const show = (value: unknown, digits: number) => {
			if (value == null || value === "") return "—";
			if (unit === "fraction" && typeof value === "number") return w.format.percent(value, digits);
			return formatValue(value, unit, w);
		};
		const digits = Math.max(2, decimals(before), decimals(after));
		views.push({ field, label, before: show(before, digits), after: show(after, digits) });
	};
	const rateParts: FieldChange[] = [];
	for (const change of changes) {
		const venue = /^venues\.([^.]+)(?:\.(.+))?$/.exec(change.field);
		if (venue) {
			// A venue's field: the field, and where ("Taxa de administração (XP) 0,50% → 0,40%").
			const [, source = "", path] = venue;
			const at = product?.venues?.[source];
			const where = at?.label ?? at?.source ?? source;
			const before = views.length;
			if (path)
				one(labelOf[path] ?? path, change.before ?? absentMeans[path], change.after ?? absentMeans[path]);
			else if (change.before === undefined)
				views.push({
					field: change.field,
					label: `${w.words.card.venueAdded} ${where}`,
					before: "",
					after: "",
				});
			for (const view of views.slice(before))
				if (path) Object.assign(view, { field: change.field, label: `${view.label} (${where})` });
			continue;
		}
		if (change.field.startsWith("rate.")) rateParts.push(change);
		else {
			// Absent means open and general (the matcher's gates): said so, rather than "—".
			const absent = absentMeans[change.field];
			one(labelOf[change.field] ?? change.field, change.before ?? absent, change.after ?? absent);
		}
	}
	if (rateParts.length > 0)
		one("rate", ...rateSides(rateParts, product?.category === "fixed_income" ? product.rate : undefined));
	return views;
}
