/** Texts of the operator page, under the "operator" namespace. */
import type { Texts } from "../../core/i18n";

export const operatorTexts: Texts = {
	"pt-BR": { operator: { title: "Operator" } },
	en: { operator: { title: "Operator" } },
};
