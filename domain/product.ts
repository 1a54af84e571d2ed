/**
 * Products as Insights knows them, whatever broker they came from. Money is in BRL;
 * rates, fees, yields and returns are fractions (0.091 = 9.1%), never percent numbers.
 */

export const categories = ["stock", "reit", "fund", "coe", "pension", "fixed_income"] as const;
export type Category = (typeof categories)[number];

export const rateIndexes = ["CDI", "IPCA", "PRE", "SELIC"] as const;
export type RateIndex = (typeof rateIndexes)[number];

/**
 * Who may buy a product (CVM Resolution 30): anyone, qualified investors (R$ 1 million in
 * financial investments, or certified), or professional investors (R$ 10 million…).
 */
export const audiences = ["general", "qualified", "professional"] as const;
export type Audience = (typeof audiences)[number];

/**
 * Open Insurance's plan types (life-pension v2 `type`): PGBL and VGBL for individuals, and
 * the older and collective kinds a participant may still list.
 */
export const pensionPlanTypes = [
	"PGBL",
	"VGBL",
	"PRGP",
	"PAGP",
	"PRSA",
	"PRI",
	"PDR",
	"VRGP",
	"VAGP",
	"VRSA",
	"VRI",
	"VDR",
	"DEMAIS",
] as const;
export type PensionPlanType = (typeof pensionPlanTypes)[number];

/** Risk on the 1 (lowest) to 5 (highest) scale every source is mapped onto. */
export const riskLevels = [1, 2, 3, 4, 5] as const;
export type RiskLevel = (typeof riskLevels)[number];

/**
 * A rate as brokers quote it: "110% do CDI" = { index: "CDI", percentOfIndex: 1.1 },
 * "IPCA + 6,15%" = { index: "IPCA", spread: 0.0615 }, "Pré 12,4%" = { index: "PRE", spread: 0.124 }.
 */
export interface Rate {
	index: RateIndex;
	percentOfIndex?: number;
	spread?: number;
}

/** Market metrics of a ticker over the 12 months ending at baseDate (see DESIGN.md). */
export interface Metrics {
	ticker: string;
	baseDate: string;
	windowStart: string;
	dividendYield: number;
	meanDailyReturn: number;
	meanDailyVolume: number;
	meanDailyTradedValue: number;
	totalReturn12m: number;
	/** Like totalReturn12m on close instead of adjClose: the price change without dividends. */
	priceReturn12m: number;
	/** Annualized: sample standard deviation of daily log returns × √252. */
	volatility: number;
	maxDrawdown: number;
	/** Number of trading days the window held. */
	points: number;
	/** True when the window held fewer points than 12 months should: numbers are indicative. */
	partial: boolean;
}

/**
 * One product as one source offers it (docs/venues.md): what may differ between the brokers
 * selling the same instrument. The catalogue keeps one per source, keyed by source name.
 */
export interface Venue {
	source: string;
	/** The source as clients know it ("BTG Pactual"), when the sources file names it. */
	label?: string;
	/** The source's own listing: productId(source, category, nativeId). */
	listingId: string;
	/** The name the source gives it. */
	name: string;
	url?: string;
	minimumInvestment?: number;
	adminFee?: number;
	performanceFee?: number;
	audience?: Audience;
	openToInvestment?: boolean;
	withdrawnAt?: string;
	collectedAt: string;
}

/** Fields every product has. */
export interface ProductBase {
	/** Stable across runs: `${source}:${category}:${nativeId}`. */
	id: string;
	source: string;
	category: Category;
	nativeId: string;
	name: string;
	issuer?: string;
	url?: string;
	description?: string;
	riskLevel?: RiskLevel;
	minimumInvestment?: number;
	/** Return over the last 12 months as reported by the source. */
	return12m?: number;
	/** Who may buy it; the collector sets it on every product ("general" when the source says nothing). */
	audience?: Audience;
	/** False when closed to new money (XP `fundingBlocked`, a fund the CVM lists as not operating). */
	openToInvestment?: boolean;
	/** When its source stopped listing it (then openToInvestment is false); absent while listed. */
	withdrawnAt?: string;
	/** When the collector last saw the product. */
	collectedAt: string;
	/** The source as clients know it ("BTG Pactual"), from the sources file's `label`. */
	sourceLabel?: string;
	/**
	 * The catalogue's, never a source's: every source offering this instrument, by source name
	 * (domain/venues.ts). The fields above that a venue also has sum its venues up.
	 */
	venues?: Record<string, Venue>;
	/** The catalogue's: what the market identifies the instrument by (domain/venues.ts `instrumentKey`). */
	instrumentKey?: string;
}

