/**
 * Translation, the small part of ngx-translate's API this app uses (`"key" | translate:
 * { params }`, `instant`, `setTranslation`, `use`), on signals. ngx-translate itself weighs
 * 19 kB, and the initial bundle's budget is 300 kB of which Angular takes about 280 kB
 * (docs/decisions.md). Dictionaries are nested objects; "{{name}}" in a text is replaced
 * by params.name.
 */
import { Injectable, inject, Pipe, type PipeTransform, signal } from "@angular/core";

export type TranslationObject = { [key: string]: string | TranslationObject };
type Params = Record<string, unknown> | null | undefined;

function merged(into: TranslationObject, from: TranslationObject): TranslationObject {
	const out: TranslationObject = { ...into };
	for (const [key, value] of Object.entries(from)) {
		const current = out[key];
		out[key] =
			typeof value === "object" && typeof current === "object" ? merged(current, value) : (value as string);
	}
	return out;
}

function lookup(dictionary: TranslationObject | undefined, key: string): string | undefined {
	let node: string | TranslationObject | undefined = dictionary;
	for (const part of key.split(".")) {
		if (typeof node !== "object") return undefined;
		node = node[part];
	}
	return typeof node === "string" ? node : undefined;
}

@Injectable({ providedIn: "root" })
export class TranslateService {
	private readonly dictionaries = signal<Record<string, TranslationObject>>({});
	/** The active language; the fallback answers keys it lacks. */
	readonly currentLang = signal("pt-BR");
	readonly fallbackLang = "pt-BR";

	setTranslation(lang: string, texts: TranslationObject, merge = false) {
		this.dictionaries.update((all) => ({ ...all, [lang]: merge ? merged(all[lang] ?? {}, texts) : texts }));
	}

	use(lang: string) {
		this.currentLang.set(lang);
	}

	/** The text for `key` in the active language (the key itself when no language has it). */
	instant(key: string, params?: Params): string {
		const all = this.dictionaries();
		const text = lookup(all[this.currentLang()], key) ?? lookup(all[this.fallbackLang], key) ?? key;
		if (!params) return text;
		return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
			name in params ? String(params[name]) : whole,
		);
	}
}

/** Impure on purpose: it reads signals, so a language switch re-renders every text. */
@Pipe({ name: "translate", pure: false })
export class TranslatePipe implements PipeTransform {
	private readonly translate = inject(TranslateService);
	transform(key: string, params?: Params): string {
		return this.translate.instant(key, params);
	}
}
