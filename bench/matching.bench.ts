/**
 * The interest index against the naive scan (`matchOne` over every subscription), on the
 * same in-memory subscriptions and products: 10k, 100k and 1M synthetic subscribers, each
 * wanting 2 categories with about 3 constraints each (a set `in` over a 12-value pool and
 * ranges), tuned so a product matches about 1% of the subscribers interested in its
 * category; 1,000 products, realistic per category. With the gates: some funds and fixed
 * income for qualified or professional investors and a few closed to new money; 15% of the
 * clients qualified or professional; 5% without a questionnaire and 10% whose questionnaire
 * lapsed (both count as conservative). Also build time, heap, and the cost of replacing and
 * removing subscribers in a built index.
 *
 * BENCH_MATCHING_CASES=service runs only the 1M build as the service does it (serviceBuild);
 * BENCH_INDEX_ONLY=1 leaves out the live preview through the running system.
 */
import { PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { interestsVersion } from "../domain/audit.ts";
import { type Interests, interestFields } from "../domain/interests.ts";
import { type Audience, type Category, categories, type Product, valueAt } from "../domain/product.ts";
import { effectiveRisk } from "../domain/risk.ts";
import { maxRiskLevel, type RiskProfile } from "../domain/subscriber.ts";
import { AuditedIndex } from "../services/matcher/audit.ts";
import { profileAt } from "../services/matcher/gates.ts";
import { InterestIndex } from "../services/matcher/index.ts";
import { type InForce, matchInterests, matchOne, type Subscription } from "../services/matcher/reference.ts";
import { preview } from "./preview.ts";
import type { BenchRow } from "./table.ts";

setFlagsFromString("--expose-gc");
/** `node bench/run.ts` runs without --expose-gc: a new context sees the flag set above. */
const gc = ((globalThis as { gc?: () => void }).gc ?? runInNewContext("gc")) as () => void;

const sizes = [10_000, 100_000, 1_000_000];
/** The instant every match is made at (profiles lapse before or after it). */
const now = Date.parse("2026-12-01T10:00:00.000Z");
const day = 86_400_000;
const productCount = 1_000;
/** The naive scan of 1M subscriptions takes ~0.15 s a product: it is timed on a sample. */
const naiveSampleAt1M = 50;

/**
 * Heap in use, and heap plus typed arrays: the index keeps most of its data in typed
 * arrays, which V8 allocates outside the heap (`arrayBuffers`), so heapUsed alone misses it.
 */
function memory(): { heap: number; total: number } {
	gc();
	gc();
	const { heapUsed, arrayBuffers } = process.memoryUsage();
	return { heap: heapUsed / 2 ** 20, total: (heapUsed + arrayBuffers) / 2 ** 20 };
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/**
 * Time spent collecting garbage from now until `stop()`. Full collections cost in proportion
 * to the live heap, which here holds every subscription object as well as the index.
 */
function gcTime(): { stop: () => Promise<number> } {
	let total = 0;
	const observer = new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) total += entry.duration;
	});
	observer.observe({ entryTypes: ["gc"] });
	return {
		stop: async () => {
			// Entries are delivered asynchronously, after a timer turn.
			await new Promise((resolve) => setTimeout(resolve, 50));
			observer.disconnect();
			return total;
		},
	};
}

// ── synthetic data ───────────────────────────────────────────────────────────────────

