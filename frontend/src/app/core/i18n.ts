/**
 * Languages: pt-BR by default, en on request (remembered in localStorage). Texts are
 * ngx-translate dictionaries: the shell's (texts.ts) at start, each page's
 * (features/<name>/i18n.ts) with its route; numbers, money and dates go through Intl in the
 * active locale (format.ts).
 */
import { Injectable, inject, signal } from "@angular/core";
import type { ResolveFn } from "@angular/router";
import type { Locale } from "./models";
import { appTexts } from "./texts";
import { TranslateService, type TranslationObject } from "./translate";

export const locales: readonly Locale[] = ["pt-BR", "en"];
const storageKey = "insights.locale";

/** Per locale, one namespace per feature: "feed.empty", "kpis.title"… */
export type Texts = Record<Locale, TranslationObject>;

/** Adds texts to both languages, merged: the shell's and each page's live side by side. */
export function addTexts(translate: TranslateService, texts: Texts) {
	for (const locale of locales) translate.setTranslation(locale, texts[locale], true);
}

/**
 * A route's texts, loaded with the page and added before it renders (no untranslated
 * keys flash); the initial bundle carries only the shell's texts.
 */
export function textsOf(load: () => Promise<Texts>): ResolveFn<boolean> {
	return () => {
		const translate = inject(TranslateService);
		return load().then((texts) => {
			addTexts(translate, texts);
			return true;
		});
	};
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
		addTexts(this.translate, appTexts);
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
