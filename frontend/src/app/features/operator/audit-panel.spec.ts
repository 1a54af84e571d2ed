import { HttpTestingController } from "@angular/common/http/testing";
import { type ComponentFixture, TestBed } from "@angular/core/testing";
import { testProviders } from "../../../testing/setup";
import { Language } from "../../core/i18n";
import { Session } from "../../core/session";
import { AuditPanel } from "./audit-panel";
import { defaultPeriod, queryProblem } from "./audit-trail";
import { OperatorAccess } from "./operator-access";
import type { AuditRow, AuditTrail } from "./operator-models";

const token = "operator-token-0123456789";
const productVersion = `9c1e${"0".repeat(60)}`;
const interestsVersion = `51d0${"f".repeat(60)}`;

const audited: AuditRow = {
	notificationId: "c1|pub-7|xp:fund:1",
	notifiedAt: "2026-11-26T12:00:00.000Z",
	subscriberId: "c1",
	productId: "xp:fund:1",
	publicationId: "pub-7",
	category: "fund",
	venue: "xp",
	reasons: [
		{ field: "adminFee", operator: "≤", value: 0.005, bound: 0.01 },
		{
			field: "fundType",
			operator: "∈",
			value: "<img src=x onerror=alert(1)>",
			bound: ["<img src=x onerror=alert(1)>"],
		},
	],
	audit: {
		matchedAt: "2026-11-26T12:00:00.000Z",
		productVersion,
		profileInForce: "conservative",
		profileChosen: "aggressive",
		profileExpiresAt: "2026-11-01T00:00:00.000Z",
		investorCategory: "qualified",
		questionnaireVersion: "2026-12",
		interestsVersion,
	},
};
const legacy: AuditRow = {
	notificationId: "c1|pub-1|xp:fund:2",
	notifiedAt: "2026-10-01T12:00:00.000Z",
	subscriberId: "c1",
	productId: "xp:fund:2",
	publicationId: "pub-1",
	category: "fund",
	notice: "no-longer-fits",
	reasons: [],
};
const trail = (rows: AuditRow[], truncated = false): AuditTrail => ({
	from: "2026-10-01",
	to: "2026-11-30",
	rows,
	truncated,
});

