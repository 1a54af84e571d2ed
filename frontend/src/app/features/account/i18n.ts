/** Texts of the account page, under the "account" namespace. */
import type { Texts } from "../../core/i18n";

export const accountTexts: Texts = {
	"pt-BR": { account: { title: "Account" } },
	en: { account: { title: "Account" } },
};
