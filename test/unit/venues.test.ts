/**
 * One product across brokers, the pure parts (docs/venues.md): the identity rule, a product
 * from its listings, its venues' summary, the best venue per client, changes told where
 * they happened and undone exactly, and which product each listing joins.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { diffProducts, previousVersion } from "../../domain/changes.ts";
import type { Product } from "../../domain/product.ts";
import {
	atVenue,
	consolidate,
	firstVenueFitting,
	instrumentKey,
	matchAtVenues,
	rankedVenues,
	withVenues,
} from "../../domain/venues.ts";
import { parsers } from "../../services/collector/fields.ts";
import { changeTexts } from "../../services/mailer/change-text.ts";
import { touches } from "../../services/matcher/changes.ts";
import { type MatchResult, matchOne, type Subscription } from "../../services/matcher/reference.ts";
import { assignProducts } from "../../services/products/identity.ts";

const at = Date.parse("2026-12-01T10:00:00Z");
const listing = (source: string, nativeId: string, extra: Record<string, unknown> = {}): Product =>
	({
		id: `${source}:fund:${nativeId}`,
		source,
		category: "fund",
		nativeId,
		name: `Fundo ${nativeId} (${source})`,
		collectedAt: "2026-12-01T10:00:00Z",
		...extra,
	}) as Product;
/** The same fund, CNPJ 38.309.834/0001-56, as BTG (no fees in its v2 list) and XP list it. */
const btg = listing("btg-funds", "38309834000156", {
	cnpj: "38309834000156",
	minimumInvestment: 500,
	riskLevel: 2,
	fundType: "Renda Fixa",
	url: "https://investimentos.btgpactual.com/fundos-de-investimento/aurora",
	sourceLabel: "BTG Pactual",
});
const xp = listing("xp-funds", "6f1c2a7e-0000-4000-8000-000000000001", {
	cnpj: "38309834000156",
	minimumInvestment: 1_000,
	adminFee: 0.008,
	performanceFee: 0.2,
	riskLevel: 3,
	benchmark: "CDI",
	url: "https://www.xpi.com.br/investimentos/fundos-de-investimento/aurora",
	sourceLabel: "XP Investimentos",
});
const client = (subscriberId: string, fund: Record<string, unknown>): Subscription => ({
	subscriberId,
	riskProfile: "aggressive",
	profileExpiresAt: "2027-12-01T00:00:00Z",
	interests: { fund } as Subscription["interests"],
});

describe("the identity rule", () => {
	it("names an instrument by what the market names it by, and nothing else", () => {
		assert.equal(instrumentKey(btg), "fund:cnpj:38309834000156");
		// The class's CNPJ, when the CVM registry told it, over the fund's the broker listed.
		assert.equal(
			instrumentKey({ ...btg, classCnpj: "11222333000181" } as Product),
			"fund:cnpj:11222333000181",
		);
		assert.equal(
			instrumentKey({ ...btg, id: "b:stock:PETR4", category: "stock", ticker: "PETR4" } as Product),
			"stock:ticker:PETR4",
		);
		const title = {
			...btg,
			category: "fixed_income",
			instrument: "Tesouro  IPCA+ ",
			maturityDate: "2035-05-15",
		} as unknown as Product;
		assert.equal(instrumentKey(title), "fixed_income:tesouro:tesouro ipca+:2035-05-15");
		assert.equal(
			instrumentKey({ ...title, isin: "BRPETRACNPR6" } as Product),
			"fixed_income:isin:BRPETRACNPR6",
		);
		assert.equal(
			instrumentKey({
				...btg,
				category: "pension",
				cnpj: "52347698000202",
				susepProcess: "15414.900123/2019-11",
			} as unknown as Product),
			"pension:susep:15414900123201911:cnpj:52347698000202",
		);
		// Nothing that identifies it: a product of its own.
		assert.equal(instrumentKey({ ...btg, cnpj: undefined } as Product), undefined);
		assert.equal(instrumentKey({ ...title, instrument: "CDB" } as Product), undefined);
		assert.equal(instrumentKey({ ...title, maturityDate: undefined } as Product), undefined);
	});
});

describe("an ISIN as a list gives it", () => {
	it("is read upper case and only with a right check digit (ISO 6166)", () => {
		assert.equal(parsers.isin(" brpetracnpr6 "), "BRPETRACNPR6");
		assert.equal(parsers.isin("US0378331005"), "US0378331005");
		assert.equal(parsers.isin("US0378331006"), undefined, "wrong check digit");
		assert.equal(parsers.isin("BRPETRACNPR"), undefined, "too short");
		assert.equal(parsers.isin(12345), undefined);
	});
});