describe("AuditPanel", () => {
	let http: HttpTestingController;
	let fixture: ComponentFixture<AuditPanel>;
	let el: HTMLElement;

	beforeEach(async () => {
		sessionStorage.clear();
		TestBed.configureTestingModule({
			imports: [AuditPanel],
			providers: [...testProviders(), OperatorAccess],
		});
		http = TestBed.inject(HttpTestingController);
		TestBed.inject(Session).setOperatorToken(token);
		fixture = TestBed.createComponent(AuditPanel);
		el = fixture.nativeElement as HTMLElement;
		await settle();
	});
	afterEach(() => {
		sessionStorage.clear();
		localStorage.clear();
	});

	async function settle() {
		for (let i = 0; i < 4; i++) {
			TestBed.tick();
			await new Promise((resolve) => setTimeout(resolve, 0));
		}
	}
	const input = (id: string) => el.querySelector(`#operator-audit-${id}`) as HTMLInputElement;
	const text = (selector: string) => el.querySelector(selector)?.textContent?.replace(/\s+/g, " ").trim();

	async function ask(kind: "subscriber" | "product", id: string, from = "2026-10-01", to = "2026-11-30") {
		(el.querySelector("#operator-audit-kind") as HTMLSelectElement).value = kind;
		input("id").value = id;
		input("from").value = from;
		input("to").value = to;
		(el.querySelector('[data-testid="audit-search"]') as HTMLButtonElement).click();
		await settle();
	}
	const pending = () => http.match((req) => req.url === "/api/admin/audit");

	it("asks nothing until the form is sent, and starts on the last 30 days", () => {
		expect(pending()).toHaveLength(0);
		const { from, to } = { from: input("from").value, to: input("to").value };
		expect(Date.parse(to) - Date.parse(from)).toBe(29 * 86_400_000);
		expect(input("from").min).toBe("1900-01-01");
		expect(input("to").max).toBe("2199-12-31");
		expect(text("#operator-audit-heading")).toBe("Trilha de auditoria");
		expect(el.querySelector('label[for="operator-audit-id"]')).not.toBeNull();
		http.verify();
	});

	it("shows a client's trail as text: versions, profile in force and chosen, category, questionnaire, reasons", async () => {
		await ask("subscriber", " c1 ");
		const [request] = pending();
		expect(request.request.params.get("subscriberId")).toBe("c1");
		expect(request.request.params.has("productId")).toBe(false);
		expect(request.request.params.get("from")).toBe("2026-10-01");
		expect(request.request.params.get("to")).toBe("2026-11-30");
		expect(request.request.params.get("format")).toBe("json");
		expect(request.request.headers.get("authorization")).toBe(`Bearer ${token}`);
		request.flush(trail([legacy, audited]));
		await settle();

		const rows = el.querySelectorAll('[data-testid="audit-table"] tbody tr');
		expect(rows).toHaveLength(2);
		expect(text('[data-testid="audit-table"] caption')).toContain("Notificações de 2026-10-01 a 2026-11-30");
		const row = rows[1] as HTMLElement;
		const cells = [...row.querySelectorAll("td")].map((cell) =>
			cell.textContent?.replace(/\s+/g, " ").trim(),
		);
		expect(cells[1]).toBe("c1");
		expect(cells[2]).toBe("xp:fund:1 via xp");
		expect(cells[3]).toBe("9c1e00000000");
		expect(row.querySelectorAll("code")[0]?.getAttribute("title")).toBe(productVersion);
		expect(cells[4]).toBe("Conservador / Arrojado");
		expect(cells[5]).toBe("Qualificado");
		expect(cells[6]).toBe("2026-12");
		expect(row.querySelectorAll("code")[1]?.getAttribute("title")).toBe(interestsVersion);
		expect([...row.querySelectorAll("li")].map((li) => li.textContent)).toEqual([
			"adminFee 0.005 ≤ 0.01",
			"fundType <img src=x onerror=alert(1)> ∈ [<img src=x onerror=alert(1)>]",
		]);
		expect(el.querySelector("img")).toBeNull();

		const old = rows[0] as HTMLElement;
		expect(old.textContent).toContain("Notificação anterior à trilha de auditoria");
		expect(old.textContent).toContain("Aviso: não serve mais");
		expect(el.querySelector('[data-testid="audit-truncated"]')).toBeNull();
		http.verify();
	});

	it("asks for a product's trail, and says when the period holds nothing", async () => {
		await ask("product", "xp:fund:1");
		const [request] = pending();
		expect(request.request.params.get("productId")).toBe("xp:fund:1");
		expect(request.request.params.has("subscriberId")).toBe(false);
		request.flush(trail([]));
		await settle();
		expect(el.textContent).toContain("Nenhuma notificação no período.");
		expect(el.querySelector('[data-testid="audit-json"]')).toBeNull();
	});

	it("says what is wrong with the form and asks nothing", async () => {
		await ask("subscriber", "   ");
		expect(text('[data-testid="audit-problem"]')).toBe("Informe o id do cliente ou do produto.");
		expect(input("id").getAttribute("aria-invalid")).toBe("true");
		await ask("subscriber", "c1", "2025-01-01", "2026-11-30");
		expect(text('[data-testid="audit-problem"]')).toBe("No máximo 366 dias por consulta.");
		await ask("subscriber", "c1", "2026-12-01", "2026-11-30");
		expect(text('[data-testid="audit-problem"]')).toBe("A data inicial deve ser igual ou anterior à final.");
		await ask("subscriber", "c1", "", "2026-11-30");
		expect(text('[data-testid="audit-problem"]')).toContain("Informe as duas datas");
		expect(pending()).toHaveLength(0);
	});

	it("downloads the trail as JSON and as CSV with the operator token, as the server wrote them", async () => {
		const createObjectURL = vi.fn((_blob: Blob) => "blob:insights-audit");
		Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
		const downloads: string[] = [];
		vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
			downloads.push(this.download);
		});
		await ask("product", "xp:fund:1");
		pending()[0]?.flush(trail([audited]));
		await settle();

		(el.querySelector('[data-testid="audit-csv"]') as HTMLButtonElement).click();
		await settle();
		const [csvRequest] = pending();
		expect(csvRequest.request.params.get("format")).toBe("csv");
		expect(csvRequest.request.params.get("productId")).toBe("xp:fund:1");
		expect(csvRequest.request.responseType).toBe("text");
		expect(csvRequest.request.headers.get("authorization")).toBe(`Bearer ${token}`);
		// As a browser reads it: without the server's byte order mark.
		const csv = "notifiedAt,notificationId\r\n2026-11-26T12:00:00.000Z,c1|pub-7|xp:fund:1\r\n";
		csvRequest.flush(csv);
		await settle();
		const csvBlob = createObjectURL.mock.calls[0][0];
		expect(csvBlob.type).toBe("text/csv;charset=utf-8");
		// The file gets it back, for Excel.
		expect([...new Uint8Array(await csvBlob.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		expect(await csvBlob.text()).toBe(csv);
		expect(text('[data-testid="audit-outcome"]')).toBe(
			"Arquivo audit-product-xp_fund_1-2026-10-01-2026-11-30.csv baixado.",
		);

		(el.querySelector('[data-testid="audit-json"]') as HTMLButtonElement).click();
		await settle();
		const [jsonRequest] = pending();
		expect(jsonRequest.request.params.get("format")).toBe("json");
		jsonRequest.flush(JSON.stringify(trail([audited])));
		await settle();
		const jsonBlob = createObjectURL.mock.calls[1][0];
		expect(jsonBlob.type).toBe("application/json");
		expect(JSON.parse(await jsonBlob.text())).toEqual(trail([audited]));
		expect(downloads).toEqual([
			"audit-product-xp_fund_1-2026-10-01-2026-11-30.csv",
			"audit-product-xp_fund_1-2026-10-01-2026-11-30.json",
		]);
		http.verify();
	});

	it("shows the server's refusal, and says when only the first rows are shown", async () => {
		await ask("subscriber", "c1");
		pending()[0]?.flush(
			{ error: { type: "VALIDATION_ERROR", message: "At most 366 days at a time." } },
			{ status: 422, statusText: "Unprocessable Entity" },
		);
		await settle();
		expect(el.querySelector('[role="alert"] p')?.textContent).toContain("At most 366 days at a time.");
		(el.querySelector('[data-testid="audit-search"]') as HTMLButtonElement).click();
		await settle();
		pending()[0]?.flush(trail([audited], true));
		await settle();
		expect(text('[data-testid="audit-truncated"]')).toContain("Mostrando só as primeiras 1 notificações");
	});

	it("forgets a token the server refuses", async () => {
		await ask("subscriber", "c1");
		pending()[0]?.flush(
			{ error: { type: "UNAUTHORIZED", message: "This route is for operators." } },
			{ status: 401, statusText: "Unauthorized" },
		);
		await settle();
		expect(TestBed.inject(Session).operatorToken()).toBeNull();
	});

	it("speaks English too", async () => {
		TestBed.inject(Language).use("en");
		await ask("subscriber", "c1");
		pending()[0]?.flush(trail([audited, legacy]));
		await settle();
		expect(text("#operator-audit-heading")).toBe("Audit trail");
		expect(text('label[for="operator-audit-kind"]')).toBe("Search by");
		expect(text('[data-testid="audit-profile"]')).toBe("Conservative / Aggressive");
		expect(text('[data-testid="audit-table"] thead')).toContain("Profile in force / chosen");
		expect(el.textContent).toContain("Notice: no longer fits");
		expect(text('[data-testid="audit-json"]')).toBe("Download JSON");
		expect(text('[data-testid="audit-csv"]')).toBe("Download CSV");
	});
});

describe("the audit panel's rules", () => {
	it("starts on São Paulo's today", () => {
		// 01:00 UTC on 2 December is still 1 December in São Paulo.
		expect(defaultPeriod(new Date("2026-12-02T01:00:00Z"))).toEqual({ from: "2026-11-02", to: "2026-12-01" });
	});

	it("takes up to 366 days, in order, within the server's dates", () => {
		expect(queryProblem("c1", "2025-11-30", "2026-11-30")).toBeNull();
		expect(queryProblem("c1", "2025-11-29", "2026-11-30")).toBe("operator.audit.tooLong");
		expect(queryProblem("c1", "1899-12-31", "1900-01-01")).toBe("operator.audit.badDate");
		expect(queryProblem("c1", "2199-12-31", "2200-01-01")).toBe("operator.audit.badDate");
		expect(queryProblem("", "2026-11-01", "2026-11-30")).toBe("operator.audit.needId");
	});
});
