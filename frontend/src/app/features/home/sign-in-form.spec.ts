import { HttpTestingController } from "@angular/common/http/testing";
import { TestBed } from "@angular/core/testing";
import { testProviders } from "../../../testing/setup";
import { SignInForm } from "./sign-in-form";

describe("SignInForm", () => {
	beforeEach(() => {
		localStorage.clear();
		TestBed.configureTestingModule({ imports: [SignInForm], providers: testProviders() });
	});
	afterEach(() => TestBed.inject(HttpTestingController).verify());

	/** The answer travels through a few promises before the page shows it. */
	async function settle(fixture: { whenStable(): Promise<unknown> }) {
		await new Promise((resolve) => setTimeout(resolve));
		await fixture.whenStable();
	}

	async function render(highlight = false) {
		const fixture = TestBed.createComponent(SignInForm);
		fixture.componentRef.setInput("highlight", highlight);
		await fixture.whenStable();
		const el = fixture.nativeElement as HTMLElement;
		const email = el.querySelector('[name="sign-in-email"]') as HTMLInputElement;
		return {
			fixture,
			el,
			email,
			async send(value: string) {
				email.value = value;
				email.dispatchEvent(new Event("input"));
				(el.querySelector('[data-testid="sign-in-submit"]') as HTMLButtonElement).click();
				await fixture.whenStable();
			},
		};
	}

	it("sends the e-mail for a link and says one is on its way if the address is registered", async () => {
		const form = await render();
		await form.send(" ana@exemplo.com ");

		const request = TestBed.inject(HttpTestingController).expectOne("/api/auth/magic-link");
		expect(request.request.method).toBe("POST");
		expect(request.request.body).toEqual({ email: "ana@exemplo.com" });
		request.flush({ message: "accepted" }, { status: 202, statusText: "Accepted" });
		await settle(form.fixture);

		expect(form.el.querySelector('[role="status"]')?.textContent).toContain(
			"Se o endereço estiver cadastrado, um link de acesso está a caminho",
		);
	});

	it("sends nothing for an address that cannot be one", async () => {
		const form = await render();
		await form.send("ana.exemplo.com");
		expect(form.email.getAttribute("aria-invalid")).toBe("true");
		expect(form.el.querySelector(`#${form.email.getAttribute("aria-describedby")}`)?.textContent).toContain(
			"Informe um e-mail válido",
		);
		TestBed.inject(HttpTestingController).expectNone("/api/auth/magic-link");
	});

	it("when a page needed a session, says so and starts in the e-mail field", async () => {
		const form = await render(true);
		expect(form.el.querySelector('[data-testid="sign-in-first"]')?.textContent).toContain(
			"Entre com o link enviado ao seu e-mail",
		);
		expect(form.fixture.nativeElement.classList).toContain("highlight");
		expect(document.activeElement).toBe(form.email);
	});
});
