import { HttpTestingController } from "@angular/common/http/testing";
import { TestBed } from "@angular/core/testing";
import { Router } from "@angular/router";
import { testProviders } from "../../../testing/setup";
import { Session } from "../../core/session";
import { Verify } from "./verify";

describe("Verify", () => {
	beforeEach(() => {
		localStorage.clear();
		// A session token an earlier version kept where any script could read it.
		localStorage.setItem("insights.session", "an.old.token");
		TestBed.configureTestingModule({ imports: [Verify], providers: testProviders() });
	});
	afterEach(() => TestBed.inject(HttpTestingController).verify());

	it("asks for the session as a cookie and keeps no token where a script could read it", async () => {
		const navigate = vi.spyOn(TestBed.inject(Router), "navigate").mockResolvedValue(true);
		const fixture = TestBed.createComponent(Verify);
		fixture.componentRef.setInput("token", "link-token-123");
		fixture.detectChanges();
		const request = TestBed.inject(HttpTestingController).expectOne(
			(r) => r.url === "/api/auth/verify" && r.params.get("token") === "link-token-123",
		);
		expect(request.request.params.get("session")).toBe("cookie");
		request.flush({
			subscriber: { id: "s1", email: "ana@exemplo.com", name: "Ana", locale: "pt-BR", interests: {} },
		});
		await new Promise((resolve) => setTimeout(resolve));
		await fixture.whenStable();

		expect(TestBed.inject(Session).signedIn()).toBe(true);
		const stored = Object.keys(localStorage).map((key) => `${key}=${localStorage.getItem(key)}`);
		expect(stored.join(" ")).not.toContain("token");
		expect(localStorage.getItem("insights.session")).toBeNull();
		expect(navigate).toHaveBeenCalledWith(["/interesses"], { replaceUrl: true });
	});
});
