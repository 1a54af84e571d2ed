import { HttpTestingController, type TestRequest } from "@angular/common/http/testing";
import type { ComponentFixture } from "@angular/core/testing";
import { TestBed } from "@angular/core/testing";
import { answerCollectionStatus, failingCollection, testProviders } from "../../../testing/setup";
import { Language } from "../../core/i18n";
import { LiveFeed } from "../../core/live";
import type { Category, Notification, NotificationPage, Product } from "../../core/models";
import { Feed } from "./feed";

const inbox = "/api/me/notifications";

/** Tip n: a higher n is newer (its cursor sorts after). */
function tip(n: number, changes: Partial<Notification> = {}, category: Category = "fund"): Notification {
	const productId = `xp:${category}:${n}`;
	const id = `sub-1|pub-${n}|${productId}`;
	return {
		id,
		subscriberId: "sub-1",
		productId,
		publicationId: `pub-${n}`,
		category,
		reasons: [{ field: "adminFee", operator: "≤", value: 0.005, bound: 0.01 }],
		createdAt: "2026-11-26T12:00:00.000Z",
		cursor: `${17_800_000_000_000_000 + n}~${id}`,
		// A fund's fields whatever the category: these tests read the card, not its facts.
		product: {
			id: productId,
			source: "xp",
			nativeId: String(n),
			category,
			name: `Produto ${n}`,
			adminFee: 0.005,
			url: `https://example.com/p/${n}`,
			collectedAt: "2026-11-26T11:00:00.000Z",
		} as Product,
		...changes,
	};
}

function page(rows: Notification[], changes: Partial<NotificationPage> = {}): NotificationPage {
	return {
		rows,
		unread: rows.filter((row) => !row.readAt).length,
		hasMore: false,
		next: rows.at(-1)?.cursor,
		...changes,
	};
}

