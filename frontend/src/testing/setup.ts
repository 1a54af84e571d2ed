/**
 * What every component test needs: zoneless change detection, HttpClient against
 * HttpTestingController, the router, and the real pt-BR/en dictionaries.
 */
import { provideHttpClient } from "@angular/common/http";
import { type HttpTestingController, provideHttpClientTesting } from "@angular/common/http/testing";
import { inject, provideEnvironmentInitializer, provideZonelessChangeDetection } from "@angular/core";
import { provideRouter } from "@angular/router";
import type { Texts } from "../app/core/i18n";
import type { Locale } from "../app/core/models";
import { appTexts } from "../app/core/texts";
import { TranslateService, type TranslationObject } from "../app/core/translate";
import { accountTexts } from "../app/features/account/i18n";
import { feedTexts } from "../app/features/feed/i18n";
import { homeTexts } from "../app/features/home/i18n";
import { interestsTexts } from "../app/features/interests/i18n";
import { kpisTexts } from "../app/features/kpis/i18n";
import { operatorTexts } from "../app/features/operator/i18n";

const all: Texts[] = [appTexts, homeTexts, interestsTexts, feedTexts, kpisTexts, accountTexts, operatorTexts];

/** Every page's texts at once: a component under test renders as in the app. */
export function dictionary(locale: Locale): TranslationObject {
	return Object.assign({}, ...all.map((texts) => texts[locale]));
}

export function testProviders() {
	return [
		provideZonelessChangeDetection(),
		provideHttpClient(),
		provideHttpClientTesting(),
		provideRouter([]),
		// Every page's texts in both languages, as if each route had loaded them.
		provideEnvironmentInitializer(() => {
			const translate = inject(TranslateService);
			for (const locale of ["pt-BR", "en"] as const)
				translate.setTranslation(locale, dictionary(locale), true);
		}),
	];
}

/**
 * Answers the collection notice's request (shared/collection) that pages showing products
 * make, so page specs about other things can verify their own requests: by default, all
 * sources fine.
 */
export function answerCollectionStatus(
	http: HttpTestingController,
	status: object = { lastRunAt: "2026-11-26T12:00:00.000Z", sources: [], failing: [] },
): void {
	for (const request of http.match("/api/collector/status")) request.flush(status);
}

/** A collection whose BTG source could not be reached: what the notice on each page names. */
export const failingCollection = {
	lastRunAt: "2026-11-26T12:00:00.000Z",
	sources: [
		{
			name: "btg-funds",
			type: "btg-funds",
			status: "failed",
			problem: { kind: "unreachable", detail: "network error (ENOTFOUND)" },
		},
		{ name: "house-picks", type: "file", status: "ok" },
	],
	failing: ["btg-funds"],
};