/** mulberry32: the same data on every run. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const pools = {
	sector: [
		"Bancos",
		"Energia Elétrica",
		"Petróleo e Gás",
		"Mineração",
		"Varejo",
		"Saneamento",
		"Telecomunicações",
		"Construção Civil",
		"Seguros",
		"Saúde",
		"Siderurgia",
		"Alimentos",
	],
	segment: [
		"Logística",
		"Shoppings",
		"Lajes Corporativas",
		"Papel",
		"Híbrido",
		"Renda Urbana",
		"Agro",
		"Hotéis",
		"Residencial",
		"Hospitais",
		"Educacional",
		"Fundo de Fundos",
	],
	fundType: [
		"Renda Fixa",
		"Crédito Privado",
		"Multimercado Macro",
		"Multimercado Quant",
		"Long Biased",
		"Long Short",
		"Ações Livre",
		"Ações Dividendos",
		"Small Caps",
		"Cambial",
		"Internacional",
		"Infraestrutura",
	],
	underlying: [
		"Ibovespa",
		"S&P 500",
		"Nasdaq",
		"Dólar",
		"Euro",
		"Ouro",
		"Petróleo",
		"Euro Stoxx 50",
		"MSCI World",
		"Bitcoin",
		"Vale",
		"Petrobras",
	],
	instrument: [
		"CDB",
		"LCI",
		"LCA",
		"CRI",
		"CRA",
		"Debênture",
		"Debênture Incentivada",
		"Tesouro Selic",
		"Tesouro IPCA+",
		"Tesouro Prefixado",
		"LF",
		"LIG",
	],
	issuer: [
		"BTG Pactual",
		"XP",
		"Itaú",
		"Bradesco",
		"Santander",
		"Banco do Brasil",
		"Caixa",
		"Safra",
		"Inter",
		"Daycoval",
		"BV",
		"Pine",
		"Sicredi",
		"ABC Brasil",
		"Mercantil",
		"Votorantim",
		"Original",
		"BMG",
		"Fibra",
		"Modal",
	],
};

/** Per category: the set field subscribers pick from, and the ranges they use (field, side). */
const wants: Record<Category, { key: keyof typeof pools; ranges: [string, "min" | "max"][] }> = {
	stock: {
		key: "sector",
		ranges: [
			["dividendYield", "min"],
			["totalReturn12m", "min"],
			["volatility", "max"],
			["maxDrawdown", "max"],
			["meanDailyTradedValue", "min"],
		],
	},
	reit: {
		key: "segment",
		ranges: [
			["dividendYield", "min"],
			["totalReturn12m", "min"],
			["volatility", "max"],
			["maxDrawdown", "max"],
			["meanDailyTradedValue", "min"],
		],
	},
	fund: {
		key: "fundType",
		ranges: [
			["minimumInvestment", "max"],
			["adminFee", "max"],
			["return12m", "min"],
			["redemptionDays", "max"],
		],
	},
	coe: {
		key: "underlying",
		ranges: [
			["minimumInvestment", "max"],
			["termDays", "max"],
			["termDays", "min"],
		],
	},
	pension: {
		key: "fundType",
		ranges: [
			["minimumInvestment", "max"],
			["adminFee", "max"],
			["return12m", "min"],
			["redemptionDays", "max"],
		],
	},
	fixed_income: {
		key: "instrument",
		ranges: [
			["minimumInvestment", "max"],
			["termDays", "max"],
			["termDays", "min"],
			["redemptionDays", "max"],
		],
	},
};

/**
 * The profiles in force at `now`: chosen 30% conservative, 40% moderate, 30% aggressive, and
 * 15% of the others count as conservative (no questionnaire, or a lapsed one).
 */
const inForce: [RiskProfile, number][] = [
	["conservative", 0.3 + 0.7 * 0.15],
	["moderate", 0.4 * 0.85],
	["aggressive", 0.3 * 0.85],
];
/** Share of the clients a product's audience admits (15% qualified, 3% of them professional). */
const admitted: Record<Audience, number> = { general: 1, qualified: 0.15, professional: 0.03 };

/**
 * Who may buy (share of the category's products for qualified, for professional investors)
 * and the share closed to new money: restricted funds are common (multimarket, private
 * credit), fixed income less (CRI, CRA, some debentures), stocks and FIIs are for anyone.
 */
const gates: Record<Category, { qualified: number; professional: number; closed: number }> = {
	stock: { qualified: 0, professional: 0, closed: 0 },
	reit: { qualified: 0, professional: 0, closed: 0 },
	fund: { qualified: 0.2, professional: 0.05, closed: 0.04 },
	coe: { qualified: 0.05, professional: 0, closed: 0.01 },
	pension: { qualified: 0.05, professional: 0, closed: 0.04 },
	fixed_income: { qualified: 0.1, professional: 0.02, closed: 0.01 },
};

