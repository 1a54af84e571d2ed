import { HttpTestingController } from "@angular/common/http/testing";
import { type ComponentFixture, TestBed } from "@angular/core/testing";
import { Router } from "@angular/router";
import { testProviders } from "../../../testing/setup";
import { Language } from "../../core/i18n";
import type { StatementSet, Subscriber } from "../../core/models";
import { Session } from "../../core/session";
import { assessed as assessedClient, expired as expiredClient } from "../interests/fixtures";
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
	updatedAt: "2026-11-01T12:00:00.000Z",
	consent: { version: "2026-11", acceptedAt: "2026-11-01T12:00:00.000Z" },
	effectiveProfile: "conservative",
	investorCategory: { category: "general" },
};

/** Ana with a questionnaire that holds until 2028, and the same 24 months later. */
const assessed: Subscriber = { ...assessedClient, email: ana.email, name: ana.name };
const expired: Subscriber = { ...expiredClient, email: ana.email, name: ana.name };

const statements: StatementSet = {
	version: "2026-12",
	statements: {
		qualified: {
			investments: {
				"pt-BR": "Afirmo minha condição de investidor qualificado (investimentos).",
				en: "I am qualified (investments).",
			},
			certification: {
				"pt-BR": "Afirmo minha condição de investidor qualificado (certificação).",
				en: "I am qualified (certification).",
			},
		},
		professional: {
			investments: {
				"pt-BR": "Afirmo minha condição de investidor profissional.",
				en: "I affirm that I am a professional investor.",
			},
			registration: { "pt-BR": "Sou profissional autorizado pela CVM.", en: "I am authorised by the CVM." },
		},
	},
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
		// A test that switched to English must not leave it to the next file's tests.
		localStorage.clear();
	});

	async function render(me: Subscriber = ana) {
		const fixture = TestBed.createComponent(Account);
		const request = http.expectOne("/api/me");
		// The session is the browser's HttpOnly cookie: the page sends no token of its own.
		expect(request.request.headers.get("authorization")).toBeNull();
		expect(request.request.headers.get("x-requested-with")).toBe("insights");
		request.flush(me);
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

	const text = (el: HTMLElement, selector: string) =>
		el.querySelector(selector)?.textContent?.replace(/\s+/g, " ").trim();

	it("shows the investor profile: conservative without a questionnaire, until when it holds, and when it expired", async () => {
		const none = await render();
		expect(text(none.el, '[data-testid="account-suitability-none"]')).toBe(
			"Você ainda não respondeu ao questionário de perfil: até responder, seu perfil é conservador.",
		);
		expect(text(none.el, '[data-testid="effective-profile"]')).toBe(
			"Produtos indicados hoje para o perfil: Conservador.",
		);
		expect(none.find<HTMLAnchorElement>('[data-testid="answer-questionnaire"]').getAttribute("href")).toBe(
			"/interesses",
		);
		none.fixture.destroy();

		const valid = await render(assessed);
		expect(text(valid.el, '[data-testid="account-suitability-valid"]')).toBe(
			"Questionário de perfil respondido em 1 de dez. de 2026 (13 pontos), válido até 1 de dez. de 2028.",
		);
		expect(text(valid.el, '[data-testid="effective-profile"]')).toBe(
			"Produtos indicados hoje para o perfil: Moderado.",
		);
		valid.fixture.destroy();

		const late = await render(expired);
		const notice = late.find('[data-testid="account-suitability-expired"]');
		expect(notice.getAttribute("role")).toBe("alert");
		expect(text(late.el, '[data-testid="account-suitability-expired"]')).toBe(
			"Seu questionário de perfil venceu em 1 de dez. de 2028. Até você responder de novo, seu perfil conta como conservador.",
		);
		expect(text(late.el, '[data-testid="effective-profile"]')).toBe(
			"Produtos indicados hoje para o perfil: Conservador.",
		);
		TestBed.inject(Language).use("en");
		await settle(late.fixture);
		expect(text(late.el, '[data-testid="account-suitability-expired"]')).toBe(
			"Your profile questionnaire expired on Dec 1, 2028. Until you answer it again, your profile counts as conservative.",
		);
	});

	it("declares an investor category only with the statement shown and confirmed, and shows it dated", async () => {
		const { fixture, el, find } = await render();
		expect(text(el, '[data-testid="current-category"]')).toBe("Sua categoria: investidor em geral.");
		find<HTMLInputElement>('[data-testid="category-qualified"]').click();
		await settle(fixture);
		const loaded = http.expectOne("/api/investor-category/statements");
		expect(loaded.request.method).toBe("GET");
		loaded.flush(statements);
		await settle(fixture);
		expect(text(el, '[data-testid="category-statement"]')).toBe(
			statements.statements.qualified.investments["pt-BR"],
		);
		expect(el.textContent).toContain("Declaração (versão 2026-12)");

		// Without the confirmation nothing is sent, and the box says why.
		find<HTMLButtonElement>('[data-testid="category-save"]').click();
		await settle(fixture);
		http.expectNone({ method: "PUT", url: "/api/me/investor-category" });
		expect(text(el, "#category-confirm-error")).toBe("Para declarar esta categoria, confirme a declaração.");
		expect(find('[data-testid="category-confirm"]').getAttribute("aria-invalid")).toBe("true");

		find<HTMLInputElement>('[data-testid="ground-certification"]').click();
		await settle(fixture);
		expect(text(el, '[data-testid="category-statement"]')).toBe(
			statements.statements.qualified.certification["pt-BR"],
		);
		find<HTMLInputElement>('[data-testid="category-confirm"]').click();
		await settle(fixture);
		find<HTMLButtonElement>('[data-testid="category-save"]').click();
		const request = http.expectOne({ method: "PUT", url: "/api/me/investor-category" });
		expect(request.request.body).toEqual({
			category: "qualified",
			ground: "certification",
			attestation: true,
			statementVersion: "2026-12",
			locale: "pt-BR",
		});
		request.flush({
			...ana,
			investorCategory: {
				category: "qualified",
				ground: "certification",
				statementVersion: "2026-12",
				declaredAt: "2026-12-02T13:00:00.000Z",
			},
		});
		await settle(fixture);
		expect(text(el, '[data-testid="current-category"]')).toBe(
			"Sua categoria: Investidor qualificado, declarada em 2 de dez. de 2026 (termo versão 2026-12).",
		);
		expect(el.textContent).toContain("Categoria salva.");
	});

	it("shows the statement in English, and goes back to general without one", async () => {
		TestBed.inject(Language).use("en");
		const { fixture, el, find } = await render({
			...ana,
			investorCategory: {
				category: "professional",
				ground: "investments",
				statementVersion: "2026-12",
				declaredAt: "2026-12-02T13:00:00.000Z",
			},
		});
		expect(find<HTMLInputElement>('[data-testid="category-professional"]').checked).toBe(true);
		expect(text(el, '[data-testid="current-category"]')).toBe(
			"Your category: Professional investor, declared on Dec 2, 2026 (statement version 2026-12).",
		);
		// A declared category shows the statement it stands on.
		http.expectOne("/api/investor-category/statements").flush(statements);
		await settle(fixture);
		expect(text(el, '[data-testid="category-statement"]')).toBe(
			statements.statements.professional.investments.en,
		);

		find<HTMLInputElement>('[data-testid="category-general"]').click();
		await settle(fixture);
		expect(el.querySelector('[data-testid="category-statement"]')).toBeNull();
		find<HTMLButtonElement>('[data-testid="category-save"]').click();
		const request = http.expectOne({ method: "PUT", url: "/api/me/investor-category" });
		expect(request.request.body).toEqual({ category: "general" });
		request.flush({
			...ana,
			investorCategory: { category: "general", declaredAt: "2026-12-03T10:00:00.000Z" },
		});
		await settle(fixture);
		expect(text(el, '[data-testid="current-category"]')).toBe("Your category: general investor.");
	});
});
