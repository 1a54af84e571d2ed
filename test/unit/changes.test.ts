/**
 * Change-aware tips, the pure parts: a product diffed into its changes and rebuilt from
 * them, the decision per client, the one notice, the wording in pt-BR and en, and the
 * immediate e-mail's daily cap. No test reads today's date.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { diffProducts, type FieldChange, previousVersion } from "../../domain/changes.ts";
import type { MatchReason } from "../../domain/notification.ts";
import type { Product } from "../../domain/product.ts";
import { detectChange } from "../../services/collector/diff.ts";
import { defaultChangeDetection } from "../../services/collector/sources.ts";
import { withdrawn } from "../../services/collector/withdrawn.ts";
import { changeTexts } from "../../services/mailer/change-text.ts";
import { type DigestItem, digestData } from "../../services/mailer/digest-content.ts";
import { planImmediate } from "../../services/mailer/immediate-cap.ts";
import { loadTemplates, renderMail } from "../../services/mailer/templates.ts";
import { changeAware, decide } from "../../services/matcher/changes.ts";
import { matchOne, type Subscription } from "../../services/matcher/reference.ts";
import { noticeDue } from "../../services/notifications/notices.ts";

const at = Date.parse("2026-12-01T10:00:00Z");
const fund = (extra: Record<string, unknown> = {}): Product =>
	({
		id: "house:fund:a",
		source: "house",
		category: "fund",
		nativeId: "a",
		name: "Fundo A",
		adminFee: 0.005,
		riskLevel: 2,
		fundType: "Renda Fixa",
		collectedAt: "2026-12-01T10:00:00Z",
		...extra,
	}) as Product;
const cdb = (rate: object): Product =>
	({
		id: "house:fixed_income:x",
		source: "house",
		category: "fixed_income",
		nativeId: "x",
		name: "CDB X",
		instrument: "CDB",
		rate,
		riskLevel: 1,
		collectedAt: "2026-12-01T10:00:00Z",
	}) as Product;
const client = (subscriberId: string, interests: Subscription["interests"]): Subscription => ({
	subscriberId,
	riskProfile: "aggressive",
	profileExpiresAt: "2027-12-01T00:00:00Z",
	interests,
});

describe("diff to changes", () => {
	it("lists every changed leaf in path order, ignoring when it was collected and metrics' bookkeeping", () => {
		const before = fund({ metrics: { dividendYield: 0.08, points: 250 } });
		const after = fund({
			adminFee: 0.004,
			collectedAt: "2026-12-02T10:00:00Z",
			metrics: { dividendYield: 0.08, points: 251 },
			openToInvestment: false,
		});
		assert.deepEqual(diffProducts(before, fund({ metrics: { dividendYield: 0.09, points: 250 } })), [
			{ field: "metrics.dividendYield", before: 0.08, after: 0.09 },
		]);
		assert.deepEqual(diffProducts(before, after), [
			{ field: "adminFee", before: 0.005, after: 0.004 },
			{ field: "openToInvestment", after: false },
		]);
		assert.deepEqual(diffProducts(before, { ...before, collectedAt: "2027-01-01T00:00:00Z" }), []);
	});

	it("rebuilds the version before from the version after and its changes (property)", () => {
		const value = fc.oneof(
			fc.constant(undefined),
			fc.double({ noNaN: true, noDefaultInfinity: true }),
			fc.string(),
		);
		const product = fc.record({
			adminFee: value,
			fundType: value,
			minimumInvestment: value,
			metrics: fc.option(fc.record({ dividendYield: value, volatility: value }), { nil: undefined }),
		});
		fc.assert(
			fc.property(product, product, (a, b) => {
				const clean = (p: object) => JSON.parse(JSON.stringify(fund(p as Record<string, unknown>)));
				const before = clean(a);
				const after = clean(b);
				const rebuilt = JSON.parse(JSON.stringify(previousVersion(after, diffProducts(before, after))));
				assert.deepEqual(diffProducts(before, rebuilt), []);
			}),
		);
	});
});

describe("the decision per client", () => {
	const fees = client("fees", { fund: { adminFee: { max: 0.01 } } });
	const anyFund = client("any", { fund: {} });
	const cheapest = client("cheapest", { fund: { adminFee: { max: 0.0045 } } });
	const everyone = [fees, anyFund, cheapest];
	const match = (product: Product) =>
		everyone.flatMap((sub) => {
			const reasons = matchOne(sub, product, at);
			return reasons ? [{ subscriberId: sub.subscriberId, reasons }] : [];
		});
	const changed = (before: Product, after: Product) => changeAware(after, diffProducts(before, after), match);

	it("tells everyone it fits about a product new to the catalogue", () => {
		assert.deepEqual(
			changeAware(fund(), undefined, match).map((r) => r.subscriberId),
			["fees", "any"],
		);
	});

	it("tells a fee change only to who constrains fees, and a newcomer to the fit", () => {
		const moved = changed(fund(), fund({ adminFee: 0.0049 }));
		assert.deepEqual(
			moved.map((r) => [r.subscriberId, r.changes, r.notice]),
			[["fees", [{ field: "adminFee", before: 0.005, after: 0.0049 }], undefined]],
		);
		const cheaper = changed(fund({ adminFee: 0.0049 }), fund({ adminFee: 0.004 }));
		assert.deepEqual(
			cheaper.map((r) => r.subscriberId),
			["fees", "cheapest"],
		);
	});

	it("keeps the index slot of each client told, so the audit reads their standing by it", () => {
		const slotted = (product: Product) =>
			match(product).map((r) => ({
				...r,
				slot: everyone.findIndex((s) => s.subscriberId === r.subscriberId),
			}));
		const told = changeAware(
			fund({ adminFee: 0.004 }),
			diffProducts(fund({ adminFee: 0.0049 }), fund({ adminFee: 0.004 })),
			slotted,
		);
		assert.deepEqual(
			told.map((r) => [r.subscriberId, r.slot]),
			[
				["fees", 0],
				["cheapest", 2],
			],
		);
	});

	it("tells nobody when a field nobody constrains changed, or nothing did", () => {
		assert.deepEqual(changed(fund(), fund({ name: "Fundo A Renomeado" })), []);
		assert.deepEqual(changed(fund(), fund()), []);
	});

	it("proposes a notice to who it stopped fitting: closed, or no longer within their bounds", () => {
		const closed = changed(fund(), fund({ openToInvestment: false }));
		assert.deepEqual(
			closed.map((r) => [r.subscriberId, r.notice]),
			[
				["fees", "no-longer-available"],
				["any", "no-longer-available"],
			],
		);
		const dearer = changed(fund(), fund({ adminFee: 0.02 }));
		assert.deepEqual(
			dearer.map((r) => [r.subscriberId, r.notice]),
			[["fees", "no-longer-fits"]],
		);
	});

	it("reads a constrained field under its product path (metrics, rate)", () => {
		const reasons: MatchReason[] = [{ field: "spread", operator: "≥", value: 0.06, bound: 0.05 }];
		const changes: FieldChange[] = [{ field: "rate.spread", before: 0.065, after: 0.06 }];
		assert.ok(decide(cdb({ index: "IPCA", spread: 0.06 }), changes, reasons, reasons));
		assert.equal(
			decide(cdb({ index: "IPCA", spread: 0.06 }), [{ field: "name" }], reasons, reasons),
			undefined,
		);
		const whole: FieldChange[] = [{ field: "rate", after: { index: "IPCA", spread: 0.06 } }];
		assert.ok(
			decide(cdb({ index: "IPCA", spread: 0.06 }), whole, reasons, reasons),
			"a rate that appeared whole",
		);
	});
});

describe("the one notice", () => {
	const day = 86_400_000;
	const key = "s|p9|x";
	it("is due after a tip of the last 30 days, never after another notice or an older tip", () => {
		const tip = (daysAgo: number) => ({
			_id: "s|p1|x",
			createdAt: new Date(at - daysAgo * day).toISOString(),
		});
		assert.equal(noticeDue(tip(29), key, at), true);
		assert.equal(noticeDue(tip(30), key, at), true);
		assert.equal(noticeDue(tip(31), key, at), false);
		assert.equal(noticeDue(undefined, key, at), false);
		assert.equal(noticeDue({ ...tip(1), notice: "no-longer-fits" }, key, at), false);
		assert.equal(
			noticeDue({ _id: key, createdAt: tip(0).createdAt, notice: "no-longer-fits" }, key, at),
			true,
		);
	});
});

describe("the wording of a change", () => {
	it("formats like the rest of the e-mail, in pt-BR and en", () => {
		const fee: FieldChange[] = [{ field: "adminFee", before: 0.005, after: 0.004 }];
		assert.deepEqual(changeTexts("pt-BR", "fund", fee), ["Taxa de administração 0,50% → 0,40%"]);
		assert.deepEqual(changeTexts("en", "fund", fee), ["Management fee 0.50% → 0.40%"]);
		assert.deepEqual(
			changeTexts("pt-BR", "fund", [{ field: "minimumInvestment", before: 1000, after: 500 }]),
			["Aplicação mínima R$ 1.000,00 → R$ 500,00"],
		);
	});

	it("shows a rate whole, leaves out what a reader would not know", () => {
		const spread: FieldChange[] = [{ field: "rate.spread", before: 0.06, after: 0.0615 }];
		assert.deepEqual(changeTexts("pt-BR", "fixed_income", spread, { index: "IPCA", spread: 0.0615 }), [
			"Taxa IPCA + 6,00% → IPCA + 6,15%",
		]);
		assert.deepEqual(changeTexts("en", "fund", [{ field: "metrics.points", before: 250, after: 251 }]), []);
	});
});

describe("the immediate e-mail's daily cap", () => {
	const item = (id: string, publicationId: string, createdAt: string) => ({ id, publicationId, createdAt });
	const base = { subscriberId: "s", cap: 2, timeZone: "America/Sao_Paulo", digestHour: 8 };

	it("sends up to the cap a local day, one e-mail per publication; the rest waits", () => {
		const pending = ["p1", "p2", "p3"].map((p) => item(`s|${p}|x`, p, "2026-12-01T12:00:00Z"));
		const plan = planImmediate({ ...base, pending, sentRecently: [], now: new Date("2026-12-01T13:00:00Z") });
		assert.deepEqual(
			plan.immediate.map(([p]) => p),
			["p1", "p2"],
		);
		assert.equal(plan.waiting, 1);
		// Two sent earlier that local day (São Paulo is UTC-3): none now.
		const full = planImmediate({
			...base,
			pending,
			sentRecently: ["2026-12-01T03:30:00Z", "2026-12-01T11:00:00Z", "2026-12-01T02:00:00Z"],
			now: new Date("2026-12-01T13:00:00Z"),
		});
		assert.deepEqual(full.immediate, []);
		assert.equal(full.waiting, 3);
	});

	it("sends earlier days' leftovers as the daily digest from the digest hour", () => {
		const pending = [
			item("s|p1|x", "p1", "2026-12-01T20:00:00Z"),
			item("s|p4|x", "p4", "2026-12-02T10:30:00Z"),
		];
		const early = planImmediate({
			...base,
			pending,
			sentRecently: [],
			now: new Date("2026-12-02T10:45:00Z"),
		});
		assert.equal(early.digest, undefined, "07:45 in São Paulo: before the digest hour");
		assert.deepEqual(
			early.immediate.map(([p]) => p),
			["p4"],
		);
		const due = planImmediate({ ...base, pending, sentRecently: [], now: new Date("2026-12-02T11:00:00Z") });
		assert.deepEqual(due.digest, { key: "daily:s:2026-12-02", items: [pending[0]] });
	});
});

describe("a product its source stopped listing", () => {
	const product = (n: number, extra: Record<string, unknown> = {}) =>
		fund({ id: `xp:fund:${n}`, nativeId: String(n), ...extra });
	const known = [1, 2, 3, 4].map((n) => product(n));
	const at = "2026-12-02T10:00:00.000Z";

	it("is republished closed with when it was withdrawn; one already closed is not", () => {
		const check = withdrawn({
			known: [...known, product(5, { openToInvestment: false })],
			seen: new Set(["xp:fund:1", "xp:fund:2", "xp:fund:3"]),
			at,
		});
		assert.ok("products" in check);
		assert.deepEqual(
			check.products.map((p) => [p.id, p.openToInvestment, p.withdrawnAt, p.collectedAt]),
			[["xp:fund:4", false, at, at]],
		);
	});

	it("withdraws nothing from a read that saw less than half of what the catalogue holds", () => {
		const check = withdrawn({ known, seen: new Set(["xp:fund:1"]), at });
		assert.ok("partial" in check);
		assert.match(check.partial, /3 of 4 products not listed/);
	});

	it("counts closing, a narrower audience and being listed again as changes, whatever the sources file watches", () => {
		const rules = { ...defaultChangeDetection, fields: [] };
		assert.deepEqual(detectChange(fund(), fund({ openToInvestment: false }), rules), {
			kind: "changed",
			fields: ["openToInvestment"],
		});
		assert.deepEqual(detectChange(fund(), fund({ audience: "qualified" }), rules), {
			kind: "changed",
			fields: ["audience"],
		});
		assert.deepEqual(
			detectChange(
				fund({ openToInvestment: false, withdrawnAt: at }),
				fund({ openToInvestment: true }),
				rules,
			),
			{
				kind: "changed",
				fields: ["openToInvestment", "withdrawnAt"],
			},
		);
		assert.deepEqual(detectChange(fund(), fund({ openToInvestment: true, audience: "general" }), rules), {
			kind: "unchanged",
		});
	});
});

describe("the e-mail of a changed product and of a notice", () => {
	const templates = loadTemplates();
	const render = (locale: string, items: DigestItem[]) =>
		renderMail(
			templates,
			{
				template: "digest",
				locale,
				data: digestData({
					locale,
					name: "Ana",
					frequency: "immediate",
					appUrl: "https://app.example",
					items,
				}),
			},
			"https://app.example",
		);
	const tip: DigestItem = {
		product: fund({ adminFee: 0.0049 }),
		reasons: [{ field: "adminFee", operator: "≤", value: 0.0049, bound: 0.01 }],
		changes: [{ field: "adminFee", before: 0.005, after: 0.0049 }],
	};
	const notice: DigestItem = {
		product: fund({ openToInvestment: false }),
		reasons: [],
		changes: [{ field: "openToInvestment", after: false }],
		notice: "no-longer-available",
	};

	it("says what changed, in pt-BR and en, in HTML and text", () => {
		const pt = render("pt-BR", [tip]);
		assert.match(pt.text, /O que mudou:\n- Taxa de administração 0,50% → 0,49%/);
		assert.match(pt.html, /Taxa de administração 0,50% → 0,49%/);
		assert.equal(pt.subject, "1 novo produto para você");
		const en = render("en", [tip]);
		assert.match(en.text, /What changed:\n- Management fee 0.50% → 0.49%/);
	});

	it("words a notice as one, not as a new product", () => {
		const pt = render("pt-BR", [notice]);
		assert.equal(pt.subject, "atualização sobre produtos que você recebeu");
		assert.match(pt.text, /1 produto que enviamos a você não está mais disponível/);
		assert.match(pt.text, /Não está mais disponível para novas aplicações\./);
		assert.match(pt.text, /Aberto a novas aplicações Sim → Não/);
		assert.doesNotMatch(pt.text, /novo produto/);
		const en = render("en", [tip, notice]);
		assert.equal(en.subject, "1 new product for you");
		assert.match(en.text, /We found 1 new product/);
		assert.match(en.text, /1 product we sent you is no longer available or no longer fits you\./);
	});
});
