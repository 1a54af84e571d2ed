import { TestBed } from "@angular/core/testing";
import { testProviders } from "../../../testing/setup";
import type { RiskProfile } from "../../core/models";
import { schema } from "./fixtures";
import { Suitability } from "./suitability";
import { suggestProfile } from "./suitability-questions";

describe("suggestProfile", () => {
	it("sums the answers: cautious, middle and bold", () => {
		expect(suggestProfile({ horizon: 0, fall: 0, experience: 1, share: 1 })).toBe("conservative");
		expect(suggestProfile({ horizon: 1, fall: 1, experience: 1, share: 1 })).toBe("moderate");
		expect(suggestProfile({ horizon: 2, fall: 2, experience: 1, share: 1 })).toBe("aggressive");
	});

	it("caps a short horizon at moderate, and waits for every answer", () => {
		expect(suggestProfile({ horizon: 0, fall: 2, experience: 2, share: 2 })).toBe("moderate");
		expect(suggestProfile({ horizon: 2, fall: 2, experience: 2 })).toBeNull();
	});
});

describe("Suitability", () => {
	beforeEach(() => TestBed.configureTestingModule({ imports: [Suitability], providers: testProviders() }));

	it("shows what each profile allows and suggests one the client can accept", async () => {
		const fixture = TestBed.createComponent(Suitability);
		fixture.componentRef.setInput("profile", "conservative");
		fixture.componentRef.setInput("riskProfiles", schema.riskProfiles);
		const chosen: RiskProfile[] = [];
		fixture.componentInstance.profileChange.subscribe((profile) => chosen.push(profile));
		await fixture.whenStable();
		const el = fixture.nativeElement as HTMLElement;
		expect(el.textContent).toContain("Arrojado");
		expect(el.textContent).toContain("Produtos até risco 5 de 5");
		expect(el.querySelector<HTMLInputElement>('[data-testid="profile-conservative"]')?.checked).toBe(true);

		for (const answer of ["horizon-long", "fall-wait", "experience-some", "share-part"]) {
			el.querySelector<HTMLInputElement>(`[data-testid="suitability-${answer}"]`)?.click();
			await fixture.whenStable();
		}
		expect(el.querySelector('[data-testid="suitability-suggestion"]')?.textContent).toContain("Moderado");
		el.querySelector<HTMLButtonElement>('[data-testid="suitability-accept"]')?.click();
		expect(chosen).toEqual(["moderate"]);

		fixture.componentRef.setInput("profile", "moderate");
		await fixture.whenStable();
		expect(el.querySelector('[data-testid="suitability-accept"]')).toBeNull();
		expect(el.textContent).toContain("Este já é o perfil escolhido.");
	});
});