function makeProduct(category: Category, i: number, r: () => number): Product {
	const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
	const between = (low: number, high: number) => low + (high - low) * r();
	const gate = gates[category];
	const who = r();
	const audience: Audience =
		who < gate.professional
			? "professional"
			: who < gate.professional + gate.qualified
				? "qualified"
				: "general";
	const base = {
		id: `bench:${category}:${i}`,
		source: "bench",
		nativeId: String(i),
		name: `P${i}`,
		collectedAt: "2026-11-26T10:00:00.000Z",
		issuer: pick(pools.issuer),
		audience,
		openToInvestment: r() >= gate.closed,
	};
	const metrics = (
		dy: [number, number],
		ret: [number, number],
		vol: [number, number],
		dd: [number, number],
		traded: [number, number],
	) =>
		r() < 0.05
			? undefined
			: {
					ticker: "BENCH3",
					baseDate: "2026-11-25",
					windowStart: "2025-11-25",
					dividendYield: between(...dy),
					meanDailyReturn: 0,
					meanDailyVolume: 1,
					meanDailyTradedValue: 10 ** between(...traded),
					totalReturn12m: between(...ret),
					priceReturn12m: 0,
					volatility: between(...vol),
					maxDrawdown: between(...dd),
					points: 250,
					partial: false,
				};
	switch (category) {
		case "stock":
			return {
				...base,
				category,
				ticker: "BENCH3",
				sector: pick(pools.sector),
				riskLevel: r() < 0.15 ? 5 : undefined,
				metrics: metrics([0, 0.14], [-0.4, 0.6], [0.15, 0.65], [0.05, 0.6], [5, 9]),
			};
		case "reit":
			return {
				...base,
				category,
				ticker: "BENC11",
				segment: pick(pools.segment),
				metrics: metrics([0.05, 0.15], [-0.2, 0.3], [0.08, 0.3], [0.03, 0.3], [4.5, 7.5]),
			};
		case "fund":
			return {
				...base,
				category,
				fundType: pick(pools.fundType),
				riskLevel: pick([1, 2, 2, 3, 3, 3, 4, 4, 5] as const),
				minimumInvestment: pick([0, 1, 100, 500, 1000, 5000, 10000, 50000]),
				adminFee: between(0, 0.025),
				performanceFee: pick([0, 0.1, 0.2]),
				return12m: between(-0.1, 0.3),
				redemptionDays: pick([0, 1, 2, 30, 31, 60, 90, 180]),
			};
		case "coe":
			return {
				...base,
				category,
				underlying: pick(pools.underlying),
				riskLevel: r() < 0.5 ? pick([3, 4, 5] as const) : undefined,
				minimumInvestment: pick([1000, 5000, 10000]),
				termDays: Math.round(between(180, 1800)),
				protectedCapital: r() < 0.6,
			};
		case "pension":
			return {
				...base,
				category,
				planType: pick(["PGBL", "VGBL"]),
				fundType: pick(pools.fundType),
				riskLevel: r() < 0.5 ? pick([1, 2, 3, 4] as const) : undefined,
				minimumInvestment: pick([100, 500, 1000, 5000]),
				adminFee: between(0.005, 0.02),
				return12m: between(0.05, 0.15),
				redemptionDays: pick([1, 2, 30, 60]),
			};
		default: {
			const instrument = pick(pools.instrument);
			const index = pick(["CDI", "CDI", "IPCA", "PRE", "SELIC"] as const);
			const rate =
				index === "CDI"
					? { index, percentOfIndex: between(0.9, 1.3) }
					: {
							index,
							spread:
								index === "IPCA"
									? between(0.04, 0.08)
									: index === "PRE"
										? between(0.1, 0.15)
										: between(0, 0.002),
						};
			const termDays = Math.round(between(90, 3600));
			return {
				...base,
				category: "fixed_income",
				instrument,
				rate,
				termDays,
				redemptionDays: r() < 0.3 ? 0 : termDays,
				minimumInvestment: pick([100, 1000, 5000, 10000]),
				taxExempt: /LC[IA]|CR[IA]|Incentivada/.test(instrument),
				riskLevel: pick([1, 1, 2, 2, 3] as const),
			};
		}
	}
}

