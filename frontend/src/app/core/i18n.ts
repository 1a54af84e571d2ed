/**
 * Languages: pt-BR by default, en on request (remembered in localStorage). Texts are
 * ngx-translate dictionaries, one per feature (features/<name>/i18n.ts) merged here;
 * numbers, money and dates go through Intl in the active locale (format.ts).
 */
import { Injectable, inject, signal } from "@angular/core";
import { type TranslateLoader, TranslateService, type TranslationObject } from "@ngx-translate/core";
import { type Observable, of } from "rxjs";
import { accountTexts } from "../features/account/i18n";
import { feedTexts } from "../features/feed/i18n";
import { homeTexts } from "../features/home/i18n";
import { interestsTexts } from "../features/interests/i18n";
import { kpisTexts } from "../features/kpis/i18n";
import { operatorTexts } from "../features/operator/i18n";
import type { Locale } from "./models";
import { appTexts } from "./texts";

export const locales: readonly Locale[] = ["pt-BR", "en"];
const storageKey = "insights.locale";

/** Per locale, one namespace per feature: "feed.empty", "kpis.title"… */
export type Texts = Record<Locale, TranslationObject>;

const dictionaries: Texts[] = [
	appTexts,
	homeTexts,
	interestsTexts,
	feedTexts,
	kpisTexts,
	accountTexts,
	operatorTexts,
];

export function dictionary(locale: Locale): TranslationObject {
	return Object.assign({}, ...dictionaries.map((texts) => texts[locale]));
}

/** Bundled dictionaries: no request, no flash of untranslated keys. */
export class BundledTexts implements TranslateLoader {
	getTranslation(lang: string): Observable<TranslationObject> {
		return of(dictionary(lang === "en" ? "en" : "pt-BR"));
	}
}

function stored(): Locale {
	try {
		const value = localStorage.getItem(storageKey);
		return value === "en" ? "en" : "pt-BR";
	} catch {
		return "pt-BR";
	}
}

@Injectable({ providedIn: "root" })
export class Language {
	private readonly translate = inject(TranslateService);
	readonly current = signal<Locale>(stored());

	constructor() {
		this.apply(this.current());
	}

	use(locale: Locale) {
		try {
			localStorage.setItem(storageKey, locale);
		} catch {
			// Storage disabled: the choice lasts for this page.
		}
		this.current.set(locale);
		this.apply(locale);
	}

	private apply(locale: Locale) {
		this.translate.use(locale);
		if (typeof document !== "undefined") document.documentElement.lang = locale;
	}
}
