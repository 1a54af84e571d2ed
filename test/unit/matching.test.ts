import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
	type CategoryInterest,
	type Constraint,
	type InterestField,
	interestFields,
} from "../../domain/interests.ts";
import {
	type Audience,
	audiences,
	type Category,
	categories,
	type Product,
	valueAt,
} from "../../domain/product.ts";
import { suits } from "../../domain/risk.ts";
import { type RiskProfile, riskProfiles } from "../../domain/subscriber.ts";
import { type IndexOptions, InterestIndex } from "../../services/matcher/index.ts";
import {
	firstAbove,
	firstAtLeast,
	minSide,
	PostingList,
	sortedOrder,
} from "../../services/matcher/index-postings.ts";
import { opMin, RuleStore } from "../../services/matcher/index-rules.ts";
import { type MatchResult, matchOne, type Subscription } from "../../services/matcher/reference.ts";
import { subscriptionOf, subscriptionOfRecord } from "../../services/matcher/subscription.ts";

// ── hand-made products and subscriptions ──────────────────────────────────────────────

/** The instant matches are made at, unless a test says otherwise; and a day. */
const now = Date.parse("2026-12-01T10:00:00.000Z");
const day = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** A questionnaire that holds for a year from `now`. */
const assessed = iso(now + 365 * day);

const base = { source: "test", nativeId: "n", name: "N", collectedAt: "2026-11-26T10:00:00.000Z" };
const metrics = (values: Record<string, number>) => ({
	ticker: "HGLG11",
	baseDate: "2026-11-25",
	windowStart: "2025-11-25",
	dividendYield: 0.05,
	meanDailyReturn: 0,
	meanDailyVolume: 1,
	meanDailyTradedValue: 1_000_000,
	totalReturn12m: 0.1,
	priceReturn12m: 0.05,
	volatility: 0.2,
	maxDrawdown: 0.1,
	points: 250,
	partial: false,
	...values,
});
const reit = (fields: Record<string, unknown> = {}): Product =>
	({ ...base, id: "r", category: "reit", ticker: "HGLG11", ...fields }) as Product;
const product = (category: Category, fields: Record<string, unknown> = {}): Product =>
	({ ...base, id: `${category}:1`, category, ...fields }) as Product;
/** A subscription whose questionnaire holds for a year, general unless `standing` says otherwise. */
const sub = (
	interests: Subscription["interests"],
	riskProfile: RiskProfile = "aggressive",
	subscriberId = "s1",
	standing: { profileExpiresAt?: string | undefined; investorCategory?: Audience } = {},
): Subscription => {
	const s: Subscription = { subscriberId, riskProfile, profileExpiresAt: assessed, interests, ...standing };
	if (s.profileExpiresAt === undefined) delete s.profileExpiresAt;
	return s;
};

/** Matches through the reference and through an index holding only `subscription`. */
function both(subscription: Subscription, p: Product, at = now) {
	const index = new InterestIndex();
	index.upsert(subscription);
	const results = index.match(p, at);
	assert.ok(results.length <= 1);
	return { reference: matchOne(subscription, p, at), index: results[0]?.reasons };
}

/** Asserts the reference and the index agree, and returns the reasons (undefined: no match). */
function reasonsOf(subscription: Subscription, p: Product, at = now) {
	const { reference, index } = both(subscription, p, at);
	assert.deepEqual(index, reference);
	return reference;
}