/** `count` products, the categories in turn. */
function makeProducts(count: number, seed: number): Product[] {
	const r = random(seed);
	return Array.from({ length: count }, (_, i) =>
		makeProduct(categories[i % categories.length] as Category, i, r),
	);
}

/** `count` products spread evenly over `products` (so every category is in the sample). */
function sample<T>(items: T[], count: number): T[] {
	if (count >= items.length) return items;
	const step = Math.floor(items.length / count);
	return Array.from({ length: count }, (_, i) => items[i * step] as T);
}

/** Two significant digits: bounds as people type them (0.083 → 0.083, 1234 → 1200). */
const roundBound = (value: number) => (value === 0 ? 0 : Number(value.toPrecision(2)));

/**
 * Bounds are drawn from the values of a product sample, so a range holds for a chosen share
 * of products: the share that, with a 2-of-12 `in` and suitability, leaves ~1% matching.
 */
function calibrate() {
	const seen = makeProducts(6_000, 9);
	const byCategory = new Map<Category, Product[]>();
	for (const p of seen) byCategory.set(p.category, [...(byCategory.get(p.category) ?? []), p]);
	return new Map(
		categories.map((category) => {
			const items = byCategory.get(category) ?? [];
			// The share of (client, product) pairs the gates let through: open, admitted, suitable.
			const suitable = inForce.reduce(
				(sum, [profile, weight]) =>
					sum +
					(weight *
						items
							.filter((p) => p.openToInvestment !== false && effectiveRisk(p) <= maxRiskLevel[profile])
							.reduce((reach, p) => reach + admitted[p.audience ?? "general"], 0)) /
						items.length,
				0,
			);
			const values = new Map(
				wants[category].ranges.map(([field]) => [
					field,
					Float64Array.from(
						items.map((p) => fieldValue(p, field)).filter((v): v is number => typeof v === "number"),
					).sort(),
				]),
			);
			// Two ranges, each holding for `share` of products: suitability × 2/12 × share² ≈ 1%
			// (0.75%: correlations and rounded bounds add about a third, measured).
			const share = Math.min(0.9, Math.sqrt(0.0075 / (suitable * (2 / 12))));
			return [category, { values, share }] as const;
		}),
	);
}

function fieldValue(p: Product, name: string): unknown {
	const field = interestFields[p.category].find((f) => f.name === name);
	return field === undefined ? undefined : valueAt(p, field.path);
}

let calibration: ReturnType<typeof calibrate> | undefined;

/** `count` subscribers: 2 categories each, an `in` of 1–3 of 12 values and 2 ranges per category. */
function subscriptions(count: number, seed: number): Subscription[] {
	calibration ??= calibrate();
	const r = random(seed);
	const subs: Subscription[] = new Array(count);
	for (let i = 0; i < count; i++) {
		const first = Math.floor(r() * categories.length);
		const second = (first + 1 + Math.floor(r() * (categories.length - 1))) % categories.length;
		const interests: Interests = {};
		for (const position of [first, second]) {
			const category = categories[position] as Category;
			const { key, ranges } = wants[category];
			const { values, share } = calibration.get(category) as {
				values: Map<string, Float64Array>;
				share: number;
			};
			const interest: Record<string, unknown> = {};
			const pool = pools[key];
			const size = 1 + Math.floor(r() * 3);
			const chosen = new Set<string>();
			while (chosen.size < size) chosen.add(pool[Math.floor(r() * pool.length)] as string);
			interest[key] = { in: [...chosen] };
			const a = Math.floor(r() * ranges.length);
			let b = (a + 1 + Math.floor(r() * (ranges.length - 1))) % ranges.length;
			// Two fields: termDays min and max together could cross.
			if (ranges[b]?.[0] === ranges[a]?.[0]) b = (b + 1) % ranges.length;
			for (const [field, side] of [ranges[a], ranges[b]] as [string, "min" | "max"][]) {
				const sorted = values.get(field) as Float64Array;
				const q = Math.min(0.98, share * (0.5 + r()));
				const at = side === "min" ? (1 - q) * sorted.length : q * sorted.length;
				const bound = roundBound(sorted[Math.min(sorted.length - 1, Math.floor(at))] as number);
				interest[field] = { ...(interest[field] as object), [side]: bound };
			}
			if (category === "coe" && r() < 0.2) interest.protectedCapital = true;
			if (category === "fixed_income" && r() < 0.2)
				interest.issuer = { notIn: [pools.issuer[Math.floor(r() * 20)] as string] };
			interests[category] = interest as Interests[Category];
		}
		const roll = r();
		const riskProfile = roll < 0.3 ? "conservative" : roll < 0.7 ? "moderate" : "aggressive";
		// 5% never answered the questionnaire, 10% answered it more than 24 months ago.
		const assessed = r();
		const profileExpiresAt =
			assessed < 0.05
				? undefined
				: new Date(assessed < 0.15 ? now - (1 + r() * 365) * day : now + (1 + r() * 729) * day).toISOString();
		const category = r();
		const investorCategory: Audience | undefined =
			category < 0.03 ? "professional" : category < 0.15 ? "qualified" : undefined;
		subs[i] = {
			subscriberId: `subscriber-${seed}-${i}`,
			riskProfile,
			...(profileExpiresAt ? { profileExpiresAt } : {}),
			...(investorCategory ? { investorCategory } : {}),
			interests,
		};
	}
	return subs;
}