export interface StockProduct extends ProductBase {
	category: "stock";
	ticker: string;
	sector?: string;
	/** Absent until enriched; `metricsUnavailable` says why when enrichment failed. */
	metrics?: Metrics;
	metricsUnavailable?: string;
}

export interface ReitProduct extends ProductBase {
	category: "reit";
	ticker: string;
	/** Logistics, offices, malls, receivables ("papel")… */
	segment?: string;
	metrics?: Metrics;
	metricsUnavailable?: string;
}

export interface FundProduct extends ProductBase {
	category: "fund";
	/** Renda fixa, multimercado, ações, cambial… */
	fundType?: string;
	adminFee?: number;
	performanceFee?: number;
	/** Calendar days from redemption request to cash (D+N). */
	redemptionDays?: number;
	cnpj?: string;
	/** The class's CNPJ when the CVM registry tells it (the fund's may be listed instead, Resolution 175). */
	classCnpj?: string;
	benchmark?: string;
	/** From the CVM registry (cvm-funds): the name on record, the manager, ANBIMA's class, the situation. */
	registeredName?: string;
	manager?: string;
	anbimaClass?: string;
	cvmSituation?: string;
}

export interface CoeProduct extends ProductBase {
	category: "coe";
	underlying?: string;
	protectedCapital?: boolean;
	maturityDate?: string;
	termDays?: number;
	isin?: string;
}

export interface PensionProduct extends ProductBase {
	category: "pension";
	/** PGBL, VGBL… (pensionPlanTypes). */
	planType?: PensionPlanType;
	adminFee?: number;
	performanceFee?: number;
	redemptionDays?: number;
	fundType?: string;
	/** The investment fund of this (plan, fund) pair, and the plan's SUSEP process number. */
	cnpj?: string;
	fundName?: string;
	susepProcess?: string;
	registeredName?: string;
	manager?: string;
	anbimaClass?: string;
	cvmSituation?: string;
}

export interface FixedIncomeProduct extends ProductBase {
	category: "fixed_income";
	/** CDB, LCI, LCA, CRI, CRA, debênture, Tesouro… */
	instrument?: string;
	rate?: Rate;
	maturityDate?: string;
	termDays?: number;
	taxExempt?: boolean;
	redemptionDays?: number;
	/** The price of one unit (Tesouro Direto's PU), in BRL. */
	unitPrice?: number;
	isin?: string;
}

export type Product =
	| StockProduct
	| ReitProduct
	| FundProduct
	| CoeProduct
	| PensionProduct
	| FixedIncomeProduct;

const isoDate = { type: "string", pattern: /^\d{4}-\d{2}-\d{2}$/, patternFlags: "" } as const;
const fraction = () => ({ type: "number", min: -1, max: 100, optional: true }) as const;
const money = () => ({ type: "number", min: 0, optional: true }) as const;
const days = () => ({ type: "number", integer: true, min: 0, optional: true }) as const;
const text = <Optional extends boolean = true>(max: number, optional: Optional = true as Optional) =>
	({ type: "string", max, optional, trim: true }) as const;

const metricsProps = {
	ticker: text(20, false),
	baseDate: isoDate,
	windowStart: isoDate,
	dividendYield: "number",
	meanDailyReturn: "number",
	meanDailyVolume: "number|min:0",
	meanDailyTradedValue: "number|min:0",
	totalReturn12m: "number",
	priceReturn12m: "number",
	volatility: "number|min:0",
	maxDrawdown: "number|min:0|max:1",
	points: "number|integer|min:0",
	partial: "boolean",
} as const;

export const metricsSchema = { $$root: true, type: "object", strict: "remove", props: metricsProps } as const;