describe("Matching semantics (reference and index alike)", () => {
	it("gives dividendYield 0.091 ≥ 0.08 and segment ∈ list as reasons", () => {
		const p = reit({ segment: "Logística", metrics: metrics({ dividendYield: 0.091 }) });
		const s = sub({ reit: { segment: { in: ["Logística", "Shoppings"] }, dividendYield: { min: 0.08 } } });
		assert.deepEqual(reasonsOf(s, p), [
			{ field: "dividendYield", operator: "≥", value: 0.091, bound: 0.08 },
			{ field: "segment", operator: "∈", value: "Logística", bound: ["Logística", "Shoppings"] },
		]);
	});

	it("does not match a category the subscriber left out; {} matches every product of it with no reasons", () => {
		const p = product("fund", { riskLevel: 2 });
		assert.equal(reasonsOf(sub({ stock: {} }), p), undefined);
		assert.deepEqual(reasonsOf(sub({ fund: {} }), p), []);
	});

	it("takes min and max as inclusive bounds", () => {
		const s = sub({ fund: { adminFee: { min: 0.005, max: 0.01 } } });
		const fee = (adminFee: number) => reasonsOf(s, product("fund", { adminFee }));
		assert.deepEqual(fee(0.005), [
			{ field: "adminFee", operator: "≥", value: 0.005, bound: 0.005 },
			{ field: "adminFee", operator: "≤", value: 0.005, bound: 0.01 },
		]);
		assert.equal(fee(0.01)?.length, 2);
		assert.equal(fee(0.0049), undefined);
		assert.equal(fee(0.0101), undefined);
	});

	it("fails every constraint on a field the product lacks, notIn included", () => {
		assert.equal(reasonsOf(sub({ fund: { adminFee: { max: 0.01 } } }), product("fund")), undefined);
		assert.equal(reasonsOf(sub({ fund: { fundType: { notIn: ["Ações"] } } }), product("fund")), undefined);
		assert.equal(reasonsOf(sub({ coe: { protectedCapital: false } }), product("coe")), undefined);
		assert.equal(reasonsOf(sub({ reit: { dividendYield: { min: 0 } } }), reit()), undefined);
	});

	it("needs a finite number, a non-empty text and a real boolean", () => {
		const fund = sub({ fund: { adminFee: { max: 0.01 }, fundType: { notIn: ["Ações"] } } });
		assert.equal(reasonsOf(fund, product("fund", { adminFee: Number.NaN, fundType: "RF" })), undefined);
		assert.equal(reasonsOf(fund, product("fund", { adminFee: "0.005", fundType: "RF" })), undefined);
		assert.equal(reasonsOf(fund, product("fund", { adminFee: 0.005, fundType: "" })), undefined);
		assert.equal(reasonsOf(fund, product("fund", { adminFee: 0.005, fundType: "RF" }))?.length, 2);
		const coe = sub({ coe: { protectedCapital: true } });
		assert.equal(reasonsOf(coe, product("coe", { protectedCapital: "true" })), undefined);
		assert.deepEqual(reasonsOf(coe, product("coe", { protectedCapital: true })), [
			{ field: "protectedCapital", operator: "=", value: true, bound: true },
		]);
	});

	it("compares set values exactly, and notIn refuses listed values", () => {
		const s = sub({ stock: { sector: { in: ["Bancos"], notIn: ["Seguros"] } } });
		assert.equal(reasonsOf(s, product("stock", { sector: "bancos" })), undefined);
		assert.equal(
			reasonsOf(sub({ stock: { sector: { notIn: ["Seguros"] } } }), product("stock", { sector: "Seguros" })),
			undefined,
		);
		assert.deepEqual(reasonsOf(s, product("stock", { sector: "Bancos" })), [
			{ field: "sector", operator: "∈", value: "Bancos", bound: ["Bancos"] },
			{ field: "sector", operator: "∉", value: "Bancos", bound: ["Seguros"] },
		]);
	});

	it("applies suitability with the asset class's default risk level", () => {
		const stock = product("stock", { sector: "Bancos" });
		assert.equal(reasonsOf(sub({ stock: {} }, "moderate"), stock), undefined, "stocks default to 4");
		assert.deepEqual(reasonsOf(sub({ stock: {} }, "aggressive"), stock), []);
		assert.deepEqual(reasonsOf(sub({ stock: {} }, "moderate"), product("stock", { riskLevel: 3 })), []);
		assert.deepEqual(reasonsOf(sub({ pension: {} }, "conservative"), product("pension")), [], "pension: 2");
		assert.equal(reasonsOf(sub({ reit: {} }, "conservative"), reit()), undefined, "FIIs: 3");
		assert.equal(
			reasonsOf(sub({ fixed_income: {} }, "conservative"), product("fixed_income", { riskLevel: 3 })),
			undefined,
		);
	});

	it("reads the riskLevel field as the product states it, not the default", () => {
		const s = sub({ fund: { riskLevel: { max: 3 } } });
		assert.equal(reasonsOf(s, product("fund")), undefined);
		assert.deepEqual(reasonsOf(s, product("fund", { riskLevel: 3 })), [
			{ field: "riskLevel", operator: "≤", value: 3, bound: 3 },
		]);
	});

	it("gives reasons in catalogue order whatever order the interests were written in", () => {
		const s = sub({
			fixed_income: {
				taxExempt: true,
				instrument: { notIn: ["Debênture"], in: ["LCI", "LCA"] },
				rateIndex: { in: ["IPCA"] },
				spread: { max: 0.09, min: 0.06 },
				termDays: { max: 1825 },
			},
		});
		const p = product("fixed_income", {
			instrument: "LCI",
			rate: { index: "IPCA", spread: 0.0615 },
			termDays: 1095,
			taxExempt: true,
		});
		assert.deepEqual(
			reasonsOf(s, p)?.map((r) => `${r.field} ${r.operator} ${r.bound}`),
			[
				"termDays ≤ 1825",
				"spread ≥ 0.06",
				"spread ≤ 0.09",
				"rateIndex ∈ IPCA",
				"instrument ∈ LCI,LCA",
				"instrument ∉ Debênture",
				"taxExempt = true",
			],
		);
		assert.equal(reasonsOf(s, { ...p, taxExempt: false } as Product), undefined);
	});
});

