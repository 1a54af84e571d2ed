import { HttpTestingController, type TestRequest } from "@angular/common/http/testing";
import type { ComponentFixture } from "@angular/core/testing";
import { TestBed } from "@angular/core/testing";
import { answerCollectionStatus, failingCollection, testProviders } from "../../../testing/setup";
import type { CollectorRunSummary, CollectorSourceInfo, Delivery } from "../../core/models";
import { Session } from "../../core/session";
import { Operator } from "./operator";
import type { SubscriberPage } from "./operator-models";

const token = "operator-token-0123456789";

const deadLetters = {
	total: 1,
	rows: [
		{
			key: "matcher|pub-9",
			id: "pub-9",
			subject: "publications.published",
			group: "matcher",
			payload: { publicationId: "pub-9" },
			attempts: 20,
			error: "cannot read <img src=x onerror=alert(1)>",
			failedAt: "2026-11-26T12:00:00.000Z",
		},
	],
};

const sources: CollectorSourceInfo[] = [
	{
		name: "xp",
		type: "broker",
		format: "html",
		enabled: true,
		schedule: "0 9 * * 1-5",
		location: "https://xp.example/produtos",
	},
	{ name: "btg", type: "broker", format: "csv", enabled: true, location: "file:btg.csv" },
];

function sourceRun(status: "ok" | "failed", extra: Partial<CollectorRunSummary["sources"][string]> = {}) {
	return {
		status,
		fetched: 10,
		normalized: 10,
		skipped: 0,
		skippedReasons: [],
		unparsed: 0,
		unparsedExamples: [],
		new: 2,
		changed: 1,
		unchanged: 7,
		errors: [],
		durationMs: 1234,
		...extra,
	};
}

const failedRun: CollectorRunSummary = {
	id: "run-2",
	trigger: "manual",
	startedAt: "2026-11-26T12:00:00.000Z",
	finishedAt: "2026-11-26T12:00:05.000Z",
	publicationId: "pub-2",
	published: 3,
	enrichment: { enriched: 0, unavailable: 0 },
	sources: {
		xp: sourceRun("ok", { withdrawn: 2 }),
		btg: sourceRun("failed", {
			errors: ["<b>x</b> HTTP 410 (gone: the source no longer publishes this)"],
			problem: {
				kind: "http",
				httpStatus: 410,
				detail: "HTTP 410 (gone: the source no longer publishes this)",
			},
			fetched: 0,
			normalized: 0,
			new: 0,
			changed: 0,
		}),
	},
};
const quietRun: CollectorRunSummary = {
	id: "run-1",
	trigger: "schedule",
	startedAt: "2026-11-25T12:00:00.000Z",
	finishedAt: "2026-11-25T12:00:04.000Z",
	published: 0,
	enrichment: { enriched: 0, unavailable: 0 },
	sources: { xp: sourceRun("ok"), btg: sourceRun("ok") },
};

function page<T>(rows: T[], total = rows.length, pageSize = 10) {
	return { rows, total, page: 1, pageSize, totalPages: Math.max(1, Math.ceil(total / pageSize)) };
}

const subscribers: SubscriberPage = {
	...page(
		[
			{
				id: "s1",
				name: "Ana Souza",
				email: "ana@example.com",
				locale: "pt-BR",
				status: "verified",
				riskProfile: "moderate",
				interests: {},
				preferences: {
					email: true,
					live: true,
					digest: "daily",
					digestHour: 8,
					timeZone: "America/Sao_Paulo",
				},
				createdAt: "2026-11-20T10:00:00.000Z",
				updatedAt: "2026-11-20T10:00:00.000Z",
				consent: { version: "2026-11", acceptedAt: "2026-11-20T10:00:00.000Z" },
				effectiveProfile: "conservative",
				investorCategory: { category: "general" },
			},
		],
		1,
		20,
	),
	counts: { pending: 2, verified: 5, unsubscribed: 1, bouncing: 3 },
};

