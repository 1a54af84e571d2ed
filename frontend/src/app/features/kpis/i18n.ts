/** Texts of the kpis page, under the "kpis" namespace. */
import type { Texts } from "../../core/i18n";

export const kpisTexts: Texts = {
	"pt-BR": { kpis: { title: "Kpis" } },
	en: { kpis: { title: "Kpis" } },
};
