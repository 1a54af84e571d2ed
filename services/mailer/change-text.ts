/**
 * What changed in a product, and the "no longer…" notice, in the subscriber's language and
 * formatted as the rest of the e-mail: "Taxa de administração 0,50% → 0,40%" / "Management
 * fee 0.50% → 0.40%". Fields the reader would not recognise (bookkeeping inside metrics,
 * identifiers) are left out; fractions keep two decimals so a move of a hundredth shows.
 */
import type { ChangeValue, FieldChange, Notice } from "../../domain/changes.ts";
import type { FieldUnit } from "../../domain/interests.ts";
import { interestFields } from "../../domain/interests.ts";
import type { Category, Rate, Venue } from "../../domain/product.ts";
import { venueLabel } from "../../domain/venues.ts";
import {
	type DigestLocale,
	formatBrl,
	formatDate,
	formatDays,
	formatPercent,
	formatRate,
} from "./formats.ts";

type Kind = FieldUnit | "date" | "rate" | "boolean" | "text" | "number";

/** Fields not in the interests catalogue that a reader still knows, with their labels. */
const extra: Record<string, { kind: Kind; label: Record<DigestLocale, string> }> = {
	name: { kind: "text", label: { "pt-BR": "Nome", en: "Name" } },
	rate: { kind: "rate", label: { "pt-BR": "Taxa", en: "Rate" } },
	maturityDate: { kind: "date", label: { "pt-BR": "Vencimento", en: "Maturity" } },
	openToInvestment: {
		kind: "boolean",
		label: { "pt-BR": "Aberto a novas aplicações", en: "Open to new investment" },
	},
	audience: { kind: "text", label: { "pt-BR": "Público", en: "Audience" } },
};

const words = {
	"pt-BR": { yes: "Sim", no: "Não", none: "—" },
	en: { yes: "Yes", no: "No", none: "—" },
} as const;

export const noticeTexts: Record<DigestLocale, Record<Notice, string>> = {
	"pt-BR": {
		"no-longer-available": "Não está mais disponível para novas aplicações.",
		"no-longer-fits": "Não combina mais com o seu perfil e interesses.",
	},
	en: {
		"no-longer-available": "No longer available for new investment.",
		"no-longer-fits": "No longer fits your profile and interests.",
	},
};

function describe(
	category: Category,
	path: string,
): { kind: Kind; label: Record<DigestLocale, string> } | undefined {
	const entry = interestFields[category]?.find((field) => field.path === path);
	if (entry) {
		const kind: Kind =
			entry.kind === "number" ? (entry.unit ?? "number") : entry.kind === "boolean" ? "boolean" : "text";
		const strip = (label: string) =>
			entry.unit === "days" ? label.replace(/\s*\((dias|days)\)$/, "") : label;
		return { kind, label: { "pt-BR": strip(entry.label["pt-BR"]), en: strip(entry.label.en) } };
	}
	return extra[path];
}

function formatted(locale: DigestLocale, kind: Kind, value: unknown): string {
	if (value === undefined || value === null || value === "") return words[locale].none;
	if (typeof value === "boolean") return value ? words[locale].yes : words[locale].no;
	if (typeof value === "number") {
		if (kind === "fraction") return formatPercent(locale, value, 2);
		if (kind === "BRL") return formatBrl(locale, value);
		if (kind === "days") return formatDays(locale, value);
		return new Intl.NumberFormat(locale).format(value);
	}
	if (kind === "rate" && typeof value === "object") return formatRate(locale, value as Rate);
	if (kind === "date" && typeof value === "string") return formatDate(locale, value);
	return String(value);
}

/** Absent means open (gates.ts) and general: said so, rather than "—". */
const absentMeans: Record<string, ChangeValue> = { openToInvestment: true, audience: "general" };

function asRead(change: FieldChange): [unknown, unknown] {
	const absent = absentMeans[change.field];
	return [change.before ?? absent, change.after ?? absent];
}

/**
 * Rate parts change as leaves ("rate.spread"); they read as the whole rate before and after,
 * the parts that did not change taken from `rate` (the product as it is now).
 */
function rateSides(changes: readonly FieldChange[], rate: Rate | undefined): [unknown, unknown] | undefined {
	const parts = changes.filter((change) => change.field.startsWith("rate."));
	if (parts.length === 0) return undefined;
	const side = (which: "before" | "after") => {
		const out: Record<string, unknown> = { ...rate };
		for (const part of parts) {
			const key = part.field.slice("rate.".length);
			if (part[which] === undefined) delete out[key];
			else out[key] = part[which];
		}
		return typeof out.index === "string" ? out : undefined;
	};
	return [side("before"), side("after")];
}

const venueWords = {
	"pt-BR": { added: "Agora também em" },
	en: { added: "Now also at" },
} as const;

/**
 * One line per change a reader recognises: "Taxa de administração 0,50% → 0,49%". `rate`:
 * the product's rate now, to show a rate whole when a part of it moved; `venues`: its
 * venues now, to name the one a change happened at.
 */
export function changeTexts(
	locale: DigestLocale,
	category: Category,
	changes: readonly FieldChange[],
	rate?: Rate,
	venues?: Record<string, Venue>,
): string[] {
	const lines: string[] = [];
	const line = (path: string, before: unknown, after: unknown, where?: string) => {
		const known = describe(category, path);
		if (known)
			lines.push(
				`${known.label[locale]}${where ? ` (${where})` : ""} ${formatted(locale, known.kind, before)} → ${formatted(locale, known.kind, after)}`,
			);
	};
	for (const change of changes) {
		const venue = /^venues\.([^.]+)(?:\.(.+))?$/.exec(change.field);
		if (!venue) {
			if (!change.field.startsWith("rate.")) line(change.field, ...asRead(change));
			continue;
		}
		// A venue's field: the field, and where ("Taxa de administração (XP) 0,50% → 0,40%").
		const [, source = "", path] = venue;
		const where = venueLabel(venues?.[source] ?? { source });
		if (path) line(path, ...asRead({ ...change, field: path }), where);
		else if (change.before === undefined) lines.push(`${venueWords[locale].added} ${where}`);
	}
	const sides = rateSides(changes, rate);
	if (sides) line("rate", ...sides);
	return lines;
}
