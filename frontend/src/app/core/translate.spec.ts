import { TestBed } from "@angular/core/testing";
import { TranslateService } from "./translate";

describe("TranslateService", () => {
	it("merges dictionaries, fills {{params}}, falls back to pt-BR, and follows the language", () => {
		const translate = TestBed.inject(TranslateService);
		translate.setTranslation("pt-BR", { feed: { title: "Dicas", unread: "{{count}} não lidas" } });
		translate.setTranslation("pt-BR", { kpis: { title: "Indicadores" } }, true);
		translate.setTranslation("en", { feed: { title: "Tips" } });

		expect(translate.instant("feed.unread", { count: 3 })).toBe("3 não lidas");
		expect(translate.instant("kpis.title")).toBe("Indicadores");
		translate.use("en");
		expect(translate.instant("feed.title")).toBe("Tips");
		// Missing in en: the pt-BR text rather than a raw key.
		expect(translate.instant("kpis.title")).toBe("Indicadores");
		expect(translate.instant("nowhere.at.all")).toBe("nowhere.at.all");
	});
});