describe("Gates: open to investment, audience, a profile that lapses (reference and index alike)", () => {
	const fund = (fields: Record<string, unknown> = {}) => product("fund", { riskLevel: 2, ...fields });
	const qualified = { investorCategory: "qualified" as const };
	const professional = { investorCategory: "professional" as const };

	it("tells nobody about a product closed to new investment", () => {
		const wantsFunds = sub({ fund: {} }, "aggressive", "s1", professional);
		assert.equal(reasonsOf(wantsFunds, fund({ openToInvestment: false })), undefined);
		assert.deepEqual(reasonsOf(wantsFunds, fund({ openToInvestment: true })), []);
		assert.deepEqual(reasonsOf(wantsFunds, fund()), [], "absent: open");
	});

	it("sends a product for qualified investors to qualified and professional clients only", () => {
		const p = fund({ audience: "qualified" });
		assert.equal(reasonsOf(sub({ fund: {} }), p), undefined, "no category: general");
		assert.equal(
			reasonsOf(sub({ fund: {} }, "aggressive", "s1", { investorCategory: "general" }), p),
			undefined,
		);
		assert.deepEqual(reasonsOf(sub({ fund: {} }, "aggressive", "s1", qualified), p), []);
		assert.deepEqual(reasonsOf(sub({ fund: {} }, "aggressive", "s1", professional), p), []);
	});

	it("sends a product for professional investors to professional clients only", () => {
		const p = fund({ audience: "professional" });
		assert.equal(reasonsOf(sub({ fund: {} }), p), undefined);
		assert.equal(reasonsOf(sub({ fund: {} }, "aggressive", "s1", qualified), p), undefined);
		assert.deepEqual(reasonsOf(sub({ fund: {} }, "aggressive", "s1", professional), p), []);
	});

	it("sends a product for anyone to every category, and one of an unknown audience to nobody", () => {
		for (const standing of [{}, qualified, professional]) {
			assert.deepEqual(
				reasonsOf(sub({ fund: {} }, "aggressive", "s1", standing), fund({ audience: "general" })),
				[],
			);
			assert.equal(
				reasonsOf(sub({ fund: {} }, "aggressive", "s1", standing), fund({ audience: "retail" })),
				undefined,
			);
		}
		const unknown = sub({ fund: {} }, "aggressive", "s1", { investorCategory: "accredited" as Audience });
		assert.equal(
			reasonsOf(unknown, fund({ audience: "qualified" })),
			undefined,
			"an unknown category is general",
		);
	});

	it("counts a client whose questionnaire lapsed as conservative, from the instant it lapses", () => {
		const lapses = now + day;
		const s = sub({ stock: {}, fund: {} }, "aggressive", "s1", { profileExpiresAt: iso(lapses) });
		const stock = product("stock", { sector: "Bancos" });
		assert.deepEqual(reasonsOf(s, stock, lapses - 1), [], "risk 4 while aggressive holds");
		assert.equal(reasonsOf(s, stock, lapses), undefined, "expired at the instant itself");
		assert.equal(reasonsOf(s, stock, lapses + 400 * day), undefined);
		assert.deepEqual(
			reasonsOf(s, fund({ riskLevel: 2 }), lapses + 400 * day),
			[],
			"conservative products still",
		);
		assert.equal(reasonsOf(s, fund({ riskLevel: 3 }), lapses), undefined);
	});

	it("counts a client without a questionnaire, or with an unreadable expiry, as conservative", () => {
		const stock = product("stock", { sector: "Bancos", riskLevel: 3 });
		for (const profileExpiresAt of [undefined, "not a date"]) {
			const s = sub({ stock: {}, pension: {} }, "aggressive", "s1", { profileExpiresAt });
			assert.equal(reasonsOf(s, stock), undefined, String(profileExpiresAt));
			assert.deepEqual(reasonsOf(s, product("pension")), [], "pension: risk 2");
		}
	});

	it("stops sending riskier products when a profile lapses, with no upsert, and again after a renewal", () => {
		const index = new InterestIndex();
		const lapses = now + day;
		index.load([
			sub({ stock: {} }, "aggressive", "lapsing", { profileExpiresAt: iso(lapses) }),
			sub({ stock: {} }, "aggressive", "renewed", { profileExpiresAt: iso(lapses + 700 * day) }),
			sub({ stock: {} }, "conservative", "careful", { profileExpiresAt: iso(lapses) }),
		]);
		const stock = product("stock", { sector: "Bancos" });
		const lowRisk = product("stock", { sector: "Bancos", riskLevel: 2 });
		assert.deepEqual(ids(index.match(stock, lapses - 1)), ["lapsing", "renewed"]);
		assert.deepEqual(ids(index.match(stock, lapses)), ["renewed"]);
		assert.deepEqual(ids(index.match(lowRisk, lapses)), ["careful", "lapsing", "renewed"]);
		index.upsert(sub({ stock: {} }, "aggressive", "lapsing", { profileExpiresAt: iso(lapses + 700 * day) }));
		assert.deepEqual(ids(index.match(stock, lapses)), ["lapsing", "renewed"]);
	});

	it("files lapsed profiles under conservative on expire(), with the same answers", () => {
		const index = new InterestIndex();
		const lapses = now + day;
		index.load([
			sub({ stock: {}, fund: {} }, "aggressive", "a", { profileExpiresAt: iso(lapses), ...qualified }),
			sub({ stock: {} }, "moderate", "b", { profileExpiresAt: iso(lapses + 700 * day) }),
			sub({ stock: {} }, "conservative", "c", { profileExpiresAt: iso(lapses) }),
			sub({ stock: {} }, "aggressive", "d", { profileExpiresAt: undefined }),
		]);
		assert.equal(index.stats().expiring, 2, "a and b: above conservative, with an expiry");
		assert.equal(index.expire(lapses - 1), 0, "nothing lapsed yet");
		assert.equal(index.expire(lapses), 1);
		assert.equal(index.stats().expiring, 1);
		assert.equal(index.stats().categories.stock.deadRules, 1, "a's stock rule re-filed");
		const qualifiedFund = fund({ audience: "qualified" });
		assert.deepEqual(ids(index.match(qualifiedFund, lapses)), ["a"], "still qualified once demoted");
		assert.deepEqual(ids(index.match(fund({ audience: "qualified", riskLevel: 3 }), lapses)), []);
		assert.deepEqual(ids(index.match(product("stock", { riskLevel: 3 }), lapses)), ["b"]);
		assert.deepEqual(ids(index.match(product("stock", { riskLevel: 1 }), lapses)), ["a", "b", "c", "d"]);
		index.remove("b");
		assert.equal(index.stats().expiring, 0);
	});

	it("passes the new fields of a subscription row through, and reads a subscriber's record defensively", () => {
		const interests = { fund: {} };
		assert.deepEqual(
			subscriptionOf({
				subscriberId: "s1",
				riskProfile: "moderate",
				profileExpiresAt: assessed,
				investorCategory: "qualified",
				interests,
				interestsVersion: "v1",
				status: "verified",
			} as Parameters<typeof subscriptionOf>[0]),
			{
				subscriberId: "s1",
				riskProfile: "moderate",
				profileExpiresAt: assessed,
				investorCategory: "qualified",
				interests,
				interestsVersion: "v1",
			},
		);
		assert.deepEqual(
			subscriptionOf({ subscriberId: "s2", riskProfile: "aggressive", interests, interestsVersion: "v2" }),
			{ subscriberId: "s2", riskProfile: "aggressive", interests, interestsVersion: "v2" },
		);
		const record = {
			id: "s3",
			riskProfile: "aggressive",
			suitability: { profile: "moderate", expiresAt: assessed, expired: false },
			investorCategory: { category: "professional", declaredAt: iso(now) },
			interests,
		};
		assert.deepEqual(subscriptionOfRecord("s3", record), {
			subscriberId: "s3",
			riskProfile: "moderate",
			profileExpiresAt: assessed,
			investorCategory: "professional",
			interests,
		});
		assert.deepEqual(
			subscriptionOfRecord("s4", { riskProfile: "aggressive", investorCategory: "qualified" }),
			{
				subscriberId: "s4",
				riskProfile: "aggressive",
				investorCategory: "qualified",
				interests: {},
			},
		);
		assert.deepEqual(
			subscriptionOfRecord("s5", { riskProfile: "reckless", investorCategory: { category: "vip" } }),
			{
				subscriberId: "s5",
				riskProfile: "conservative",
				interests: {},
			},
		);
	});
});