/**
 * One schema for all categories: fields that belong to another category are removed
 * (`strict: "remove"`), so a crawled item can never smuggle in fields the model lacks.
 */
export const productSchema = {
	$$root: true,
	type: "object",
	strict: "remove",
	props: {
		id: text(200, false),
		// A source's name as in the sources file: never a ":", which separates the id's parts.
		source: { type: "string", pattern: /^[a-z0-9][a-z0-9-]{0,49}$/ },
		sourceLabel: text(60),
		category: { type: "enum", values: [...categories] },
		nativeId: text(100, false),
		name: { type: "string", min: 1, max: 200, trim: true },
		issuer: text(200),
		url: { type: "url", optional: true },
		description: text(2000),
		riskLevel: { type: "enum", values: [...riskLevels], optional: true },
		minimumInvestment: money(),
		return12m: fraction(),
		audience: { type: "enum", values: [...audiences], optional: true },
		openToInvestment: { type: "boolean", optional: true },
		withdrawnAt: { type: "string", pattern: /^\d{4}-\d{2}-\d{2}T/, optional: true },
		collectedAt: { type: "string", pattern: /^\d{4}-\d{2}-\d{2}T/ },
		ticker: { type: "string", pattern: /^[A-Z0-9^.]{2,12}$/, optional: true },
		sector: text(100),
		segment: text(100),
		metrics: { type: "object", strict: "remove", optional: true, props: metricsProps },
		metricsUnavailable: text(200),
		fundType: text(100),
		adminFee: fraction(),
		performanceFee: fraction(),
		redemptionDays: days(),
		cnpj: { type: "string", pattern: /^\d{14}$/, optional: true },
		classCnpj: { type: "string", pattern: /^\d{14}$/, optional: true },
		isin: { type: "string", pattern: /^[A-Z]{2}[A-Z0-9]{9}\d$/, optional: true },
		benchmark: text(100),
		registeredName: text(200),
		manager: text(200),
		anbimaClass: text(100),
		cvmSituation: text(100),
		fundName: text(200),
		susepProcess: text(50),
		unitPrice: money(),
		underlying: text(200),
		protectedCapital: { type: "boolean", optional: true },
		maturityDate: { ...isoDate, optional: true },
		termDays: days(),
		planType: { type: "enum", values: [...pensionPlanTypes], optional: true },
		instrument: text(50),
		rate: {
			type: "object",
			optional: true,
			strict: "remove",
			props: {
				index: { type: "enum", values: [...rateIndexes] },
				percentOfIndex: { type: "number", min: 0, max: 10, optional: true },
				spread: { type: "number", min: -1, max: 10, optional: true },
			},
		},
		taxExempt: { type: "boolean", optional: true },
	},
} as const;

/** A venue as the catalogue answers it (domain/venues.ts). */
export const venueRule = {
	type: "object",
	props: {
		source: "string",
		label: "string|optional",
		listingId: "string",
		name: "string",
		url: "string|optional",
		minimumInvestment: money(),
		adminFee: fraction(),
		performanceFee: fraction(),
		audience: { type: "enum", values: [...audiences], optional: true },
		openToInvestment: "boolean|optional",
		withdrawnAt: "string|optional",
		collectedAt: "string",
	},
} as const;

/** A product as the catalogue answers it: a listing's fields, its venues and its instrument key. */
export const catalogueProductRule = {
	...productSchema,
	props: {
		...productSchema.props,
		venues: { type: "record", key: "string", value: venueRule, optional: true },
		instrumentKey: text(200),
	},
} as const;

/** Fields only stocks and FIIs carry: the ticker is required for them. */
export const tickerCategories: readonly Category[] = ["stock", "reit"];

export function productId(source: string, category: Category, nativeId: string): string {
	return `${source}:${category}:${nativeId}`;
}

/** The source and category a product id names (ids are checked to be built by productId). */
export function productOrigin(id: string): { source: string; category: string } {
	const [source = "", category = ""] = id.split(":", 2);
	return { source, category };
}

/** The value at a dotted path of a product ("metrics.dividendYield", "rate.index"). */
export function valueAt(product: object, path: string): unknown {
	let value: unknown = product;
	for (const key of path.split(".")) {
		if (value === null || typeof value !== "object") return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}