/** Clients per feed page, as the matcher asks for them (matcher.service.ts buildIndex). */
const feedPageSize = 5_000;

/**
 * The build as the matcher service does it: clients arrive in feed pages (JSON, as over
 * NATS), each page is decoded and upserted row by row into the service's AuditedIndex (the
 * index plus each client's standing for the audit) and then dropped, and the index is
 * flushed and expired at the end. Unlike `load` below, no client object outlives its page,
 * so the collector does not trace a million subscriptions while the index grows. The pages
 * are written before the clock starts; decoding them (the transport's work, or NeDB's copy
 * on one node) is timed apart from the index's own work.
 */
async function serviceBuild(size: number, seen: Product[], products: Product[]): Promise<BenchRow[]> {
	const label = `${size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1_000}k`} subscribers`;
	let subs: Subscription[] | undefined = subscriptions(size, 3);
	const pages: string[] = [];
	// Each row with its interests' version, as the subscribers store keeps it (written with the interests).
	for (let at = 0; at < size; at += feedPageSize)
		pages.push(
			JSON.stringify(
				subs
					.slice(at, at + feedPageSize)
					.map((sub) => ({ ...sub, interestsVersion: interestsVersion(sub.interests) })),
			),
		);
	subs = undefined;
	const base = memory();
	// The service's index: each client's standing kept beside it for the audit (interests version included).
	const index = new AuditedIndex();
	for (const p of seen) index.observe(p);
	const collecting = gcTime();
	let decode = 0;
	let build = 0;
	for (const page of pages) {
		let t0 = performance.now();
		const rows = JSON.parse(page) as Subscription[];
		decode += performance.now() - t0;
		t0 = performance.now();
		// As the service: the feed's count and its first page size the stores once.
		if (page === pages[0]) index.reserve(size, rows);
		for (const sub of rows) index.upsert(sub);
		build += performance.now() - t0;
	}
	const t0 = performance.now();
	index.flush();
	index.expire(now);
	build += performance.now() - t0;
	const buildGc = await collecting.stop();
	const built = memory();
	let matches = 0;
	for (const p of products) matches += index.match(p, now).length;
	const name = `${label} · index built from feed pages (as the service)`;
	return [
		{
			case: name,
			metric: `build: ${pages.length} pages of ${feedPageSize} upserted, then flushed and expired (target < 8 s)`,
			value: Math.round(build),
			unit: "ms",
		},
		{
			case: name,
			metric: "decoding the pages' JSON (the transport's cost, beside the build)",
			value: Math.round(decode),
			unit: "ms",
		},
		{ case: name, metric: "garbage collection during both", value: Math.round(buildGc), unit: "ms" },
		{
			case: name,
			metric: "memory of the index (heap + typed arrays)",
			value: Math.round(built.total - base.total),
			unit: "MB",
		},
		{
			case: name,
			metric: "matches per product (the same index as load's)",
			value: Math.round(matches / products.length),
			unit: "matches",
		},
	];
}

export async function run(): Promise<BenchRow[]> {
	const rows: BenchRow[] = [];
	const row = (name: string, metric: string, value: number, unit: string) =>
		rows.push({ case: name, metric, value, unit });
	const products = makeProducts(productCount, 1);
	/** Seen before the build, as the service would show it the last publication's products. */
	const seen = makeProducts(600, 2);
	// The largest size, first: nothing else of the run is in the heap yet.
	rows.push(...(await serviceBuild(sizes.at(-1) as number, seen, products)));
	if (process.env.BENCH_MATCHING_CASES === "service") return rows;
	for (const size of sizes) {
		const label = `${size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1_000}k`} subscribers`;
		const base = memory();
		const subs = subscriptions(size, 3);
		const subsMemory = memory();
		let index: InterestIndex | undefined = new InterestIndex();
		for (const p of seen) index.observe(p);
		let t0 = performance.now();
		const collecting = gcTime();
		index.load(subs);
		const build = performance.now() - t0;
		const buildGc = await collecting.stop();
		// As the service does after a build: lapsed profiles filed under conservative.
		t0 = performance.now();
		const lapsed = index.expire(now);
		const expireMs = performance.now() - t0;
		const built = memory();

		const interested = new Map<string, number>();
		for (const s of subs)
			for (const category of Object.keys(s.interests))
				interested.set(category, (interested.get(category) ?? 0) + 1);
		let wanted = 0;
		for (const p of products) wanted += interested.get(p.category) ?? 0;

		// Index: every product once to warm up, then timed.
		for (const p of products) index.match(p, now);
		let matches = 0;
		const each: number[] = [];
		t0 = performance.now();
		for (const p of products) {
			const start = performance.now();
			matches += index.match(p, now).length;
			each.push(performance.now() - start);
		}
		const indexMs = (performance.now() - t0) / products.length;
		const p99 = each.sort((a, b) => a - b)[Math.floor(each.length * 0.99)] as number;

		// Naive: the same products (an even sample of them at 1M), the same subscriptions —
		// `matchOne` as it is, which reads each expiry (Date.parse) when a product is above
		// conservative risk; and a naive scan that resolves every client's profile in force
		// once (`matchInterests`), the fastest plain loop: the speed-up is against that one.
		const sampled = sample(products, size >= 1_000_000 ? naiveSampleAt1M : productCount);
		let naiveMatches = 0;
		t0 = performance.now();
		for (const p of sampled) for (const s of subs) if (matchOne(s, p, now) !== undefined) naiveMatches++;
		const naiveMs = (performance.now() - t0) / sampled.length;
		let standings: InForce[] | undefined = subs.map((s) => ({
			riskProfile: profileAt(s, now),
			...(s.investorCategory ? { investorCategory: s.investorCategory } : {}),
		}));
		let resolvedMatches = 0;
		t0 = performance.now();
		for (const p of sampled)
			for (let i = 0; i < subs.length; i++)
				if (matchInterests((subs[i] as Subscription).interests, standings[i] as InForce, p) !== undefined)
					resolvedMatches++;
		const resolvedMs = (performance.now() - t0) / sampled.length;
		standings = undefined;
		let indexMatches = 0;
		t0 = performance.now();
		for (const p of sampled) indexMatches += index.match(p, now).length;
		const indexSampleMs = (performance.now() - t0) / sampled.length;
		if (indexMatches !== naiveMatches || resolvedMatches !== naiveMatches)
			throw new Error(
				`the index found ${indexMatches} matches, the naive scans ${naiveMatches} and ${resolvedMatches}`,
			);

		// Updates: 1% of the subscribers change their interests, then leave.
		const changed = subscriptions(size / 100, 4).map((s, i) => ({
			...s,
			subscriberId: subs[i * 100]?.subscriberId as string,
		}));
		t0 = performance.now();
		for (const s of changed) index.upsert(s);
		const upsertUs = ((performance.now() - t0) * 1000) / changed.length;
		t0 = performance.now();
		for (const s of changed) index.remove(s.subscriberId);
		const removeUs = ((performance.now() - t0) * 1000) / changed.length;
		for (const p of products) index.match(p, now);
		t0 = performance.now();
		for (const p of products) index.match(p, now);
		const afterUpdatesMs = (performance.now() - t0) / products.length;

		const naive = `${label} · naive scan${sampled.length < products.length ? ` (${sampled.length} products sampled)` : ""}`;
		row(
			label,
			"selectivity (matches ÷ subscribers wanting the category)",
			round((100 * matches) / wanted, 2),
			"%",
		);
		row(label, "matches per product", Math.round(matches / products.length), "matches");
		row(label, "heap, the subscriptions themselves", Math.round(subsMemory.heap - base.heap), "MB");
		row(`${label} · index`, "build (load)", Math.round(build), "ms");
		row(`${label} · index`, "build: of which garbage collection", Math.round(buildGc), "ms");
		row(`${label} · index`, "expire: lapsed profiles filed under conservative", lapsed, "subscribers");
		row(`${label} · index`, "expire", round(expireMs, 1), "ms");
		row(
			`${label} · index`,
			"memory of the index (heap + typed arrays)",
			Math.round(built.total - subsMemory.total),
			"MB",
		);
		row(
			`${label} · index`,
			"memory in all (subscriptions + index)",
			Math.round(built.total - base.total),
			"MB",
		);
		row(`${label} · index`, "per product", round(indexMs), "ms");
		row(`${label} · index`, "per product, 99th percentile", round(p99), "ms");
		row(
			`${label} · index`,
			"throughput",
			Math.round((matches / indexMs / products.length) * 1000),
			"matches/s",
		);
		row(naive, "per product (matchOne)", round(naiveMs), "ms");
		row(naive, "per product, profiles resolved once (matchInterests)", round(resolvedMs), "ms");
		row(
			naive,
			"throughput (profiles resolved once)",
			Math.round((naiveMatches / resolvedMs / sampled.length) * 1000),
			"matches/s",
		);
		row(
			`${label} · speed-up`,
			"naive (profiles resolved once) ÷ index, same products",
			round(resolvedMs / indexSampleMs, 1),
			"×",
		);
		row(
			`${label} · speed-up`,
			"naive (matchOne) ÷ index, same products",
			round(naiveMs / indexSampleMs, 1),
			"×",
		);
		row(`${label} · index, 1% replaced`, "upsert", round(upsertUs, 1), "µs/op");
		row(`${label} · index, 1% removed`, "remove", round(removeUs, 1), "µs/op");
		row(`${label} · index, after the updates`, "per product", round(afterUpdatesMs), "ms");

		if (size === sizes.at(-1)) {
			// What a service that upserts row by row pays instead of load().
			index = undefined;
			const byRows = new InterestIndex();
			for (const p of seen) byRows.observe(p);
			t0 = performance.now();
			for (const s of subs) byRows.upsert(s);
			const upserts = performance.now() - t0;
			t0 = performance.now();
			byRows.flush();
			const flush = performance.now() - t0;
			t0 = performance.now();
			for (const p of products) byRows.match(p, now);
			const perProduct = (performance.now() - t0) / products.length;
			const byUpserts = `${label} · index built by upserts`;
			row(byUpserts, "upserts (rules encoded, not yet placed)", Math.round(upserts), "ms");
			row(byUpserts, "flush (places them all)", Math.round(flush), "ms");
			row(byUpserts, "per product, first pass", round(perProduct), "ms");
		}
	}
	// Through the running system: the live preview (the fan-out end to end is its own
	// benchmark, bench/pipeline.bench.ts). BENCH_INDEX_ONLY=1: the index and the naive scan alone.
	if (process.env.BENCH_INDEX_ONLY !== "1") rows.push(...(await preview()));
	return rows;
}