describe("InterestIndex", () => {
	const reitProduct = reit({ segment: "Logística", metrics: metrics({ dividendYield: 0.09 }) });

	it("replaces a subscriber's rules on upsert and forgets them on remove", () => {
		const index = new InterestIndex();
		index.upsert(sub({ reit: { segment: { in: ["Logística"] } } }));
		index.upsert(sub({ reit: {} }, "aggressive", "s2"));
		assert.equal(index.size, 2);
		assert.deepEqual(ids(index.match(reitProduct, now)), ["s1", "s2"]);
		index.upsert(sub({ reit: { segment: { in: ["Shoppings"] } } }));
		assert.deepEqual(ids(index.match(reitProduct, now)), ["s2"]);
		index.upsert(sub({ reit: {} }, "conservative", "s2"));
		assert.deepEqual(ids(index.match(reitProduct, now)), []);
		index.remove("s2");
		index.remove("unknown");
		assert.equal(index.size, 1);
		assert.equal(index.stats().categories.reit.rules, 1);
	});

	it("reaches rules with an in list or a flag through their values, not the open bucket", () => {
		const index = new InterestIndex();
		index.load([
			sub({ stock: { sector: { in: ["Bancos", "Bancos", "Energia"] } } }, "aggressive", "a"),
			sub({ coe: { protectedCapital: true } }, "aggressive", "b"),
			sub({ stock: { sector: { notIn: ["Bancos"] } } }, "aggressive", "c"),
		]);
		const { stock, coe } = index.stats().categories;
		assert.equal(stock.openPostings, 1, "only the notIn rule is open");
		assert.equal(coe.openPostings, 0);
		assert.deepEqual(ids(index.match(product("stock", { sector: "Bancos" }), now)), ["a"], "no duplicates");
	});

	it("keeps the last of a subscriber's subscriptions given twice to load", () => {
		const index = new InterestIndex();
		index.load([
			sub({ reit: { dividendYield: { min: 0.05 } } }, "aggressive", "a"),
			sub({ reit: { dividendYield: { min: 0.05 } } }, "aggressive", "b"),
			sub({ reit: { dividendYield: { min: 0.1 } } }, "aggressive", "a"),
		]);
		assert.equal(index.size, 2);
		assert.deepEqual(ids(index.match(reitProduct, now)), ["b"]);
		assert.equal(index.stats().categories.reit.rules, 2);
	});

	it("places a fresh index's rules at its first match, and merges later bursts when needed", () => {
		const index = new InterestIndex();
		const minimum = (i: number) =>
			sub({ reit: { dividendYield: { min: (i % 100) / 1000 } } }, "aggressive", `s${i}`);
		for (let i = 0; i < 1_000; i++) index.upsert(minimum(i));
		assert.equal(index.stats().categories.reit.pendingRules, 1_000);
		assert.equal(index.match(reitProduct, now).length, 910, "min ≤ 0.09: 91 of each 100");
		assert.equal(index.stats().categories.reit.pendingRules, 0);
		assert.equal(index.stats().categories.reit.unsortedPostings, 0);
		for (let i = 1_000; i < 2_000; i++) index.upsert(minimum(i));
		assert.equal(index.stats().categories.reit.unsortedPostings, 1_000);
		assert.equal(index.match(reitProduct, now).length, 1_820);
		assert.equal(index.stats().categories.reit.unsortedPostings, 0, "merged by the match");
		for (let i = 2_000; i < 2_100; i++) index.upsert(minimum(i));
		index.flush();
		assert.equal(index.stats().categories.reit.unsortedPostings, 0, "merged by flush");
	});

	it("refuses a malformed bound and keeps the previous subscription", () => {
		const index = new InterestIndex();
		index.upsert(sub({ reit: {} }));
		const bad = { reit: { dividendYield: { min: "0.08" } } } as unknown as Subscription["interests"];
		assert.throws(() => index.upsert(sub(bad)), TypeError);
		assert.throws(() => index.upsert(sub(bad, "aggressive", "new")), TypeError);
		assert.equal(index.size, 1);
		assert.deepEqual(ids(index.match(reitProduct, now)), ["s1"]);
	});

	it("never matches a rule no product can satisfy (a NaN bound, a flag that is not a boolean)", () => {
		const fee = sub({ fund: { adminFee: { min: Number.NaN } } });
		const flag = sub({ coe: { protectedCapital: {} } } as unknown as Subscription["interests"]);
		assert.equal(reasonsOf(fee, product("fund", { adminFee: 0.01 })), undefined);
		assert.equal(reasonsOf(flag, product("coe", { protectedCapital: true })), undefined);
		const index = new InterestIndex();
		index.upsert(fee);
		assert.equal(index.stats().categories.fund.rules, 0);
		assert.equal(index.size, 1);
	});

	it("shares reasons' lists frozen, so no caller can change the index through them", () => {
		const index = new InterestIndex();
		index.upsert(sub({ reit: { segment: { in: ["Logística"] } } }));
		const bound = index.match(reitProduct, now)[0]?.reasons[0]?.bound as string[];
		assert.throws(() => bound.push("Shoppings"), TypeError);
	});
});

