import { HttpTestingController } from "@angular/common/http/testing";
import { TestBed } from "@angular/core/testing";
import { testProviders } from "../../../testing/setup";
import { Language } from "../../core/i18n";
import { SignupForm } from "./signup-form";

describe("SignupForm", () => {
	beforeEach(() => {
		localStorage.clear();
		TestBed.configureTestingModule({ imports: [SignupForm], providers: testProviders() });
	});
	afterEach(() => TestBed.inject(HttpTestingController).verify());

	/** The answer travels through a few promises before the page shows it. */
	async function settle(fixture: { whenStable(): Promise<unknown> }) {
		await new Promise((resolve) => setTimeout(resolve));
		await fixture.whenStable();
	}

	async function render() {
		const fixture = TestBed.createComponent(SignupForm);
		await fixture.whenStable();
		const el = fixture.nativeElement as HTMLElement;
		const input = (name: string) => el.querySelector(`[name="${name}"]`) as HTMLInputElement;
		return {
			fixture,
			el,
			type(name: string, value: string) {
				input(name).value = value;
				input(name).dispatchEvent(new Event("input"));
			},
			check: () => input("consent").click(),
			async submit() {
				(el.querySelector('[data-testid="signup-submit"]') as HTMLButtonElement).click();
				await fixture.whenStable();
			},
			input,
		};
	}

	it("explains an invalid e-mail and a missing consent, and sends nothing", async () => {
		const form = await render();
		form.type("name", "Ana Souza");
		form.type("email", "ana@exemplo");
		await form.submit();

		const email = form.input("email");
		expect(email.getAttribute("aria-invalid")).toBe("true");
		const emailError = form.el.querySelector(`#${email.getAttribute("aria-describedby")?.split(" ")[0]}`);
		expect(emailError?.textContent).toContain("Informe um e-mail válido");
		const consent = form.input("consent");
		expect(form.el.querySelector(`#${consent.getAttribute("aria-describedby")}`)?.textContent).toContain(
			"é preciso concordar",
		);
		expect(form.input("name").getAttribute("aria-invalid")).toBeNull();
		// The first field to fix gets the focus.
		expect(document.activeElement).toBe(email);
		TestBed.inject(HttpTestingController).expectNone("/api/subscribers");
		expect(form.el.querySelector('[data-testid="signup-done"]')).toBeNull();
	});

	it("asks for a name and still sends nothing when only the consent is given", async () => {
		const form = await render();
		form.type("email", "ana@exemplo.com");
		form.check();
		await form.submit();
		expect(form.el.querySelector("#signup-name-error")?.textContent).toContain("Informe seu nome");
		TestBed.inject(HttpTestingController).expectNone("/api/subscribers");
	});

	it("registers with exactly the name, e-mail, consent and active language, then says to check the e-mail", async () => {
		TestBed.inject(Language).use("en");
		const form = await render();
		form.type("name", "  Ana Souza ");
		form.type("email", " ana@exemplo.com ");
		form.check();
		await form.submit();

		const request = TestBed.inject(HttpTestingController).expectOne("/api/subscribers");
		expect(request.request.method).toBe("POST");
		expect(request.request.body).toEqual({
			email: "ana@exemplo.com",
			name: "Ana Souza",
			consent: true,
			locale: "en",
		});
		request.flush({ message: "accepted" }, { status: 202, statusText: "Accepted" });
		await settle(form.fixture);

		const done = form.el.querySelector('[data-testid="signup-done"]');
		expect(done?.getAttribute("role")).toBe("status");
		expect(done?.textContent).toContain("ana@exemplo.com");
		expect(done?.textContent).toContain("verification link");
		expect(form.el.querySelector("form")).toBeNull();
	});

	it("shows the server's message when there were too many attempts", async () => {
		const form = await render();
		form.type("name", "Ana");
		form.type("email", "ana@exemplo.com");
		form.check();
		await form.submit();

		TestBed.inject(HttpTestingController)
			.expectOne("/api/subscribers")
			.flush(
				{
					error: {
						type: "TOO_MANY_REQUESTS",
						message: "Too many requests per address: try again in 42 s.",
						data: { retryAfter: 42 },
					},
				},
				{ status: 429, statusText: "Too Many Requests", headers: { "Retry-After": "42" } },
			);
		await settle(form.fixture);

		const alert = form.el.querySelector('[role="alert"]');
		expect(alert?.textContent).toContain("Too many requests per address: try again in 42 s.");
		expect(alert?.textContent).toContain("Tente de novo em 42 s");
		expect(form.el.querySelector('[data-testid="signup-done"]')).toBeNull();
		// The form stays, filled in, to try again later.
		expect(form.input("email").value).toBe("ana@exemplo.com");
	});

	it("shows the server's validation message", async () => {
		const form = await render();
		form.type("name", "Ana");
		form.type("email", "ana@exemplo.com");
		form.check();
		await form.submit();
		TestBed.inject(HttpTestingController)
			.expectOne("/api/subscribers")
			.flush(
				{ error: { type: "VALIDATION_ERROR", message: "The 'email' field must be a valid e-mail." } },
				{ status: 422, statusText: "Unprocessable Entity" },
			);
		await settle(form.fixture);
		expect(form.el.querySelector('[role="alert"]')?.textContent).toContain(
			"The 'email' field must be a valid e-mail.",
		);
	});
});
