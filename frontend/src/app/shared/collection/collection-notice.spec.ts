import { HttpTestingController } from "@angular/common/http/testing";
import { TestBed } from "@angular/core/testing";
import { testProviders } from "../../../testing/setup";
import type { CollectionStatus } from "../../core/models";
import { TranslateService } from "../../core/translate";
import { CollectionNotice } from "./collection-notice";

const failing: CollectionStatus = {
	lastRunAt: "2026-12-01T10:00:05.000Z",
	failing: ["btg-funds", "xp-funds", "house"],
	sources: [
		{
			name: "btg-funds",
			type: "btg-funds",
			status: "failed",
			problem: { kind: "unreachable", detail: "network error (ECONNREFUSED)" },
		},
		{
			name: "xp-funds",
			type: "xp-funds",
			status: "failed",
			problem: { kind: "http", httpStatus: 403, detail: "HTTP 403" },
		},
		{
			name: "house",
			type: "file",
			status: "skipped",
			problem: { kind: "missing-key", detail: "<img src=x onerror=alert(1)>" },
		},
		{ name: "ok-source", type: "file", status: "ok" },
	],
};

async function render(status: CollectionStatus) {
	const fixture = TestBed.createComponent(CollectionNotice);
	fixture.detectChanges();
	TestBed.inject(HttpTestingController).expectOne("/api/collector/status").flush(status);
	await new Promise((resolve) => setTimeout(resolve));
	await fixture.whenStable();
	return fixture;
}

describe("CollectionNotice", () => {
	beforeEach(() =>
		TestBed.configureTestingModule({ imports: [CollectionNotice], providers: testProviders() }),
	);

	it("names each failed source with its reason in pt-BR, and the detail as text", async () => {
		const fixture = await render(failing);
		const el = fixture.nativeElement as HTMLElement;
		const items = [...el.querySelectorAll("li")].map((li) => li.textContent ?? "");
		expect(items).toHaveLength(3);
		expect(items[0]).toContain("btg-funds: sem conexão com a fonte");
		expect(items[0]).toContain("ECONNREFUSED");
		expect(items[1]).toContain("xp-funds: a fonte recusou o pedido (HTTP 403)");
		expect(items[2]).toContain("falta configurar a chave de acesso");
		expect(el.querySelector("img")).toBeNull();
		expect(items[2]).toContain("<img src=x onerror=alert(1)>");
		expect(el.textContent).not.toContain("ok-source");
	});

	it("speaks English when the client does", async () => {
		TestBed.inject(TranslateService).use("en");
		const fixture = await render(failing);
		const el = fixture.nativeElement as HTMLElement;
		expect(el.querySelector("h2")?.textContent).toContain("Some product sources failed");
		expect(el.textContent).toContain("xp-funds: the source refused the request (HTTP 403)");
	});

	it("says the first collection is still running before any run, and nothing when all is well", async () => {
		const first = await render({ sources: [{ name: "a", type: "file", status: "never" }], failing: [] });
		expect((first.nativeElement as HTMLElement).textContent).toContain("primeira coleta");
		const fine = await render({
			lastRunAt: "2026-12-01T10:00:00Z",
			sources: [{ name: "a", type: "file", status: "ok" }],
			failing: [],
		});
		expect((fine.nativeElement as HTMLElement).querySelector('[data-testid="collection-notice"]')).toBeNull();
	});
});
