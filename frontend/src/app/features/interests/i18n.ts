/** Texts of the interests page, under the "interests" namespace. */
import type { Texts } from "../../core/i18n";

export const interestsTexts: Texts = {
	"pt-BR": { interests: { title: "Interests" } },
	en: { interests: { title: "Interests" } },
};
