import { HttpTestingController } from "@angular/common/http/testing";
import { type ComponentFixture, TestBed } from "@angular/core/testing";
import { testProviders } from "../../../testing/setup";
import { subscriber } from "./fixtures";
import { PreferencesForm } from "./preferences-form";

describe("PreferencesForm", () => {
	let fixture: ComponentFixture<PreferencesForm>;
	let el: HTMLElement;
	let http: HttpTestingController;

	beforeEach(async () => {
		TestBed.configureTestingModule({ imports: [PreferencesForm], providers: testProviders() });
		http = TestBed.inject(HttpTestingController);
		fixture = TestBed.createComponent(PreferencesForm);
		fixture.componentRef.setInput("preferences", subscriber.preferences);
		el = fixture.nativeElement as HTMLElement;
		await fixture.whenStable();
	});

	const control = <T extends HTMLElement>(selector: string) => el.querySelector(selector) as T;

	async function choose(selector: string, value: string) {
		const select = control<HTMLSelectElement>(selector);
		select.value = value;
		select.dispatchEvent(new Event("change"));
		await fixture.whenStable();
	}

	it("saves channels, digest frequency and hour", async () => {
		expect(control<HTMLSelectElement>("#preferences-digest").value).toBe("daily");
		expect(control<HTMLSelectElement>("#preferences-hour").value).toBe("8");
		control<HTMLInputElement>('input[name="live"]').click();
		await choose("#preferences-digest", "weekly");
		await choose("#preferences-hour", "7");
		control<HTMLButtonElement>('[data-testid="save-preferences"]').click();

		const request = http.expectOne({ method: "PUT", url: "/api/me/preferences" });
		expect(request.request.body).toEqual({ email: true, live: false, digest: "weekly", digestHour: 7 });
		request.flush({ ...subscriber.preferences, ...request.request.body });
		await fixture.whenStable();
		expect(control('[role="status"]').textContent).toContain("Preferências salvas.");
	});

	it("turns frequency and hour off with e-mail, and the hour off for immediate e-mails", async () => {
		await choose("#preferences-digest", "immediate");
		expect(control<HTMLSelectElement>("#preferences-hour").disabled).toBe(true);
		expect(control<HTMLSelectElement>("#preferences-digest").disabled).toBe(false);
		control<HTMLInputElement>('input[name="email"]').click();
		await fixture.whenStable();
		expect(control<HTMLSelectElement>("#preferences-digest").disabled).toBe(true);
		expect(el.textContent).toContain("Com o e-mail desligado, frequência e horário não se aplicam.");
	});

	it("says why a save failed", async () => {
		control<HTMLButtonElement>('[data-testid="save-preferences"]').click();
		http
			.expectOne("/api/me/preferences")
			.flush(
				{ error: { message: "The 'digestHour' field must be less than or equal to 23." } },
				{ status: 422, statusText: "" },
			);
		await fixture.whenStable();
		expect(control('[role="alert"]').textContent).toContain(
			"Não foi possível salvar as preferências: The 'digestHour' field must be less than or equal to 23.",
		);
	});
});