describe("Posting lists", () => {
	const boundArb = fc.constantFrom(
		-1,
		-0,
		0,
		0.05,
		0.08,
		1,
		1825,
		Number.POSITIVE_INFINITY,
		Number.NEGATIVE_INFINITY,
	);
	const pairs = fc.array(fc.tuple(fc.oneof(boundArb, fc.double({ noNaN: true })), fc.nat(1_000)), {
		maxLength: 200,
	});

	it("orders keys stably by value", () => {
		fc.assert(
			fc.property(pairs, (entries) => {
				const keys = Float64Array.from(entries.map(([bound]) => bound));
				const order = [...sortedOrder(keys, keys.length)];
				const expected = entries
					.map((_, i) => i)
					.sort((a, b) => (keys[a] as number) - (keys[b] as number) || a - b);
				assert.deepEqual(
					order.map((i) => keys[i]),
					expected.map((i) => keys[i]),
				);
				for (let i = 1; i < order.length; i++)
					if (keys[order[i] as number] === keys[order[i - 1] as number])
						assert.ok((order[i] as number) > (order[i - 1] as number));
			}),
		);
	});

	it("holds every rule added, in bound order with its predicates, across merges; finds the satisfied prefix and suffix", () => {
		const fields = interestFields.reit;
		fc.assert(
			fc.property(fc.array(pairs, { maxLength: 5 }), boundArb, (batches, value) => {
				const store = new RuleStore(fields);
				const list = new PostingList(0, minSide);
				const all: [number, number][] = [];
				for (const batch of batches) {
					for (const [bound, slot] of batch) {
						const rule = store.add(slot, 0, { dividendYield: { min: bound } }) as number;
						list.delta.append(bound, store, rule, `s${slot}`);
						all.push([bound, rule]);
					}
					list.merge();
				}
				const { sorted } = list;
				assert.equal(list.delta.length, 0);
				const held: [number, number][] = [];
				for (let i = 0; i < sorted.length; i++) {
					const bound = sorted.bounds[i] as number;
					held.push([bound, sorted.rules[i] as number]);
					const first = sorted.starts[i] as number;
					assert.equal(sorted.starts[i + 1], first + 1);
					assert.equal(sorted.op[first], opMin);
					assert.equal(sorted.bound[first], bound, "the predicate travels with its posting");
					assert.equal(sorted.ids[i], `s${store.slot[sorted.rules[i] as number]}`);
					if (i > 0) assert.ok((sorted.bounds[i - 1] as number) <= bound);
				}
				const byBound = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];
				assert.deepEqual(held.sort(byBound), all.sort(byBound));
				const atMost = all.filter(([bound]) => bound <= value).length;
				const below = all.filter(([bound]) => bound < value).length;
				assert.equal(firstAbove(sorted.bounds, sorted.length, value), atMost);
				assert.equal(firstAtLeast(sorted.bounds, sorted.length, value), below);
			}),
		);
	});
});

// ── generated subscriptions and products ──────────────────────────────────────────────

