import { type ComponentFixture, TestBed } from "@angular/core/testing";
import { testProviders } from "../../../testing/setup";
import { Language } from "../../core/i18n";
import type { RiskProfile, Subscriber } from "../../core/models";
import { assessed, expired, questionnaire, schema, subscriber } from "./fixtures";
import { Suitability, type SuitabilityAnswers } from "./suitability";

describe("Suitability", () => {
	let fixture: ComponentFixture<Suitability>;
	let el: HTMLElement;
	let chosen: RiskProfile[];
	let sent: SuitabilityAnswers[];

	beforeEach(() => TestBed.configureTestingModule({ imports: [Suitability], providers: testProviders() }));
	afterEach(() => localStorage.clear());

	async function render(client: Subscriber) {
		fixture = TestBed.createComponent(Suitability);
		fixture.componentRef.setInput("profile", client.riskProfile);
		fixture.componentRef.setInput("riskProfiles", schema.riskProfiles);
		fixture.componentRef.setInput("assessment", client.suitability);
		fixture.componentRef.setInput("questionnaire", questionnaire);
		chosen = [];
		sent = [];
		fixture.componentInstance.profileChange.subscribe((profile) => chosen.push(profile));
		fixture.componentInstance.answersSubmit.subscribe((answers) => sent.push(answers));
		await fixture.whenStable();
		el = fixture.nativeElement as HTMLElement;
	}

	const find = <T extends HTMLElement>(selector: string) => el.querySelector(selector) as T;
	const text = (selector: string) => find(selector)?.textContent?.replace(/\s+/g, " ").trim();
	async function click(selector: string) {
		find<HTMLInputElement>(selector).click();
		await fixture.whenStable();
	}

	it("submits the answers as given, never a profile, and only once all are answered", async () => {
		await render(subscriber);
		expect(text('[data-testid="suitability-none"]')).toContain("Até responder, seu perfil é conservador");
		expect(find<HTMLDetailsElement>("details.questionnaire").open).toBe(true);
		expect(text("summary")).toBe("Responder ao questionário de perfil (3 perguntas)");
		expect(text("legend")).toBe("Seu perfil");
		expect(el.textContent).toContain("Por quanto tempo você pretende manter estes investimentos?");
		const submit = find<HTMLButtonElement>('[data-testid="suitability-submit"]');
		expect(submit.disabled).toBe(true);

		await click('[data-testid="suitability-horizon-over5y"]');
		await click('[data-testid="suitability-lossTolerance-buyMore"]');
		expect(submit.disabled).toBe(true);
		expect(text("#suitability-incomplete")).toBe("Responda a todas as perguntas para enviar.");
		await click('[data-testid="suitability-experience-variable"]');
		expect(submit.disabled).toBe(false);
		submit.click();
		expect(sent).toEqual([
			{
				version: "2026-12",
				answers: { horizon: "over5y", lossTolerance: "buyMore", experience: "variable" },
			},
		]);
		// The page never picks a profile from the answers itself.
		expect(chosen).toEqual([]);
	});

	it("allows only profiles at or below the score, saying why the others are closed", async () => {
		await render(assessed);
		const aggressive = find<HTMLInputElement>('[data-testid="profile-aggressive"]');
		expect(aggressive.disabled).toBe(true);
		expect(text(`#${aggressive.getAttribute("aria-describedby")}`)).toBe(
			"Acima do resultado do seu questionário",
		);
		expect(find<HTMLInputElement>('[data-testid="profile-moderate"]').checked).toBe(true);
		await click('[data-testid="profile-conservative"]');
		expect(chosen).toEqual(["conservative"]);

		// Without a questionnaire, only conservative.
		await render(subscriber);
		expect(find<HTMLInputElement>('[data-testid="profile-moderate"]').disabled).toBe(true);
		expect(find<HTMLInputElement>('[data-testid="profile-conservative"]').disabled).toBe(false);
	});

	it("says until when the questionnaire holds, and starts a renewal from the stored answers", async () => {
		await render(assessed);
		expect(text('[data-testid="suitability-valid"]')).toBe(
			"Questionário respondido em 1 de dez. de 2026: perfil Moderado (13 pontos). Vale até 1 de dez. de 2028.",
		);
		expect(find<HTMLDetailsElement>("details.questionnaire").open).toBe(false);
		expect(text("summary")).toBe("Responder ao questionário de novo");
		expect(find<HTMLInputElement>('[data-testid="suitability-lossTolerance-hold"]').checked).toBe(true);
		find<HTMLButtonElement>('[data-testid="suitability-submit"]').click();
		expect(sent[0]?.answers).toEqual(assessed.suitability?.answers);
	});

	it("tells a client whose questionnaire expired that they count as conservative, in pt-BR and en", async () => {
		await render(expired);
		const notice = find('[data-testid="suitability-expired"]');
		expect(notice.getAttribute("role")).toBe("alert");
		expect(text('[data-testid="suitability-expired"]')).toBe(
			"Seu questionário de perfil venceu em 1 de dez. de 2028. Até você responder de novo, seu perfil conta como conservador: você recebe só produtos adequados a ele.",
		);
		expect(find<HTMLDetailsElement>("details.questionnaire").open).toBe(true);

		TestBed.inject(Language).use("en");
		await fixture.whenStable();
		expect(text('[data-testid="suitability-expired"]')).toBe(
			"Your profile questionnaire expired on Dec 1, 2028. Until you answer it again, your profile counts as conservative: you only get products that suit it.",
		);
		expect(el.textContent).toContain("How long do you plan to keep these investments?");
	});

	it("shows the outcome of a submission: the scored profile, or the server's reason", async () => {
		await render(subscriber);
		fixture.componentRef.setInput("submitState", { status: "saved", profile: "aggressive" });
		await fixture.whenStable();
		expect(text('[data-testid="suitability-saved"]')).toBe(
			"Respostas salvas: pelo questionário, seu perfil é Arrojado.",
		);
		fixture.componentRef.setInput("submitState", {
			status: "failed",
			message: "answers.horizon: not answered",
		});
		await fixture.whenStable();
		expect(text('[role="alert"]')).toBe(
			"Não foi possível enviar as respostas: answers.horizon: not answered",
		);
	});

	it("keeps the profile choice working when the questionnaire could not be loaded", async () => {
		await render(assessed);
		fixture.componentRef.setInput("questionnaire", null);
		await fixture.whenStable();
		expect(el.querySelector("details")).toBeNull();
		expect(el.textContent).toContain("O questionário de perfil não pôde ser carregado agora.");
		await click('[data-testid="profile-conservative"]');
		expect(chosen).toEqual(["conservative"]);
	});
});
