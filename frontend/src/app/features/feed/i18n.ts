/** Texts of the feed page, under the "feed" namespace. */
import type { Texts } from "../../core/i18n";

export const feedTexts: Texts = {
	"pt-BR": { feed: { title: "Feed" } },
	en: { feed: { title: "Feed" } },
};