const failedDelivery: Delivery = {
	id: "d1",
	to: "bia@example.com",
	template: "verify",
	locale: "pt-BR",
	status: "failed",
	attempts: [{ at: "2026-11-26T11:00:00.000Z", error: "550 <mailbox> unavailable" }],
	error: "550 <mailbox> unavailable",
	createdAt: "2026-11-26T11:00:00.000Z",
	updatedAt: "2026-11-26T11:05:00.000Z",
};
const deliveryTotals = { queued: 4, sent: 120, failed: 1, retrying: 2 };

describe("Operator", () => {
	let http: HttpTestingController;
	let fixture: ComponentFixture<Operator>;
	let el: HTMLElement;

	beforeEach(() => {
		sessionStorage.clear();
		TestBed.configureTestingModule({ imports: [Operator], providers: testProviders() });
		http = TestBed.inject(HttpTestingController);
	});
	afterEach(() => sessionStorage.clear());

	/** Runs effects and change detection until resources have sent their requests or shown their answers. */
	async function settle() {
		for (let i = 0; i < 4; i++) {
			TestBed.tick();
			await new Promise((resolve) => setTimeout(resolve, 0));
		}
	}

	async function open(withToken: boolean) {
		if (withToken) TestBed.inject(Session).setOperatorToken(token);
		fixture = TestBed.createComponent(Operator);
		el = fixture.nativeElement as HTMLElement;
		await settle();
	}

	function requests(url: string): TestRequest[] {
		return http.match((req) => req.url === url);
	}

	/** Answers every pending request of the page with the fixtures above. */
	async function answerAll(runs = [failedRun, quietRun]) {
		for (const req of requests("/api/collector/sources")) req.flush(sources);
		for (const req of requests("/api/collector/runs")) req.flush(page(runs));
		for (const req of requests("/api/admin/subscribers")) req.flush(subscribers);
		for (const req of requests("/api/admin/dead-letters")) req.flush(deadLetters);
		for (const req of requests("/api/admin/mail/deliveries")) {
			const status = req.request.params.get("status") as keyof typeof deliveryTotals | null;
			if (req.request.params.get("pageSize") === "1" && status)
				req.flush(page([], deliveryTotals[status], 1));
			else req.flush(page([failedDelivery]));
		}
		await settle();
	}

	const runNow = () => el.querySelector('[data-testid="run-now"]') as HTMLButtonElement | null;

	it("lists the queue's dead letters with their error and payload as text", async () => {
		await open(true);
		await answerAll();
		const panel = el.querySelector('[data-testid="dead-letters"]') as HTMLElement;
		expect(panel.textContent).toContain("Mensagens sem destino: 1");
		expect(panel.textContent).toContain("publications.published");
		expect(panel.textContent).toContain("<img src=x onerror=alert(1)>");
		expect(panel.querySelector("img")).toBeNull();
		answerCollectionStatus(http);
		http.verify();
	});

	it("replays a dead letter with the operator token, says so, and lists the dead letters again", async () => {
		await open(true);
		await answerAll();
		const button = el.querySelector('[data-testid="dead-letter-replay"]') as HTMLButtonElement;
		expect(button.getAttribute("aria-label")).toContain("publications.published");
		button.click();
		const replay = http.expectOne("/api/admin/dead-letters/replay");
		expect(replay.request.method).toBe("POST");
		expect(replay.request.body).toEqual({ key: "matcher|pub-9" });
		expect(replay.request.headers.get("authorization")).toBe(`Bearer ${token}`);
		replay.flush({ replayed: true });
		await settle();
		expect(el.querySelector('[data-testid="dead-letters-outcome"]')?.textContent).toContain("reenviada");
		const reload = requests("/api/admin/dead-letters");
		expect(reload).toHaveLength(1);
		reload[0]?.flush({ total: 0, rows: [] });
		await settle();
		expect(el.querySelector('[data-testid="dead-letters"]')?.textContent).toContain(
			"Nenhuma mensagem sem destino",
		);
		answerCollectionStatus(http);
		http.verify();
	});

	it("without a token shows only the token form, says where the token is, and requests nothing private", async () => {
		await open(false);
		const input = el.querySelector('input[name="operatorToken"]') as HTMLInputElement;
		expect(input.type).toBe("password");
		expect(el.querySelector(`label[for="${input.id}"]`)?.textContent).toContain("Token de operador");
		expect(el.querySelector('[data-testid="operator-token-where"]')?.textContent).toContain(
			"data/operator-token",
		);
		expect(el.querySelector('[data-testid="operator-signin"]')).not.toBeNull();
		expect(runNow()).toBeNull();
		expect(el.querySelector("table")).toBeNull();
		answerCollectionStatus(http);
		http.verify();
	});

	it("says which sources failed in the latest collection, and why, even before the token", async () => {
		await open(false);
		answerCollectionStatus(http, failingCollection);
		await settle();
		expect(el.querySelector('[data-testid="collection-notice"]')?.textContent).toContain(
			"btg-funds: sem conexão com a fonte",
		);
		http.verify();
	});

	it("keeps a submitted token for the tab and loads every panel with it", async () => {
		await open(false);
		const input = el.querySelector('input[name="operatorToken"]') as HTMLInputElement;
		input.value = `  ${token} `;
		(el.querySelector('[data-testid="operator-signin"]') as HTMLButtonElement).click();
		await settle();

		expect(TestBed.inject(Session).operatorToken()).toBe(token);
		expect(sessionStorage.getItem("insights.operator")).toBe(token);
		expect(el.querySelector('input[name="operatorToken"]')).toBeNull();
		expect(runNow()?.disabled).toBe(false);
		const operatorCalls = [...requests("/api/admin/subscribers"), ...requests("/api/admin/mail/deliveries")];
		// One subscribers page, one deliveries page, four delivery counts.
		expect(operatorCalls).toHaveLength(6);
		for (const req of operatorCalls) expect(req.request.headers.get("authorization")).toBe(`Bearer ${token}`);
		for (const req of operatorCalls)
			req.flush(req.request.url.includes("subscribers") ? subscribers : page([]));
		await answerAll();
	});

	it("with a token shows sources, runs, subscribers and deliveries", async () => {
		await open(true);
		// match() takes the requests out of the controller: each is answered here.
		const [sourcesCall] = requests("/api/collector/sources");
		const [subscribersCall] = requests("/api/admin/subscribers");
		const deliveries = requests("/api/admin/mail/deliveries");
		const list = deliveries.find((req) => req.request.params.get("pageSize") === "10");
		expect(list?.request.params.get("status")).toBe("failed");
		for (const req of [subscribersCall, ...deliveries])
			expect(req.request.headers.get("authorization")).toBe(`Bearer ${token}`);
		// Sources and runs are public routes: no token travels with them.
		expect(sourcesCall.request.headers.has("authorization")).toBe(false);
		sourcesCall.flush(sources);
		subscribersCall.flush(subscribers);
		for (const req of deliveries) req.flush(req === list ? page([failedDelivery]) : page([], 2, 1));
		await answerAll();

		const sourcesTable = el.querySelector('[data-testid="sources-table"]') as HTMLElement;
		expect(sourcesTable.textContent).toContain("xp");
		expect(sourcesTable.textContent).toContain("https://xp.example/produtos");
		expect(sourcesTable.textContent).toContain("Só manual");
		expect(sourcesTable.textContent).toContain("2 novos, 1 alterados");
		expect(sourcesTable.querySelector('[data-testid="source-withdrawn"]')?.textContent).toContain(
			"2 retirados (a fonte deixou de listar)",
		);

		const failedRow = el.querySelector('[data-testid="runs-table"] tbody tr') as HTMLElement;
		expect(failedRow.textContent).toContain("Falharam: btg");
		expect(failedRow.textContent).toContain("pub-2");
		const quietRow = el.querySelectorAll('[data-testid="runs-table"] tbody tr')[1] as HTMLElement;
		expect(quietRow.textContent).toContain("Nada publicado");
		expect(quietRow.textContent).toContain("Nenhuma");

		const counts = el.querySelector('[data-testid="subscriber-counts"]')?.textContent?.replace(/\s+/g, " ");
		expect(counts).toContain("Todos 11");
		expect(counts).toContain("Verificados 5");
		expect(counts).toContain("E-mails devolvidos 3");
		expect(el.querySelector('[data-testid="subscribers-table"]')?.textContent).toContain("ana@example.com");

		expect(el.querySelector('[data-testid="delivery-counts"]')?.textContent?.replace(/\s+/g, " ")).toContain(
			"Falharam 2",
		);
		expect(el.querySelector('[data-testid="delivery-error"]')?.textContent).toBe("550 <mailbox> unavailable");
		answerCollectionStatus(http);
		http.verify();
	});

	it("shows a failed source's errors as text, never as markup", async () => {
		await open(true);
		await answerAll();
		const errors = el.querySelector('[data-testid="source-errors"]') as HTMLDetailsElement;
		expect(errors.querySelector("summary")?.textContent).toContain("Erros (1)");
		expect(errors.textContent).toContain("<b>x</b> HTTP 410");
		expect(errors.querySelector("b")).toBeNull();
		expect(el.querySelector("b")).toBeNull();
	});

	it("says per source what it read, kept and left out, and names a failure's kind", async () => {
		await open(true);
		await answerAll();
		const counts = [...el.querySelectorAll('[data-testid="source-counts"]')].map((n) =>
			n.textContent?.trim(),
		);
		expect(counts).toContain("10 lidos, 10 aproveitados, 0 deixados de fora");
		expect(counts).toContain("0 lidos, 0 aproveitados, 0 deixados de fora");
		const problems = [...el.querySelectorAll('[data-testid="source-problem"]')].map((n) =>
			n.textContent?.trim(),
		);
		expect(problems).toEqual(["a fonte recusou o pedido (HTTP 410)"]);
	});

	it("runs a collection, shows its summary and loads sources and runs again", async () => {
		await open(true);
		await answerAll();
		runNow()?.click();
		await settle();

		const run = http.expectOne("/api/collector/run");
		expect(run.request.method).toBe("POST");
		expect(run.request.headers.get("authorization")).toBe(`Bearer ${token}`);
		expect(runNow()?.disabled).toBe(true);
		expect(el.querySelector('[data-testid="run-result"]')?.textContent).toContain("Coletando");

		const newRun: CollectorRunSummary = { ...failedRun, id: "run-3", publicationId: "pub-3", published: 7 };
		run.flush(newRun);
		await settle();
		const result = el.querySelector('[data-testid="run-result"]') as HTMLElement;
		expect(result.getAttribute("role")).toBe("status");
		expect(result.textContent).toContain("7 produtos publicados");
		expect(result.textContent).toContain("Publicação pub-3");
		expect(result.textContent).toContain("btg");
		expect(result.textContent).toContain("falhou");
		expect(result.textContent).toContain("<b>x</b> HTTP 410");
		expect(runNow()?.disabled).toBe(false);

		// Both panels that show runs ask again; the new run appears in the table.
		expect(requests("/api/collector/sources")).toHaveLength(1);
		const again = requests("/api/collector/runs");
		expect(again).toHaveLength(2);
		for (const req of again) req.flush(page([newRun, failedRun, quietRun]));
		for (const req of requests("/api/collector/sources")) req.flush(sources);
		await settle();
		expect(el.querySelector('[data-testid="runs-table"] tbody tr')?.textContent).toContain("pub-3");
		answerCollectionStatus(http);
		http.verify();
	});

	it("says a collection is already running when the server answers 409", async () => {
		await open(true);
		await answerAll();
		runNow()?.click();
		await settle();
		http
			.expectOne("/api/collector/run")
			.flush(
				{ error: { type: "RUN_IN_PROGRESS", message: "A collector run is already in progress." } },
				{ status: 409, statusText: "Conflict" },
			);
		await settle();
		expect(el.querySelector('[data-testid="run-result"]')?.textContent).toContain(
			"Uma coleta já está em andamento",
		);
		expect(runNow()?.disabled).toBe(false);
		// Nothing ran, so nothing is reloaded.
		answerCollectionStatus(http);
		http.verify();
	});

	it("forgets a token the server refuses and says so", async () => {
		await open(true);
		for (const req of requests("/api/admin/subscribers"))
			req.flush(
				{ error: { type: "FORBIDDEN", message: "The operator token is not valid." } },
				{ status: 403, statusText: "Forbidden" },
			);
		await settle();

		expect(TestBed.inject(Session).operatorToken()).toBeNull();
		expect(sessionStorage.getItem("insights.operator")).toBeNull();
		expect(el.querySelector('input[name="operatorToken"]')).not.toBeNull();
		expect(el.querySelector('[role="alert"]')?.textContent).toContain(
			"O token foi recusado: The operator token is not valid.",
		);
		expect(runNow()).toBeNull();
		// Answers still on their way change nothing: the panels are gone.
		await answerAll();
		expect(el.querySelector("table")).toBeNull();
		expect(el.querySelector('input[name="operatorToken"]')).not.toBeNull();
	});

	it("forgets the token when a collection is refused with 401", async () => {
		await open(true);
		await answerAll();
		runNow()?.click();
		await settle();
		http
			.expectOne("/api/collector/run")
			.flush(
				{ error: { type: "UNAUTHORIZED", message: "This route is for operators." } },
				{ status: 401, statusText: "Unauthorized" },
			);
		await settle();
		expect(TestBed.inject(Session).operatorToken()).toBeNull();
		expect(el.querySelector('input[name="operatorToken"]')).not.toBeNull();
		expect(el.querySelector('[role="alert"]')?.textContent).toContain("recusado");
	});

	it("forgets the token on request", async () => {
		await open(true);
		await answerAll();
		(el.querySelector('[data-testid="operator-forget"]') as HTMLButtonElement).click();
		await settle();
		expect(sessionStorage.getItem("insights.operator")).toBeNull();
		expect(el.querySelector('input[name="operatorToken"]')).not.toBeNull();
		expect(el.querySelector('[role="alert"]')).toBeNull();
	});

	it("searches subscribers on submit and filters them by status, from the first page", async () => {
		await open(true);
		await answerAll();
		const search = el.querySelector("#operator-subscriber-q") as HTMLInputElement;
		search.value = "ana";
		search.form?.requestSubmit();
		await settle();
		const searched = http.expectOne((req) => req.url === "/api/admin/subscribers");
		expect(searched.request.params.get("q")).toBe("ana");
		expect(searched.request.params.get("page")).toBe("1");
		searched.flush({ ...page([], 0, 20), counts: subscribers.counts });
		await settle();
		expect(el.textContent).toContain("Nenhum assinante encontrado");

		const bouncing = el.querySelector(
			'[data-testid="subscriber-counts"] [data-status="bouncing"]',
		) as HTMLElement;
		bouncing.click();
		await settle();
		const filtered = http.expectOne((req) => req.url === "/api/admin/subscribers");
		expect(filtered.request.params.get("status")).toBe("bouncing");
		expect(filtered.request.params.get("q")).toBe("ana");
		expect(bouncing.getAttribute("aria-pressed")).toBe("true");
	});

	it("lists every delivery when the filter is cleared", async () => {
		await open(true);
		await answerAll();
		(el.querySelector('[data-testid="delivery-counts"] button') as HTMLButtonElement).click();
		await settle();
		const all = http.expectOne((req) => req.url === "/api/admin/mail/deliveries");
		expect(all.request.params.has("status")).toBe(false);
		all.flush(page([]));
		await settle();
		expect(el.textContent).toContain("Nenhuma entrega ainda.");
	});

	it("pages through the runs ten at a time", async () => {
		await open(true);
		for (const req of requests("/api/collector/runs")) {
			expect(req.request.params.get("page")).toBe("1");
			req.flush({ ...page([failedRun, quietRun]), total: 25, totalPages: 3 });
		}
		await answerAll();
		const pager = el.querySelector('nav[aria-label="Páginas das coletas"]') as HTMLElement;
		expect(pager.textContent).toContain("Página 1 de 3");
		const [previous, next] = Array.from(pager.querySelectorAll("button"));
		expect(previous.disabled).toBe(true);
		next.click();
		await settle();
		const second = http.expectOne((req) => req.url === "/api/collector/runs");
		expect(second.request.params.get("page")).toBe("2");
		expect(second.request.params.get("pageSize")).toBe("10");
	});
});
