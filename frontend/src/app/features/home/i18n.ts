/** Texts of the home page, under the "home" namespace. */
import type { Texts } from "../../core/i18n";

export const homeTexts: Texts = {
	"pt-BR": { home: { title: "Home" } },
	en: { home: { title: "Home" } },
};