/** Small pools, so constraints and products meet often and bounds equal values. */
const textPools: Record<string, string[]> = {
	sector: ["Bancos", "Energia", "Varejo", "Mineração"],
	segment: ["Logística", "Shoppings", "Lajes", "Papel"],
	fundType: ["Renda Fixa", "Multimercado", "Ações"],
	issuer: ["BTG", "XP", "Itaú"],
	underlying: ["Ibovespa", "S&P 500", "Ouro"],
	planType: ["PGBL", "VGBL"],
	rateIndex: ["CDI", "IPCA", "PRE", "SELIC"],
	instrument: ["CDB", "LCI", "LCA", "CRI"],
};
const numberPools: Record<string, number[]> = {
	fraction: [-0.2, 0, 0.01, 0.05, 0.08, 0.091, 0.12, 1.1],
	BRL: [0, 100, 1_000, 5_000, 1_000_000],
	days: [0, 1, 30, 365, 1_825],
	level: [1, 2, 3, 4, 5],
};
const numbersOf = (field: InterestField) => numberPools[field.unit ?? "fraction"] as number[];
const textsOf = (field: InterestField) => textPools[field.name] as string[];

const subList = (field: InterestField) => fc.subarray([...textsOf(field), "Outro"]);

function constraintArb(field: InterestField): fc.Arbitrary<Constraint> {
	if (field.kind === "boolean") return fc.boolean();
	if (field.kind === "number") {
		const bound = fc.constantFrom(...numbersOf(field));
		return fc.oneof(
			{ weight: 4, arbitrary: fc.record({ min: bound }) },
			{ weight: 4, arbitrary: fc.record({ max: bound }) },
			{ weight: 2, arbitrary: fc.record({ min: bound, max: bound }) },
			{ weight: 1, arbitrary: fc.constant({}) },
		);
	}
	return fc.oneof(
		{ weight: 5, arbitrary: fc.record({ in: subList(field) }) },
		{ weight: 2, arbitrary: fc.record({ notIn: subList(field) }) },
		{ weight: 2, arbitrary: fc.record({ in: subList(field), notIn: subList(field) }) },
		{ weight: 1, arbitrary: fc.constant({}) },
	);
}

/** Which fields constraints may use: all, or only set and boolean ones (rules without ranges). */
type FieldFilter = (field: InterestField) => boolean;
const anyField: FieldFilter = () => true;
const noRanges: FieldFilter = (field) => field.kind !== "number";

function categoryInterestArb(category: Category, use: FieldFilter): fc.Arbitrary<CategoryInterest> {
	const fields = interestFields[category].filter(use);
	return fc
		.subarray(fields, { maxLength: Math.min(4, fields.length) })
		.chain((chosen) =>
			fc
				.tuple(...chosen.map((field) => constraintArb(field)))
				.map((constraints) => ({ chosen, constraints })),
		)
		.map(
			({ chosen, constraints }) =>
				Object.fromEntries(chosen.map((field, i) => [field.name, constraints[i]])) as CategoryInterest,
		);
}

const interestsArb = (use: FieldFilter): fc.Arbitrary<Subscription["interests"]> =>
	fc
		.subarray([...categories], { minLength: 1, maxLength: 3 })
		.chain((chosen) =>
			fc
				.tuple(...chosen.map((category) => categoryInterestArb(category, use)))
				.map((interests) => ({ chosen, interests })),
		)
		.map(({ chosen, interests }) =>
			Object.fromEntries(chosen.map((category, i) => [category, interests[i]])),
		);

/**
 * Instants both expiries and matches are drawn from, so that a profile lapsing exactly at
 * the match's instant comes up, and matches before and long after it.
 */
const instants = [now - day, now, now + 1, now + day, now + 800 * day];

/** Mostly a questionnaire that lapses at one of the instants; sometimes none, or an unreadable one. */
const expiryArb = fc.oneof(
	{ weight: 8, arbitrary: fc.constantFrom(...instants).map(iso) },
	{ weight: 1, arbitrary: fc.constant("not a date") },
);
/** Mostly general (or absent); an unknown category counts as general. */
const investorArb = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom(...audiences) },
	{ weight: 1, arbitrary: fc.constant("accredited" as Audience) },
);

const subscriptionArb = (id: fc.Arbitrary<string>, use = anyField): fc.Arbitrary<Subscription> =>
	fc.record(
		{
			subscriberId: id,
			riskProfile: fc.constantFrom(...riskProfiles),
			profileExpiresAt: expiryArb,
			investorCategory: investorArb,
			interests: interestsArb(use),
		},
		{ requiredKeys: ["subscriberId", "riskProfile", "interests"] },
	);

/** Unique ids, as the subscribers service guarantees. */
const subscriptionsArb = (use = anyField) =>
	fc
		.array(subscriptionArb(fc.constant(""), use), { maxLength: 60 })
		.map((subs) => subs.map((s, i) => ({ ...s, subscriberId: `s${String(i).padStart(3, "0")}` })));

/** A value the product may hold at a field: usually a good one, sometimes a wrong type. */
function valueArb(field: InterestField): fc.Arbitrary<unknown> {
	const good =
		field.kind === "boolean"
			? fc.boolean()
			: field.kind === "number"
				? fc.constantFrom(...numbersOf(field))
				: fc.constantFrom(...textsOf(field), "Outro");
	const odd = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, "", "1", 1, null, true);
	return fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: odd });
}