describe("Feed (Dicas)", () => {
	let http: HttpTestingController;
	let live: LiveFeed;

	beforeEach(() => {
		localStorage.clear();
		TestBed.configureTestingModule({ imports: [Feed], providers: testProviders() });
		http = TestBed.inject(HttpTestingController);
		live = TestBed.inject(LiveFeed);
	});

	afterEach(() => {
		answerCollectionStatus(http);
		http.verify();
		localStorage.clear();
	});

	const inboxRequest = () => http.expectOne((req) => req.method === "GET" && req.url === inbox);

	async function settle(fixture: ComponentFixture<Feed>) {
		await new Promise((resolve) => setTimeout(resolve));
		await fixture.whenStable();
	}

	async function open(first: NotificationPage) {
		const fixture = TestBed.createComponent(Feed);
		const request = inboxRequest();
		expect(request.request.params.get("limit")).toBe("20");
		expect(request.request.params.has("before")).toBe(false);
		expect(request.request.params.has("category")).toBe(false);
		request.flush(first);
		await settle(fixture);
		return fixture;
	}

	const el = (fixture: ComponentFixture<Feed>) => fixture.nativeElement as HTMLElement;
	const cards = (fixture: ComponentFixture<Feed>) => [
		...el(fixture).querySelectorAll<HTMLElement>('[data-testid="tip-card"]'),
	];
	const productIds = (fixture: ComponentFixture<Feed>) =>
		cards(fixture).map((card) => card.getAttribute("data-product-id"));
	const text = (node: Element | null | undefined) => (node?.textContent ?? "").replace(/\s+/g, " ").trim();
	const unreadCount = (fixture: ComponentFixture<Feed>) =>
		text(el(fixture).querySelector('[data-testid="unread-count"]'));

	it("says which sources failed in the latest collection, and why", async () => {
		const fixture = await open(page([]));
		answerCollectionStatus(http, failingCollection);
		await settle(fixture);
		const notice = (fixture.nativeElement as HTMLElement).querySelector('[data-testid="collection-notice"]');
		expect(notice?.textContent).toContain("btg-funds: sem conexão com a fonte");
	});

	it("says on the card when a product is only for qualified or professional investors, or closed", async () => {
		const qualified = tip(3, {}, "fund");
		const professional = tip(2, {}, "pension");
		const closed = tip(1, {}, "fund");
		Object.assign(qualified.product as object, { audience: "qualified" });
		Object.assign(professional.product as object, { audience: "professional", openToInvestment: true });
		Object.assign(closed.product as object, { audience: "general", openToInvestment: false });
		const fixture = await open(page([qualified, professional, closed]));
		const [first, second, third] = cards(fixture);
		expect(text(first?.querySelector('[data-testid="audience"]'))).toBe("Para investidores qualificados");
		expect(text(second?.querySelector('[data-testid="audience"]'))).toBe("Para investidores profissionais");
		expect(second?.querySelector('[data-testid="closed"]')).toBeNull();
		expect(third?.querySelector('[data-testid="audience"]')).toBeNull();
		expect(text(third?.querySelector('[data-testid="closed"]'))).toBe("Fechado para novas aplicações");
	});

	it("says on the card what changed, and when a product no longer fits or is no longer available", async () => {
		const changed = tip(3, { changes: [{ field: "adminFee", before: 0.005, after: 0.004 }] });
		const gone = tip(2, { notice: "no-longer-fits", reasons: [] });
		const closed = tip(1, { notice: "no-longer-available", reasons: [] });
		const fixture = await open(page([changed, gone, closed]));
		const [first, second, third] = cards(fixture);
		expect(text(first?.querySelector('[data-testid="change"]')).replace(/[\u00a0\u202f]/g, " ")).toBe(
			"Taxa de administração 0,50% → 0,40%",
		);
		expect(first?.querySelector('[data-testid="notice"]')).toBeNull();
		expect(text(second?.querySelector('[data-testid="notice"]'))).toBe(
			"Não combina mais com o seu perfil e interesses",
		);
		expect(text(third?.querySelector('[data-testid="notice"]'))).toBe(
			"Não está mais disponível para novas aplicações",
		);
		TestBed.inject(Language).use("en");
		await settle(fixture);
		expect(
			text(cards(fixture)[0]?.querySelector('[data-testid="change"]')).replace(/[\u00a0\u202f]/g, " "),
		).toBe("Management fee 0.50% → 0.40%");
		expect(text(cards(fixture)[1]?.querySelector('[data-testid="notice"]'))).toBe(
			"No longer fits your profile and interests",
		);
	});

	it("lists a product's venues side by side, the one that met the client first, and says where a change happened", async () => {
		const venue = (source: string, label: string, extra: object) => ({
			source,
			label,
			listingId: `${source}:fund:1`,
			name: "Aurora",
			...extra,
		});
		const shared = tip(2, {
			venue: "xp-funds",
			changes: [{ field: "venues.xp-funds.adminFee", before: 0.008, after: 0.0075 }],
		});
		Object.assign(shared.product as object, {
			venues: {
				"btg-funds": venue("btg-funds", "BTG Pactual", {
					minimumInvestment: 500,
					url: "https://investimentos.btgpactual.com/fundos-de-investimento/aurora",
				}),
				"xp-funds": venue("xp-funds", "<b>XP</b>", {
					minimumInvestment: 1000,
					adminFee: 0.0075,
					url: "javascript:alert(1)",
				}),
			},
		});
		const alone = tip(1);
		Object.assign(alone.product as object, { venues: { xp: venue("xp", "XP", {}) } });
		const fixture = await open(page([shared, alone]));
		const [first, second] = cards(fixture);
		const rows = [...(first?.querySelectorAll('[data-testid="venue"]') ?? [])];
		const cells = (row: Element) =>
			[...row.children].map((cell) => text(cell).replace(/[\u00a0\u202f]/g, " "));
		expect(rows.map(cells)).toEqual([
			["<b>XP</b> Combina com você", "R$ 1.000,00", "0,75%"],
			["BTG Pactual", "R$ 500,00", "—"],
		]);
		expect(rows[0]?.querySelector("b")).toBeNull();
		expect(rows[0]?.querySelector("a")).toBeNull();
		expect(rows[1]?.querySelector("a")?.getAttribute("href")).toBe(
			"https://investimentos.btgpactual.com/fundos-de-investimento/aurora",
		);
		expect(text(first?.querySelector(".tip-origin"))).toContain("Fonte: <b>XP</b>");
		expect(text(first?.querySelector('[data-testid="change"]')).replace(/[\u00a0\u202f]/g, " ")).toBe(
			"Taxa de administração (<b>XP</b>) 0,80% → 0,75%",
		);
		expect(second?.querySelector('[data-testid="venues"]')).toBeNull();
	});

	it("renders the first page newest first and resumes the live feed after its newest", async () => {
		const resumeAfter = vi.spyOn(live, "resumeAfter");
		const fixture = await open(page([tip(2), tip(1, { readAt: "2026-11-26T13:00:00.000Z" })]));

		expect(productIds(fixture)).toEqual(["xp:fund:2", "xp:fund:1"]);
		const [unread, read] = cards(fixture);
		expect(text(unread.querySelector("h2"))).toBe("Produto 2");
		expect(text(unread)).toContain("Fundos");
		expect(text(unread)).toContain("Fonte: xp");
		expect(unread.classList).toContain("unread");
		expect(unread.querySelector('[data-testid="mark-read"]')).not.toBeNull();
		expect(read.classList).not.toContain("unread");
		expect(read.querySelector('[data-testid="mark-read"]')).toBeNull();
		expect(unreadCount(fixture)).toBe("1 dica não lida");
		expect(resumeAfter).toHaveBeenCalledWith(tip(2).cursor);
		expect(live.unread()?.unread).toBe(1);
	});

	it("puts a live tip on top without another request, highlighted and announced", async () => {
		const fixture = await open(page([tip(2), tip(1)]));

		live.notifications.next(tip(3));
		await settle(fixture);

		http.expectNone((req) => req.url === inbox);
		expect(productIds(fixture)).toEqual(["xp:fund:3", "xp:fund:2", "xp:fund:1"]);
		const [fresh, older] = cards(fixture);
		expect(fresh.classList).toContain("fresh");
		expect(text(fresh)).toContain("Nova");
		expect(older.classList).not.toContain("fresh");
		expect(unreadCount(fixture)).toBe("3 dicas não lidas");

		// Announced once for the list, after a short pause that gathers bursts.
		await new Promise((resolve) => setTimeout(resolve, 700));
		await fixture.whenStable();
		expect(text(el(fixture).querySelector('[data-testid="announcer"]'))).toBe("Nova dica: Produto 3");
	});

	it("shows and counts a notification once, whether it is replayed live or was in the page", async () => {
		const fixture = await open(page([tip(2), tip(1)]));

		live.notifications.next(tip(3));
		live.notifications.next(tip(3));
		live.notifications.next(tip(2));
		await settle(fixture);

		expect(productIds(fixture)).toEqual(["xp:fund:3", "xp:fund:2", "xp:fund:1"]);
		expect(unreadCount(fixture)).toBe("3 dicas não lidas");
	});

	it("keeps a tip that arrives while the first page loads", async () => {
		const fixture = TestBed.createComponent(Feed);
		const request = inboxRequest();
		live.notifications.next(tip(3));
		request.flush(page([tip(2), tip(1)]));
		await settle(fixture);

		expect(productIds(fixture)).toEqual(["xp:fund:3", "xp:fund:2", "xp:fund:1"]);
	});

	it("marks one tip read with its id, then updates the card and the counts", async () => {
		const fixture = await open(page([tip(2), tip(1)]));
		const target = cards(fixture)[1];

		target.querySelector<HTMLButtonElement>('[data-testid="mark-read"]')?.click();
		const request = http.expectOne({ method: "POST", url: `${inbox}/read` });
		expect(request.request.body).toEqual({ ids: [tip(1).id] });
		request.flush({ updated: 1 });
		await settle(fixture);

		const [other, marked] = cards(fixture);
		expect(marked.classList).not.toContain("unread");
		expect(marked.querySelector('[data-testid="mark-read"]')).toBeNull();
		expect(text(marked)).toContain("Lida");
		expect(other.classList).toContain("unread");
		expect(unreadCount(fixture)).toBe("1 dica não lida");
		expect(live.unread()).toEqual({ unread: 1, display: "1", hasMore: false });
		// The button is gone: focus stays on its card.
		expect(document.activeElement).toBe(marked);
	});

	it("marks everything read with { all: true }", async () => {
		const fixture = await open(page([tip(2), tip(1)], { unread: 7 }));

		el(fixture).querySelector<HTMLButtonElement>('[data-testid="mark-all"]')?.click();
		const request = http.expectOne({ method: "POST", url: `${inbox}/read` });
		expect(request.request.body).toEqual({ all: true });
		request.flush({ updated: 7 });
		await settle(fixture);

		expect(cards(fixture).filter((card) => card.classList.contains("unread"))).toHaveLength(0);
		expect(unreadCount(fixture)).toBe("Nenhuma dica não lida");
		expect(el(fixture).querySelector<HTMLButtonElement>('[data-testid="mark-all"]')?.disabled).toBe(true);
	});

	it("refetches by category, and counts but does not show live tips of other categories", async () => {
		const fixture = await open(page([tip(2), tip(1)]));

		const select = el(fixture).querySelector<HTMLSelectElement>('[data-testid="category-filter"]');
		if (!select) throw new Error("no category filter");
		select.value = "stock";
		select.dispatchEvent(new Event("change"));
		const request = inboxRequest();
		expect(request.request.params.get("category")).toBe("stock");
		expect(request.request.params.get("limit")).toBe("20");
		request.flush(page([tip(5, {}, "stock")], { unread: 3 }));
		await settle(fixture);

		expect(productIds(fixture)).toEqual(["xp:stock:5"]);
		expect(text(cards(fixture)[0])).toContain("Ações");

		live.notifications.next(tip(6, {}, "fund"));
		live.notifications.next(tip(7, {}, "stock"));
		await settle(fixture);
		expect(productIds(fixture)).toEqual(["xp:stock:7", "xp:stock:5"]);
		expect(unreadCount(fixture)).toBe("5 dicas não lidas");
	});

	it("drops an answer for a category the client has already left", async () => {
		const fixture = await open(page([tip(2)]));
		const select = el(fixture).querySelector<HTMLSelectElement>(
			'[data-testid="category-filter"]',
		) as HTMLSelectElement;

		select.value = "stock";
		select.dispatchEvent(new Event("change"));
		const stale: TestRequest = inboxRequest();
		select.value = "reit";
		select.dispatchEvent(new Event("change"));
		const current = inboxRequest();
		current.flush(page([tip(9, {}, "reit")]));
		stale.flush(page([tip(5, {}, "stock")]));
		await settle(fixture);

		expect(productIds(fixture)).toEqual(["xp:reit:9"]);
	});

	it("loads older tips with `before` = the last cursor, once, and appends them", async () => {
		const fixture = await open(page([tip(20), tip(19)], { hasMore: true }));

		const button = el(fixture).querySelector<HTMLButtonElement>('[data-testid="load-more"]');
		button?.click();
		button?.click();
		await fixture.whenStable();
		const request = inboxRequest();
		expect(request.request.params.get("before")).toBe(tip(19).cursor);
		expect(request.request.params.get("limit")).toBe("20");
		request.flush(page([tip(18), tip(17)], { hasMore: false }));
		await settle(fixture);

		expect(productIds(fixture)).toEqual(["xp:fund:20", "xp:fund:19", "xp:fund:18", "xp:fund:17"]);
		expect(document.activeElement).toBe(cards(fixture)[2]);
		expect(el(fixture).querySelector('[data-testid="load-more"]')).toBeNull();
		expect(text(el(fixture))).toContain("Fim do histórico.");
	});

	it("writes the reasons as readable text with percentages in pt-BR and en", async () => {
		const fixture = await open(page([tip(1)]));
		const reason = () => text(cards(fixture)[0].querySelector('[data-testid="reason"]'));

		expect(reason()).toBe("Taxa de administração 0,5% ≤ 1%");
		const fee = cards(fixture)[0].querySelector(".fact");
		expect([text(fee?.querySelector("dt")), text(fee?.querySelector("dd"))]).toEqual([
			"Taxa de administração",
			"0,5%",
		]);

		TestBed.inject(Language).use("en");
		await settle(fixture);
		expect(reason()).toBe("Management fee 0.5% ≤ 1%");
		expect(text(cards(fixture)[0])).toContain("Why it fits you");
	});

	it("shows crawled text as text and links only to http(s) product pages", async () => {
		const hostile = tip(2);
		hostile.product = {
			...(hostile.product as NonNullable<Notification["product"]>),
			name: '<img src=x onerror="alert(1)">Fundo',
			url: "javascript:alert(1)",
		};
		const fixture = await open(page([hostile, tip(1)]));
		const [bad, good] = cards(fixture);

		expect(bad.querySelector("h2")?.textContent).toBe('<img src=x onerror="alert(1)">Fundo');
		expect(bad.querySelector("img")).toBeNull();
		expect(bad.querySelector('[data-testid="product-link"]')).toBeNull();
		const link = good.querySelector<HTMLAnchorElement>('[data-testid="product-link"]');
		expect(link?.getAttribute("href")).toBe("https://example.com/p/1");
		expect(link?.target).toBe("_blank");
		expect(link?.rel).toBe("noopener noreferrer");
	});

	it("sends a client without tips to their interests, and offers a retry on errors", async () => {
		const empty = await open(page([]));
		expect(text(el(empty))).toContain("Nenhuma dica ainda: ajuste seus interesses");
		expect(el(empty).querySelector('[data-testid="adjust-interests"]')?.getAttribute("href")).toBe(
			"/interesses",
		);
		empty.destroy();

		const fixture = TestBed.createComponent(Feed);
		inboxRequest().flush(
			{ error: { type: "INTERNAL", message: "Banco fora do ar" } },
			{ status: 503, statusText: "x" },
		);
		await settle(fixture);
		expect(text(el(fixture).querySelector('[role="alert"]'))).toContain("Banco fora do ar");

		el(fixture).querySelector<HTMLButtonElement>('[role="alert"] button')?.click();
		inboxRequest().flush(page([tip(1)]));
		await settle(fixture);
		expect(productIds(fixture)).toEqual(["xp:fund:1"]);
	});

	it("says in words whether the feed is live", async () => {
		const fixture = await open(page([tip(1)]));
		const connection = () => text(el(fixture).querySelector('[data-testid="connection"]'));

		live.state.set("online");
		await settle(fixture);
		expect(connection()).toBe("Ao vivo: novas dicas aparecem aqui");
		live.state.set("connecting");
		await settle(fixture);
		expect(connection()).toBe("Reconectando…");
	});
});
