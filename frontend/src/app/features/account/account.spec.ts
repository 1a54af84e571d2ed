import { HttpTestingController } from "@angular/common/http/testing";
import { type ComponentFixture, TestBed } from "@angular/core/testing";
import { Router } from "@angular/router";
import { testProviders } from "../../../testing/setup";
import { Language } from "../../core/i18n";
import type { Subscriber } from "../../core/models";
import { Session } from "../../core/session";
import { Account } from "./account";

const ana: Subscriber = {
	id: "sub-1",
	email: "ana@exemplo.com",
	name: "Ana Souza",
	locale: "pt-BR",
	status: "verified",
	riskProfile: "moderate",
	interests: {},
	preferences: { email: true, live: true, digest: "daily", digestHour: 8, timeZone: "America/Sao_Paulo" },
	createdAt: "2026-11-01T12:00:00.000Z",
};

/** The answer travels through a few promises before the page shows it. */
async function settle(fixture: ComponentFixture<unknown>) {
	await new Promise((resolve) => setTimeout(resolve));
	await fixture.whenStable();
}

describe("Account", () => {
	let http: HttpTestingController;

	beforeEach(() => {
		localStorage.clear();
		TestBed.configureTestingModule({ imports: [Account], providers: testProviders() });
		http = TestBed.inject(HttpTestingController);
		TestBed.inject(Session).signIn();
	});
	afterEach(() => {
		http.verify();
		vi.restoreAllMocks();
	});

	async function render() {
		const fixture = TestBed.createComponent(Account);
		const me = http.expectOne("/api/me");
		// The session is the browser's HttpOnly cookie: the page sends no token of its own.
		expect(me.request.headers.get("authorization")).toBeNull();
		expect(me.request.headers.get("x-requested-with")).toBe("insights");
		me.flush(ana);
		await settle(fixture);
		const el = fixture.nativeElement as HTMLElement;
		return { fixture, el, find: <T extends Element>(selector: string) => el.querySelector(selector) as T };
	}

	function type(input: HTMLInputElement, value: string) {
		input.value = value;
		input.dispatchEvent(new Event("input"));
	}

	it("signs out every device on the server, then this one", async () => {
		const navigate = vi.spyOn(TestBed.inject(Router), "navigate").mockResolvedValue(true);
		const { fixture, find } = await render();
		find<HTMLButtonElement>('[data-testid="sign-out-everywhere"]').click();
		const request = http.expectOne("/api/auth/sign-out");
		expect(request.request.method).toBe("POST");
		expect(request.request.body).toEqual({ everywhere: true });
		expect(request.request.headers.get("x-requested-with")).toBe("insights");
		request.flush({ signedOut: 3 });
		await settle(fixture);
		expect(TestBed.inject(Session).signedIn()).toBe(false);
		expect(navigate).toHaveBeenCalledWith(["/"]);
	});

	it("shows the client's profile once loaded", async () => {
		const { find } = await render();
		expect(find<HTMLInputElement>("#profile-name").value).toBe("Ana Souza");
		expect(find<HTMLSelectElement>("#profile-locale").value).toBe("pt-BR");
		expect(find<HTMLInputElement>('[data-testid="email-enabled"]').checked).toBe(true);
	});

	it("says why the page could not load, and retries", async () => {
		const fixture = TestBed.createComponent(Account);
		http
			.expectOne("/api/me")
			.flush(
				{ error: { type: "UNAUTHORIZED", message: "Session expired" } },
				{ status: 401, statusText: "" },
			);
		await settle(fixture);
		const el = fixture.nativeElement as HTMLElement;
		expect(el.querySelector('[role="alert"]')?.textContent).toContain("Session expired");
		(el.querySelector("app-status button") as HTMLButtonElement).click();
		http.expectOne("/api/me").flush(ana);
		await settle(fixture);
		expect((el.querySelector("#profile-name") as HTMLInputElement).value).toBe("Ana Souza");
	});

	it("saves name and language, and switches the page to the saved language", async () => {
		const { fixture, find } = await render();
		type(find("#profile-name"), " Ana S. ");
		const locale = find<HTMLSelectElement>("#profile-locale");
		locale.value = "en";
		locale.dispatchEvent(new Event("change"));
		find<HTMLButtonElement>('[data-testid="profile-save"]').click();

		const request = http.expectOne("/api/me");
		expect(request.request.method).toBe("PUT");
		expect(request.request.body).toEqual({ name: "Ana S.", locale: "en" });
		request.flush({ ...ana, name: "Ana S.", locale: "en" });
		await settle(fixture);

		expect(TestBed.inject(Language).current()).toBe("en");
		expect(find("h1").textContent).toContain("My account");
		expect(fixture.nativeElement.textContent).toContain("Profile saved.");
	});

	it("turns e-mail off by sending { email: false }", async () => {
		const { fixture, find } = await render();
		const toggle = find<HTMLInputElement>('[data-testid="email-enabled"]');
		toggle.click();

		const request = http.expectOne("/api/me/preferences");
		expect(request.request.method).toBe("PUT");
		expect(request.request.body).toEqual({ email: false });
		request.flush({ ...ana.preferences, email: false });
		await settle(fixture);

		expect(toggle.checked).toBe(false);
		expect(fixture.nativeElement.textContent).toContain("E-mails desligados.");
	});

	it("puts the switch back when the server refuses the change", async () => {
		const { fixture, find } = await render();
		const toggle = find<HTMLInputElement>('[data-testid="email-enabled"]');
		toggle.click();
		http
			.expectOne("/api/me/preferences")
			.flush({ error: { type: "X", message: "Storage unavailable" } }, { status: 503, statusText: "" });
		await settle(fixture);
		expect(toggle.checked).toBe(true);
		expect(find('[role="alert"]').textContent).toContain("Storage unavailable");
	});

	it("downloads everything the API exports as insights-meus-dados.json", async () => {
		const createObjectURL = vi.fn((_blob: Blob) => "blob:insights-export");
		const revokeObjectURL = vi.fn();
		Object.assign(URL, { createObjectURL, revokeObjectURL });
		const downloads: { name: string; href: string }[] = [];
		vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
			downloads.push({ name: this.download, href: this.href });
		});
		const { fixture, find } = await render();

		find<HTMLButtonElement>('[data-testid="export-data"]').click();
		const exported = {
			exportedAt: "2026-11-26T12:00:00.000Z",
			subscriber: ana,
			notifications: [],
			deliveries: [],
		};
		const request = http.expectOne("/api/me/export");
		expect(request.request.headers.get("x-requested-with")).toBe("insights");
		request.flush(exported);
		await settle(fixture);

		expect(downloads).toEqual([{ name: "insights-meus-dados.json", href: "blob:insights-export" }]);
		const blob = createObjectURL.mock.calls[0][0];
		expect(blob.type).toBe("application/json");
		expect(JSON.parse(await blob.text())).toEqual(exported);
		expect(fixture.nativeElement.textContent).toContain("insights-meus-dados.json baixado");
	});

	it("erases the account only after the client types their address, then signs out and goes home", async () => {
		const navigate = vi.spyOn(TestBed.inject(Router), "navigate").mockResolvedValue(true);
		const { fixture, find } = await render();

		find<HTMLButtonElement>('[data-testid="erase-start"]').click();
		await settle(fixture);
		const confirmInput = find<HTMLInputElement>('[data-testid="erase-confirm-input"]');
		expect(document.activeElement).toBe(confirmInput);

		// Confirming without typing, or with another address, deletes nothing.
		find<HTMLButtonElement>('[data-testid="erase-confirm"]').click();
		await settle(fixture);
		expect(find("#erase-confirm-error").textContent).toContain("não confere");
		type(confirmInput, "outra@exemplo.com");
		find<HTMLButtonElement>('[data-testid="erase-confirm"]').click();
		await settle(fixture);
		http.expectNone("/api/me");
		expect(TestBed.inject(Session).signedIn()).toBe(true);

		type(confirmInput, "Ana@Exemplo.com");
		find<HTMLButtonElement>('[data-testid="erase-confirm"]').click();
		const request = http.expectOne("/api/me");
		expect(request.request.method).toBe("DELETE");
		expect(request.request.headers.get("x-requested-with")).toBe("insights");
		request.flush({ erased: true });
		await settle(fixture);

		expect(TestBed.inject(Session).signedIn()).toBe(false);
		expect(localStorage.getItem("insights.signedInAt")).toBeNull();
		expect(navigate).toHaveBeenCalledWith(["/"], { state: { accountErased: true }, replaceUrl: true });
	});

	it("keeps the session when the erasure fails, and says why", async () => {
		const { fixture, find } = await render();
		find<HTMLButtonElement>('[data-testid="erase-start"]').click();
		await settle(fixture);
		type(find('[data-testid="erase-confirm-input"]'), ana.email);
		find<HTMLButtonElement>('[data-testid="erase-confirm"]').click();
		http
			.expectOne("/api/me")
			.flush({ error: { type: "X", message: "Mailer unavailable" } }, { status: 503, statusText: "" });
		await settle(fixture);
		expect(TestBed.inject(Session).signedIn()).toBe(true);
		expect(find('[role="alert"]').textContent).toContain("Mailer unavailable");
	});
});