describe("a product from its listings", () => {
	const product = consolidate(btg.id, [xp, btg]);

	it("keeps the first listing's id and description, fills blanks from the others, one venue each", () => {
		assert.equal(product.id, btg.id);
		assert.equal(product.name, btg.name);
		assert.equal(product.riskLevel, 2);
		assert.equal((product as { benchmark?: string }).benchmark, "CDI");
		assert.equal(product.instrumentKey, "fund:cnpj:38309834000156");
		assert.deepEqual(Object.keys(product.venues ?? {}).sort(), ["btg-funds", "xp-funds"]);
		assert.deepEqual(product.venues?.["xp-funds"], {
			source: "xp-funds",
			label: "XP Investimentos",
			listingId: xp.id,
			name: xp.name,
			url: xp.url,
			minimumInvestment: 1_000,
			adminFee: 0.008,
			performanceFee: 0.2,
			collectedAt: xp.collectedAt,
		});
	});

	it("sums its venues up: lowest minimum and fees among the open ones, its own link, open if any is", () => {
		assert.equal(product.minimumInvestment, 500);
		assert.equal((product as { adminFee?: number }).adminFee, 0.008);
		assert.equal(product.url, btg.url);
		assert.equal(product.openToInvestment, true);
		const closedAtBtg = consolidate(btg.id, [xp, { ...btg, openToInvestment: false } as Product]);
		assert.equal(
			closedAtBtg.minimumInvestment,
			1_000,
			"a closed venue's minimum is not one anyone can invest at",
		);
		const closedBoth = consolidate(btg.id, [
			{ ...xp, openToInvestment: false, withdrawnAt: "2026-12-02T00:00:00Z" } as Product,
			{ ...btg, openToInvestment: false } as Product,
		]);
		assert.equal(closedBoth.openToInvestment, false);
		const qualifiedAtXp = consolidate(btg.id, [{ ...xp, audience: "qualified" } as Product, btg]);
		assert.equal(qualifiedAtXp.audience, "general", "the widest audience among open venues");
	});

	it("is read at one venue with that venue's conditions only", () => {
		const atBtg = atVenue(product, "btg-funds") as Product & { adminFee?: number };
		assert.equal(atBtg.minimumInvestment, 500);
		assert.equal(atBtg.adminFee, undefined, "BTG says nothing of fees: not XP's fee");
		assert.equal(atBtg.url, btg.url);
		const atXp = atVenue(product, "xp-funds") as Product & { adminFee?: number };
		assert.equal(atXp.minimumInvestment, 1_000);
		assert.equal(atXp.adminFee, 0.008);
	});

	it("ranks venues open first, then by fee, minimum, performance fee and name", () => {
		assert.deepEqual(
			rankedVenues(product).map((venue) => venue.source),
			["xp-funds", "btg-funds"],
			"a known fee before an unknown one",
		);
		const cheaperAtBtg = consolidate(btg.id, [xp, { ...btg, adminFee: 0.005 } as Product]);
		assert.deepEqual(
			rankedVenues(cheaperAtBtg).map((venue) => venue.source),
			["btg-funds", "xp-funds"],
		);
		const closedAtXp = consolidate(btg.id, [{ ...xp, openToInvestment: false } as Product, btg]);
		assert.deepEqual(
			rankedVenues(closedAtXp).map((venue) => venue.source),
			["btg-funds", "xp-funds"],
		);
	});
});

describe("matching at the best venue for each client", () => {
	const product = consolidate(btg.id, [xp, btg]);
	const clients = [
		client("small", { minimumInvestment: { max: 600 } }),
		client("fees", { adminFee: { max: 0.01 } }),
		client("any", {}),
		client("neither", { minimumInvestment: { max: 100 } }),
	];
	const match = (version: Product): MatchResult[] =>
		clients.flatMap((sub) => {
			const reasons = matchOne(sub, version, at);
			return reasons ? [{ subscriberId: sub.subscriberId, reasons }] : [];
		});

	it("tells each client once, at the best venue whose conditions fit them, with its reasons", () => {
		const results = matchAtVenues(product, match);
		const by = Object.fromEntries(results.map((r) => [r.subscriberId, r]));
		assert.deepEqual(Object.keys(by).sort(), ["any", "fees", "small"]);
		assert.equal(by.small?.venue, "btg-funds");
		assert.deepEqual(by.small?.reasons, [
			{ field: "minimumInvestment", operator: "≤", value: 500, bound: 600 },
		]);
		assert.equal(by.fees?.venue, "xp-funds");
		assert.equal(by.any?.venue, "xp-funds", "the best ranked venue when every one fits");
		assert.deepEqual(
			firstVenueFitting(product, (version) => matchOne(clients[0] as Subscription, version, at))?.venue,
			"btg-funds",
		);
	});

	it("matches a product at one venue as it is", () => {
		const single = consolidate(btg.id, [btg]);
		const results = matchAtVenues(single, match);
		assert.deepEqual(
			results.map((r) => [r.subscriberId, r.venue]),
			[
				["small", "btg-funds"],
				["any", "btg-funds"],
			],
		);
	});
});

