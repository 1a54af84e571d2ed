import { provideHttpClient, withFetch } from "@angular/common/http";
import {
	type ApplicationConfig,
	provideBrowserGlobalErrorListeners,
	provideZonelessChangeDetection,
} from "@angular/core";
import { provideRouter, withComponentInputBinding, withInMemoryScrolling } from "@angular/router";
import { provideTranslateService, TranslateLoader } from "@ngx-translate/core";
import { routes } from "./app.routes";
import { BundledTexts } from "./core/i18n";

export const appConfig: ApplicationConfig = {
	providers: [
		provideBrowserGlobalErrorListeners(),
		provideZonelessChangeDetection(),
		provideHttpClient(withFetch()),
		provideRouter(
			routes,
			withComponentInputBinding(),
			withInMemoryScrolling({ scrollPositionRestoration: "top" }),
		),
		provideTranslateService({
			loader: { provide: TranslateLoader, useClass: BundledTexts },
			fallbackLang: "pt-BR",
			lang: "pt-BR",
		}),
	],
};