/** Mostly for anyone (stated or not); some for qualified or professional investors; an unknown one. */
const audienceArb = fc.oneof(
	{ weight: 6, arbitrary: fc.constant(undefined) },
	{ weight: 6, arbitrary: fc.constantFrom(...audiences) },
	{ weight: 1, arbitrary: fc.constant("retail") },
);
/** Mostly open (stated or not), sometimes closed to new investment. */
const openArb = fc.oneof(
	{ weight: 4, arbitrary: fc.constant(undefined) },
	{ weight: 3, arbitrary: fc.constant(true) },
	{ weight: 1, arbitrary: fc.constant(false) },
);

function productArb(category: Category): fc.Arbitrary<Product> {
	const fields = interestFields[category];
	return fc
		.record({
			values: fc.tuple(...fields.map((field) => fc.option(valueArb(field), { freq: 4, nil: undefined }))),
			riskLevel: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
			dropMetrics: fc.boolean(),
			audience: audienceArb,
			openToInvestment: openArb,
		})
		.map(({ values, riskLevel, dropMetrics, audience, openToInvestment }) => {
			const p: Record<string, unknown> = { ...base, id: `${category}:p`, category };
			if (audience !== undefined) p.audience = audience;
			if (openToInvestment !== undefined) p.openToInvestment = openToInvestment;
			fields.forEach((field, i) => {
				if (values[i] === undefined) return;
				const keys = field.path.split(".");
				let at = p;
				for (const key of keys.slice(0, -1)) {
					at[key] ??= {};
					at = at[key] as Record<string, unknown>;
				}
				at[keys.at(-1) as string] = values[i];
			});
			// riskLevel is also a field of four categories: the drawn riskLevel wins when given.
			if (riskLevel !== undefined || !fields.some((f) => f.name === "riskLevel")) p.riskLevel = riskLevel;
			if (dropMetrics) delete p.metrics;
			return p as unknown as Product;
		});
}

const productsArb = fc.array(fc.oneof(...categories.map(productArb)), { minLength: 1, maxLength: 12 });

const ids = (results: MatchResult[]) => results.map((r) => r.subscriberId).sort();
/** By subscriber, without the index's slot (bookkeeping the reference has no notion of). */
const sorted = (results: MatchResult[]) =>
	results
		.map(({ slot: _slot, ...result }) => result)
		.sort((a, b) => (a.subscriberId < b.subscriberId ? -1 : a.subscriberId > b.subscriberId ? 1 : 0));

function referenceMatch(subs: Iterable<Subscription>, p: Product, at: number): MatchResult[] {
	const results: MatchResult[] = [];
	for (const s of subs) {
		const reasons = matchOne(s, p, at);
		if (reasons !== undefined) results.push({ subscriberId: s.subscriberId, reasons });
	}
	return results;
}

/** The index and the reference agree on `p` at `at` (default: at every instant). */
function assertSame(index: InterestIndex, subs: Iterable<Subscription>, p: Product, at?: number): void {
	const all = [...subs];
	for (const t of at === undefined ? instants : [at])
		assert.deepEqual(sorted(index.match(p, t)), sorted(referenceMatch(all, p, t)), `at ${iso(t)}`);
}

/** Small thresholds, so deltas merge and categories rebuild within a short run. */
const eager: IndexOptions = { compactMin: 1, compactRatio: 0.2, mergeLimit: 0 };