describe("changes of a product with venues", () => {
	const before = consolidate(btg.id, [xp, btg]);
	const after = consolidate(btg.id, [
		{ ...xp, adminFee: 0.0075, collectedAt: "2026-12-02T10:00:00Z" } as Product,
		btg,
	]);

	it("are told where they happened, once, and undone exactly", () => {
		const changes = diffProducts(before, after);
		assert.deepEqual(changes, [{ field: "venues.xp-funds.adminFee", before: 0.008, after: 0.0075 }]);
		// As before, but for when it was read (bookkeeping, never a change).
		const rebuilt = previousVersion(after, changes);
		assert.deepEqual(diffProducts(before, rebuilt), []);
		assert.equal((rebuilt as { adminFee?: number }).adminFee, 0.008, "the summary is rebuilt too");
		assert.deepEqual(changeTexts("pt-BR", "fund", changes, undefined, after.venues), [
			"Taxa de administração (XP Investimentos) 0,80% → 0,75%",
		]);
		assert.ok(touches(changes, new Set(["adminFee"])));
		assert.ok(!touches(changes, new Set(["minimumInvestment"])));
	});

	it("at one venue, read as the product's own fields, as before venues existed", () => {
		const one = consolidate(btg.id, [btg]);
		const moved = consolidate(btg.id, [{ ...btg, minimumInvestment: 250 } as Product]);
		const changes = diffProducts(one, moved);
		assert.deepEqual(changes, [{ field: "minimumInvestment", before: 500, after: 250 }]);
		assert.deepEqual(previousVersion(moved, changes), one);
		// A product stored before venues existed diffs the same.
		assert.deepEqual(diffProducts(withVenues(btg), moved), changes);
	});

	it("a venue that joins is news about every venue field", () => {
		const alone = consolidate(btg.id, [btg]);
		const changes = diffProducts(alone, before);
		assert.deepEqual(
			changes.map((change) => change.field),
			["benchmark", "venues.xp-funds"],
		);
		assert.deepEqual(previousVersion(before, changes), alone);
		assert.deepEqual(changeTexts("en", "fund", changes, undefined, before.venues), [
			"Now also at XP Investimentos",
		]);
		assert.ok(touches(changes, new Set(["minimumInvestment"])));
	});

	it("rebuilds the version before for any venue conditions (property)", () => {
		const fee = fc.option(fc.double({ min: 0, max: 0.05, noNaN: true }), { nil: undefined });
		const conditions = fc.record({
			adminFee: fee,
			minimumInvestment: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
			openToInvestment: fc.option(fc.boolean(), { nil: undefined }),
		});
		const clean = (extra: object) => JSON.parse(JSON.stringify(extra)) as Record<string, unknown>;
		fc.assert(
			fc.property(conditions, conditions, conditions, conditions, fc.boolean(), (b1, x1, b2, x2, both) => {
				const a = consolidate(
					btg.id,
					both
						? [{ ...btg, ...clean(b1) } as Product, { ...xp, ...clean(x1) } as Product]
						: [{ ...btg, ...clean(b1) } as Product],
				);
				const b = consolidate(btg.id, [
					{ ...btg, ...clean(b2) } as Product,
					{ ...xp, ...clean(x2) } as Product,
				]);
				const rebuilt = JSON.parse(JSON.stringify(previousVersion(b, diffProducts(a, b))));
				assert.deepEqual(diffProducts(a, rebuilt), []);
				assert.deepEqual(diffProducts(rebuilt, a), []);
			}),
		);
	});
});

describe("which product a listing joins", () => {
	const existing = consolidate(btg.id, [btg]);

	it("joins the product with its instrument key, once per source", () => {
		const again = listing("btg-funds", "aurora-slug", { cnpj: "38309834000156" });
		const assigned = assignProducts([xp, again], { productOf: {}, own: new Set(), keyed: [existing] });
		assert.equal(assigned.get(xp.id), btg.id);
		assert.equal(assigned.get(again.id), again.id, "a second BTG listing of it stays a product of its own");
	});

	it("stays with the product it joined, and listings new together become one product", () => {
		assert.equal(
			assignProducts([xp], { productOf: { [xp.id]: "elsewhere" }, own: new Set(), keyed: [existing] }).get(
				xp.id,
			),
			"elsewhere",
		);
		const together = assignProducts([xp, btg], { productOf: {}, own: new Set(), keyed: [] });
		assert.equal(together.get(btg.id), btg.id);
		assert.equal(together.get(xp.id), btg.id, "the first by id brings it");
		const own = assignProducts([btg], { productOf: {}, own: new Set([btg.id]), keyed: [] });
		assert.equal(own.get(btg.id), btg.id);
		const unknown = listing("house", "x");
		assert.equal(
			assignProducts([unknown], { productOf: {}, own: new Set(), keyed: [] }).get(unknown.id),
			unknown.id,
		);
	});
});
