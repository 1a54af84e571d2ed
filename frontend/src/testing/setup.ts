/**
 * What every component test needs: zoneless change detection, HttpClient against
 * HttpTestingController, the router, and the real pt-BR/en dictionaries.
 */
import { provideHttpClient } from "@angular/common/http";
import { provideHttpClientTesting } from "@angular/common/http/testing";
import { provideZonelessChangeDetection } from "@angular/core";
import { provideRouter } from "@angular/router";
import { provideTranslateService, TranslateLoader } from "@ngx-translate/core";
import { BundledTexts } from "../app/core/i18n";

export function testProviders() {
	return [
		provideZonelessChangeDetection(),
		provideHttpClient(),
		provideHttpClientTesting(),
		provideRouter([]),
		provideTranslateService({
			loader: { provide: TranslateLoader, useClass: BundledTexts },
			fallbackLang: "pt-BR",
			lang: "pt-BR",
		}),
	];
}
