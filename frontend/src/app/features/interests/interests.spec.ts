import { HttpTestingController, type TestRequest } from "@angular/common/http/testing";
import type { ComponentFixture } from "@angular/core/testing";
import { TestBed } from "@angular/core/testing";
import { testProviders } from "../../../testing/setup";
import { Language } from "../../core/i18n";
import type { Preview, Subscriber } from "../../core/models";
import { assessed, expired, questionnaire, schema, subscriber } from "./fixtures";
import { InterestsPage } from "./interests";
import { previewDelayMs } from "./interests-state";

const previewUrl = "/api/me/interests/preview";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function preview(count: number, names: string[] = []): Preview {
	return {
		count,
		days: 30,
		products: names.map((name, i) => ({
			id: `sample:reit:${i}`,
			source: "sample",
			category: "reit",
			nativeId: String(i),
			ticker: `ABCD${i}11`,
			name,
			collectedAt: "2026-11-26T11:00:00.000Z",
			reasons: [],
		})),
	};
}

describe("InterestsPage", () => {
	let fixture: ComponentFixture<InterestsPage>;
	let el: HTMLElement;
	let http: HttpTestingController;

	beforeEach(() => {
		TestBed.configureTestingModule({ imports: [InterestsPage], providers: testProviders() });
		http = TestBed.inject(HttpTestingController);
	});

	afterEach(() => localStorage.clear());

	/** The page with its schema and client loaded, and the first preview answered. */
	async function open(me: Subscriber = subscriber, firstCount = 2) {
		fixture = TestBed.createComponent(InterestsPage);
		el = fixture.nativeElement as HTMLElement;
		http.expectOne("/api/interests/schema").flush(schema);
		http.expectOne("/api/me").flush(me);
		http.expectOne("/api/suitability/questionnaire").flush(questionnaire);
		await settle();
		http.expectOne(previewUrl).flush(preview(firstCount));
		await settle();
	}

	/** Lets answered requests reach the page (their promises resolve a tick later), then renders. */
	async function settle() {
		await sleep(0);
		await fixture.whenStable();
	}

	function input(selector: string): HTMLInputElement {
		const found = el.querySelector<HTMLInputElement>(selector);
		if (!found) throw new Error(`no ${selector}`);
		return found;
	}

	async function type(selector: string, value: string) {
		const field = input(selector);
		field.value = value;
		field.dispatchEvent(new Event("input"));
		await fixture.whenStable();
	}

	async function click(selector: string) {
		input(selector).click();
		await fixture.whenStable();
	}

	async function save(): Promise<TestRequest> {
		await click('[data-testid="save-interests"]');
		return http.expectOne({ method: "PUT", url: "/api/me/interests" });
	}

	const saveButton = () => input('[data-testid="save-interests"]') as unknown as HTMLButtonElement;
	const text = (selector: string) => el.querySelector(selector)?.textContent?.replace(/\s+/g, " ").trim();

	it("shows the client's interests as stored: categories wanted, fractions as percent", async () => {
		await open({ ...subscriber, interests: { reit: { dividendYield: { min: 0.085 } } } }, 7);
		expect(input('[data-testid="category-reit"]').checked).toBe(true);
		expect(input('[data-testid="category-fund"]').checked).toBe(false);
		expect(input("#interest-reit-dividendYield-min").value).toBe("8,5");
		expect(text("#interest-reit-dividendYield-summary")).toBe("A partir de 8,5%");
		expect(text("label[for=interest-reit-dividendYield-min]")).toContain("Dividend yield (12 meses)");
		expect(text('[data-testid="preview-count"]')).toBe("7");
		expect(text(".count")).toBe("7 produtos nos últimos 30 dias");
	});

	it("labels the fields in English when English is active", async () => {
		TestBed.inject(Language).use("en");
		await open({ ...subscriber, interests: { reit: { dividendYield: { min: 0.085 } } } }, 1);
		expect(input("#interest-reit-dividendYield-min").value).toBe("8.5");
		expect(text("label[for=interest-reit-dividendYield-min]")).toContain("Dividend yield (12 months)");
		expect(text(".count")).toBe("1 product in the last 30 days");
	});

	it("saves a category switched on with a minimum typed in percent as a fraction", async () => {
		await open();
		await click('[data-testid="category-reit"]');
		await type("#interest-reit-dividendYield-min", "8");
		await type("#interest-reit-meanDailyTradedValue-min", "1.000.000");
		await click('[data-testid="category-fund"]');

		const request = await save();
		expect(request.request.body).toEqual({
			reit: { dividendYield: { min: 0.08 }, meanDailyTradedValue: { min: 1_000_000 } },
		});
		request.flush(request.request.body);
		await settle();
		// The profile did not change: it is not sent again.
		http.expectNone({ method: "PUT", url: "/api/me" });
		expect(text('[role="status"].saved')).toBe("Interesses e perfil salvos.");
	});

	it("builds sets, exclusions, flags and risk sliders into the request", async () => {
		await open();
		// A long list gets a filter box; checked values stay checked while filtered out.
		await type("#interest-fund-issuer-filter", "asset");
		const shown = [...el.querySelectorAll<HTMLInputElement>("#interest-fund-issuer-options input")];
		expect(shown.map((box) => box.value)).toEqual(["Itaú Asset", "XP Asset", "Bradesco Asset"]);
		await click('#interest-fund-issuer-options input[value="Itaú Asset"]');
		const mode = el.querySelector<HTMLSelectElement>("#interest-fund-issuer-mode") as HTMLSelectElement;
		mode.value = "notIn";
		mode.dispatchEvent(new Event("change"));
		await fixture.whenStable();
		await type("#interest-fund-riskLevel-max", "3");
		await type("#interest-fund-riskLevel-min", "1");

		await click('[data-testid="category-fixed_income"]');
		await click('#interest-fixed_income-rateIndex-options input[value="IPCA"]');
		await click('input[name="interest-fixed_income-taxExempt"][value="yes"]');

		const request = await save();
		expect(request.request.body).toEqual({
			fund: { issuer: { notIn: ["Itaú Asset"] }, riskLevel: { max: 3 } },
			fixed_income: { rateIndex: { in: ["IPCA"] }, taxExempt: true },
		});
	});

	it("shows a minimum above the maximum next to the field and blocks the save", async () => {
		await open();
		await click('[data-testid="category-reit"]');
		await type("#interest-reit-dividendYield-min", "10");
		await type("#interest-reit-dividendYield-max", "5");

		const error = text("#interest-reit-dividendYield-range-error");
		expect(error).toBe("O mínimo não pode ser maior que o máximo.");
		const min = input("#interest-reit-dividendYield-min");
		expect(min.getAttribute("aria-invalid")).toBe("true");
		expect(min.getAttribute("aria-describedby")).toContain("interest-reit-dividendYield-range-error");
		expect(saveButton().disabled).toBe(true);
		expect(text("#save-blocked")).toBe("Corrija os campos destacados para salvar.");
		saveButton().click();
		await sleep(previewDelayMs + 50);
		// Neither a save nor a preview of interests the server would refuse.
		http.expectNone({ method: "PUT", url: "/api/me/interests" });
		http.expectNone(previewUrl);
		expect(text(".preview")).toContain("Corrija os campos destacados para ver a prévia.");

		await type("#interest-reit-dividendYield-max", "12");
		expect(el.querySelector("#interest-reit-dividendYield-range-error")).toBeNull();
		expect(saveButton().disabled).toBe(false);
	});

	it("refuses negative amounts and percentages out of range, in the active locale", async () => {
		await open();
		await type("#interest-fund-minimumInvestment-min", "-100");
		await type("#interest-fund-adminFee-max", "150");
		expect(text("#interest-fund-minimumInvestment-min-error")).toBe("Mínimo: Não pode ser negativo.");
		expect(text("#interest-fund-adminFee-max-error")).toBe("Máximo: Use um valor entre 0% e 100%.");
		expect(saveButton().disabled).toBe(true);
	});

	it("sends the preview once, 400 ms after the last edit, and shows its count and products", async () => {
		await open();
		await click('[data-testid="category-reit"]');
		await type("#interest-reit-dividendYield-min", "8");
		await sleep(previewDelayMs / 2);
		await type("#interest-reit-dividendYield-min", "8,5");
		await sleep(previewDelayMs - 100);
		http.expectNone(previewUrl);
		await sleep(200);

		const request = http.expectOne(previewUrl);
		expect(request.request.method).toBe("POST");
		expect(request.request.body).toEqual({
			interests: { fund: {}, reit: { dividendYield: { min: 0.085 } } },
			riskProfile: "conservative",
			days: 30,
		});
		expect(text(".preview")).toContain("Atualizando a prévia…");
		request.flush(preview(1234, ["HGLG11", "XPML11"]));
		await settle();
		expect(text('[data-testid="preview-count"]')).toBe("1234");
		const examples = [...el.querySelectorAll(".examples li")].map((item) =>
			[...item.children].map((part) => part.textContent?.trim()),
		);
		expect(examples).toEqual([
			["HGLG11", "FIIs"],
			["XPML11", "FIIs"],
		]);
	});

	it("says when the preview fails, and retries on request", async () => {
		await open();
		await click('[data-testid="category-reit"]');
		await sleep(previewDelayMs + 50);
		http
			.expectOne(previewUrl)
			.flush({ error: { message: "matcher unavailable" } }, { status: 503, statusText: "" });
		await settle();
		expect(text('.preview [role="alert"]')).toContain(
			"Não foi possível atualizar a prévia: matcher unavailable",
		);

		(el.querySelector('.preview [role="alert"] button') as HTMLButtonElement).click();
		http.expectOne(previewUrl).flush(preview(5));
		await settle();
		expect(text('[data-testid="preview-count"]')).toBe("5");
		expect(el.querySelector('.preview [role="alert"]')).toBeNull();
	});

	it("sends the questionnaire's answers, takes the profile the server scores, and previews with it", async () => {
		await open();
		for (const answer of ["horizon-over5y", "lossTolerance-buyMore", "experience-variable"])
			await click(`[data-testid="suitability-${answer}"]`);
		await click('[data-testid="suitability-submit"]');
		const answered = http.expectOne({ method: "PUT", url: "/api/me/suitability" });
		expect(answered.request.body).toEqual({
			version: "2026-12",
			answers: { horizon: "over5y", lossTolerance: "buyMore", experience: "variable" },
		});
		expect(answered.request.body.riskProfile).toBeUndefined();
		answered.flush({
			...assessed,
			riskProfile: "aggressive",
			effectiveProfile: "aggressive",
			suitability: { ...assessed.suitability, profile: "aggressive", score: 24 },
		});
		await settle();
		expect(text('[data-testid="suitability-saved"]')).toBe(
			"Respostas salvas: pelo questionário, seu perfil é Arrojado.",
		);
		expect(input('[data-testid="profile-aggressive"]').checked).toBe(true);
		expect(input('[data-testid="profile-aggressive"]').disabled).toBe(false);
		// The risk sliders say what the new profile allows.
		expect(el.textContent).toContain("Seu perfil permite até risco 5.");

		await sleep(previewDelayMs + 50);
		expect(http.expectOne(previewUrl).request.body.riskProfile).toBe("aggressive");

		// The server set the profile with the answers: saving the interests does not send it again.
		(await save()).flush({});
		await settle();
		http.expectNone({ method: "PUT", url: "/api/me" });
		expect(text('[role="status"].saved')).toBe("Interesses e perfil salvos.");
	});

	it("saves a profile chosen below the score", async () => {
		await open(assessed);
		await click('[data-testid="profile-conservative"]');
		(await save()).flush({});
		await settle();
		const profile = http.expectOne({ method: "PUT", url: "/api/me" });
		expect(profile.request.body).toEqual({ riskProfile: "conservative" });
		profile.flush({ ...assessed, riskProfile: "conservative" });
		await settle();
		expect(text('[role="status"].saved')).toBe("Interesses e perfil salvos.");
	});

	it("previews an expired profile as conservative and says so", async () => {
		fixture = TestBed.createComponent(InterestsPage);
		el = fixture.nativeElement as HTMLElement;
		http.expectOne("/api/interests/schema").flush(schema);
		http.expectOne("/api/me").flush(expired);
		http.expectOne("/api/suitability/questionnaire").flush(questionnaire);
		await settle();
		expect(http.expectOne(previewUrl).request.body.riskProfile).toBe("conservative");
		expect(text('[data-testid="suitability-expired"]')).toContain("venceu em");
		expect(el.textContent).toContain("Seu perfil permite até risco 2.");
	});

	it("shows the server's 422 message and each refused field next to the form", async () => {
		await open();
		const request = await save();
		request.flush(
			{
				error: {
					type: "INVALID_INTERESTS",
					message: "fund.adminFee: min 0.02 is greater than max 0.01",
					data: [
						{ field: "fund.adminFee", message: "min 0.02 is greater than max 0.01" },
						{ field: "fund", message: "must be an object of constraints" },
					],
				},
			},
			{ status: 422, statusText: "Unprocessable Entity" },
		);
		await settle();
		const alert = text('.save [role="alert"]');
		expect(alert).toContain("Não foi possível salvar: fund.adminFee: min 0.02 is greater than max 0.01");
		const fields = [...el.querySelectorAll(".field-errors li")].map((item) =>
			item.textContent?.replace(/\s+/g, " ").trim(),
		);
		expect(fields).toEqual([
			"Fundos · Taxa de administração: min 0.02 is greater than max 0.01",
			"Fundos: must be an object of constraints",
		]);
		expect(text('[role="status"].saved')).toBe("");
		http.expectNone({ method: "PUT", url: "/api/me" });
	});

	it("shows a load failure and loads again on retry", async () => {
		fixture = TestBed.createComponent(InterestsPage);
		el = fixture.nativeElement as HTMLElement;
		http
			.expectOne("/api/interests/schema")
			.flush({ error: { message: "down" } }, { status: 500, statusText: "" });
		http.expectOne("/api/me").flush(subscriber);
		http.expectOne("/api/suitability/questionnaire").flush(questionnaire);
		await settle();
		expect(text('app-status [role="alert"]')).toContain("Algo deu errado: down");
		expect(el.querySelector('[data-testid="save-interests"]')).toBeNull();

		(el.querySelector("app-status button") as HTMLButtonElement).click();
		http.expectOne("/api/interests/schema").flush(schema);
		http.expectOne("/api/me").flush(subscriber);
		http.expectOne("/api/suitability/questionnaire").flush(questionnaire);
		await settle();
		expect(el.querySelector('[data-testid="category-fund"]')).not.toBeNull();
	});
});