describe("InterestIndex against the reference (properties)", () => {
	it("reads products the way valueAt does", () => {
		fc.assert(
			fc.property(fc.oneof(...categories.map(productArb)), (p) => {
				for (const field of interestFields[p.category]) {
					const s: Subscription = sub({
						[p.category]: { [field.name]: field.kind === "boolean" ? true : {} },
					});
					const value = valueAt(p, field.path);
					const present =
						field.kind === "boolean"
							? value === true
							: field.kind === "number"
								? typeof value === "number" && Number.isFinite(value)
								: typeof value === "string" && value !== "";
					// A general client with a valid questionnaire: open products for anyone.
					const gates = p.openToInvestment !== false && (p.audience ?? "general") === "general";
					assert.equal(
						matchOne(s, p, now) !== undefined,
						present && gates && suits(p, "aggressive"),
						field.name,
					);
				}
			}),
			{ numRuns: 200 },
		);
	});

	it("finds exactly the reference's matches and reasons, built by upserts or by load", () => {
		fc.assert(
			fc.property(subscriptionsArb(), productsArb, (subs, products) => {
				const upserted = new InterestIndex();
				for (const s of subs) upserted.upsert(s);
				const loaded = new InterestIndex({ mergeLimit: 0 });
				loaded.load(subs);
				for (const p of products) {
					assertSame(upserted, subs, p);
					assertSame(loaded, subs, p);
				}
			}),
			{ numRuns: 300 },
		);
	});

	it("sizes its stores once from a feed's count and a sample, and answers the same whatever the estimate", () => {
		const bytes = (index: InterestIndex) =>
			Object.values(index.stats().categories).reduce((sum, category) => sum + category.bytes, 0);
		fc.assert(
			fc.property(
				subscriptionsArb(),
				productsArb,
				fc.integer({ min: 0, max: 200 }),
				fc.integer({ min: 1, max: 60 }),
				(subs, products, count, sampled) => {
					// Sized from every subscription it will hold (more than a store's first arrays
					// take): the upserts copy no array.
					const many = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((copy) =>
						subs.map((s) => ({ ...s, subscriberId: `${s.subscriberId}-${copy}` })),
					);
					const exact = new InterestIndex();
					exact.reserve(many.length, many);
					const reserved = bytes(exact);
					for (const s of many) exact.upsert(s);
					assert.equal(bytes(exact), reserved);
					// Any count and any first page: an estimate, never a different answer.
					const estimated = new InterestIndex();
					estimated.reserve(count, subs.slice(0, sampled));
					for (const s of subs) estimated.upsert(s);
					for (const p of products) assertSame(estimated, subs, p);
				},
			),
			{ numRuns: 200 },
		);
	});

	it("gives the same answers when product statistics change the plans", () => {
		fc.assert(
			fc.property(
				subscriptionsArb(),
				productsArb,
				fc.array(fc.oneof(...categories.map(productArb)), { minLength: 40, maxLength: 200 }),
				(subs, products, seen) => {
					const index = new InterestIndex();
					for (const p of seen) index.observe(p);
					index.load(subs);
					for (const p of products) assertSame(index, subs, p);
					for (const p of seen) index.match(p, now);
					index.rebuild();
					for (const p of products) assertSame(index, subs, p);
				},
			),
			{ numRuns: 100 },
		);
	});

	it("finds the same with rules that have no range (plain lists of set and flag constraints)", () => {
		fc.assert(
			fc.property(subscriptionsArb(noRanges), productsArb, (subs, products) => {
				const index = new InterestIndex();
				index.load(subs.slice(0, 30));
				for (const s of subs.slice(30)) index.upsert(s);
				for (const p of products) assertSame(index, subs, p);
			}),
			{ numRuns: 300 },
		);
	});

	it("agrees with the reference at a few thousand subscribers, through merges, removals and rebuilds", () => {
		const subs = [
			...fc.sample(subscriptionArb(fc.constant("")), { numRuns: 2_500, seed: 7 }),
			...fc.sample(subscriptionArb(fc.constant(""), noRanges), { numRuns: 500, seed: 9 }),
		];
		subs.forEach((s, i) => {
			s.subscriberId = `s${i}`;
		});
		const products = fc.sample(fc.oneof(...categories.map(productArb)), { numRuns: 300, seed: 8 });
		/** One instant per product, in turn: every instant, without multiplying the work by five. */
		const checkAll = (index: InterestIndex, current: Map<string, Subscription>, from = 0) =>
			products.forEach((p, i) => {
				assertSame(index, current.values(), p, instants[from + (i % (instants.length - from))]);
			});
		for (const options of [{}, eager, { mergeLimit: 8, compactMin: 100 }]) {
			const index = new InterestIndex(options);
			for (let round = 0; round < 10; round++) for (const p of products) index.observe(p);
			index.load(subs.slice(0, 1_000));
			for (const s of subs.slice(1_000)) index.upsert(s);
			const current = new Map(subs.map((s) => [s.subscriberId, s]));
			checkAll(index, current);
			for (const s of subs.slice(0, 1_500)) {
				if (Number(s.subscriberId.slice(1)) % 3 === 0) {
					index.remove(s.subscriberId);
					current.delete(s.subscriberId);
				} else {
					const changed = { ...s, riskProfile: "aggressive" as const };
					index.upsert(changed);
					current.set(s.subscriberId, changed);
				}
			}
			assert.equal(index.size, current.size);
			checkAll(index, current);
			// Profiles that lapsed by now filed under conservative: the same answers from then on
			// (at now itself too, where a profile lapsing 1 ms later still holds).
			const expiring = index.stats().expiring;
			assert.ok(index.expire(now) > 0);
			assert.ok(index.stats().expiring < expiring);
			checkAll(index, current, instants.indexOf(now));
		}
	});

	it("stays equal to the reference over the current subscriptions after any upserts, removes, expiries and time passing", () => {
		const idArb = fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `s${i}`));
		const operation = fc.oneof(
			{ weight: 6, arbitrary: subscriptionArb(idArb).map((s) => ({ upsert: s })) },
			{ weight: 3, arbitrary: idArb.map((id) => ({ remove: id })) },
			{ weight: 2, arbitrary: fc.oneof(...categories.map(productArb)).map((p) => ({ check: p })) },
			{ weight: 1, arbitrary: fc.constant({ rebuild: true }) },
			{ weight: 1, arbitrary: fc.constant({ expire: true }) },
			{ weight: 2, arbitrary: fc.constantFrom(0, 1, day, 400 * day).map((ms) => ({ advance: ms })) },
		);
		fc.assert(
			fc.property(
				fc.array(operation, { maxLength: 80 }),
				productsArb,
				fc.boolean(),
				(operations, products, small) => {
					const index = new InterestIndex(small ? eager : {});
					const model = new Map<string, Subscription>();
					// Time only runs forward, as expire() requires.
					let clock = now - day;
					for (const op of operations) {
						if ("upsert" in op) {
							index.upsert(op.upsert);
							model.set(op.upsert.subscriberId, op.upsert);
						} else if ("remove" in op) {
							index.remove(op.remove);
							model.delete(op.remove);
						} else if ("check" in op) assertSame(index, model.values(), op.check, clock);
						else if ("expire" in op) index.expire(clock);
						else if ("advance" in op) clock += op.advance;
						else index.rebuild();
						assert.equal(index.size, model.size);
					}
					for (const p of products) assertSame(index, model.values(), p, clock);
				},
			),
			{ numRuns: 300 },
		);
	});
});
