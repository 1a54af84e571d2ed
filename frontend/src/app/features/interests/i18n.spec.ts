import { interestsTexts } from "./i18n";

/** Every key path of a dictionary: "interests.preview.title", … */
function keys(value: unknown, prefix = ""): string[] {
	if (typeof value !== "object" || value === null) return [prefix];
	return Object.entries(value).flatMap(([key, inner]) => keys(inner, prefix ? `${prefix}.${key}` : key));
}

describe("interests texts", () => {
	it("has every pt-BR text in English too, and nothing English only", () => {
		expect(keys(interestsTexts.en).sort()).toEqual(keys(interestsTexts["pt-BR"]).sort());
	});
});
