import { TestBed } from "@angular/core/testing";
import { testProviders } from "../../testing/setup";
import { Status } from "./status";

describe("Status", () => {
	beforeEach(() => TestBed.configureTestingModule({ imports: [Status], providers: testProviders() }));

	it("announces loading, then an error with a retry, then an empty state", async () => {
		const fixture = TestBed.createComponent(Status);
		const el = fixture.nativeElement as HTMLElement;
		fixture.componentRef.setInput("loading", true);
		await fixture.whenStable();
		expect(el.querySelector('[role="status"]')?.textContent).toContain("Carregando");

		let retried = 0;
		fixture.componentInstance.retry.subscribe(() => retried++);
		fixture.componentRef.setInput("loading", false);
		fixture.componentRef.setInput("error", "Tempo esgotado");
		await fixture.whenStable();
		expect(el.querySelector('[role="alert"]')?.textContent).toContain("Tempo esgotado");
		(el.querySelector("button") as HTMLButtonElement).click();
		expect(retried).toBe(1);

		fixture.componentRef.setInput("error", null);
		fixture.componentRef.setInput("empty", "Nada ainda");
		await fixture.whenStable();
		expect(el.querySelector(".status-empty")?.textContent).toContain("Nada ainda");
	});
});
