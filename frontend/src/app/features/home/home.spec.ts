import { HttpTestingController } from "@angular/common/http/testing";
import { TestBed } from "@angular/core/testing";
import { provideRouter, Router } from "@angular/router";
import { RouterTestingHarness } from "@angular/router/testing";
import { testProviders } from "../../../testing/setup";
import { Session } from "../../core/session";
import { accountErasedState } from "./farewell";
import { Home } from "./home";
import { NotFound } from "./not-found";

describe("Home", () => {
	beforeEach(() => {
		localStorage.clear();
		TestBed.configureTestingModule({
			imports: [Home],
			providers: [
				...testProviders(),
				provideRouter([
					{ path: "", component: Home },
					{ path: "kpis", component: NotFound },
				]),
			],
		});
	});
	afterEach(() => TestBed.inject(HttpTestingController).verify());

	it("explains the service in three steps and offers sign-up and sign-in to visitors", async () => {
		const fixture = TestBed.createComponent(Home);
		await fixture.whenStable();
		const el = fixture.nativeElement as HTMLElement;
		expect(el.querySelectorAll(".steps li")).toHaveLength(3);
		expect(el.textContent).toContain("BTG Pactual");
		expect(el.querySelector("app-signup-form")).not.toBeNull();
		expect(el.querySelector("app-sign-in-form")?.classList).not.toContain("highlight");
		expect(el.querySelector('[data-testid="signed-in"]')).toBeNull();
	});

	it("starts at the sign-in form when sent there by a page that needs a session", async () => {
		const fixture = TestBed.createComponent(Home);
		fixture.componentRef.setInput("entrar", "1");
		await fixture.whenStable();
		const el = fixture.nativeElement as HTMLElement;
		expect(el.querySelector("app-sign-in-form")?.classList).toContain("highlight");
		expect(el.textContent).toContain("Entre com o link enviado ao seu e-mail");
		expect(document.activeElement?.getAttribute("id")).toBe("sign-in-email");
	});

	it("gives a signed-in client shortcuts instead of the forms", async () => {
		TestBed.inject(Session).signIn();
		const fixture = TestBed.createComponent(Home);
		fixture.componentRef.setInput("entrar", "1");
		await fixture.whenStable();
		const el = fixture.nativeElement as HTMLElement;
		const links = [...el.querySelectorAll('[data-testid="signed-in"] a')].map((a) => a.getAttribute("href"));
		expect(links).toEqual(["/dicas", "/interesses", "/conta"]);
		expect(el.querySelector("form")).toBeNull();
	});

	it("says goodbye once after the account was erased", async () => {
		const harness = await RouterTestingHarness.create();
		await TestBed.inject(Router).navigate(["/"], { state: accountErasedState });
		harness.detectChanges();
		await harness.fixture.whenStable();
		expect(
			harness.routeNativeElement?.querySelector('[data-testid="account-erased"]')?.textContent,
		).toContain("Sua conta e seus dados foram excluídos");

		await harness.navigateByUrl("/kpis");
		await harness.navigateByUrl("/");
		expect(harness.routeNativeElement?.querySelector('[data-testid="account-erased"]')).toBeNull();
	});
});
