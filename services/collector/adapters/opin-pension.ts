/**
 * Open Insurance Brasil's life-pension v2 (phase-1 open data, keyless): every insurer
 * publishes its PGBL/VGBL plans on its own host, each plan listing the investment funds
 * (FIEs) a saver chooses between, so one product per (plan, fund) pair. Hosts come from the
 * source's `hosts` or from the participants directory at its `url`.
 *
 * Quirks (../shared/SOURCES.md, docs/sources.md): `cache-control` is required (400 without:
 * a default header), the spec spells `defferalPeriod`, some funds are listed only under
 * `grantPeriodBenefit`, hosts cap or ignore `page-size` silently (so `meta.totalPages` is
 * followed), fees are percent strings written "1.5" or "1,8" (numbers in v1), and some
 * hosts' TLS chains end in ICP-Brasil roots (NODE_EXTRA_CA_CERTS).
 */
import pLimit from "p-limit";
import type { SourceProblem } from "../../../domain/contracts.ts";
import { pensionPlanTypes } from "../../../domain/product.ts";
import { preview, readFields, type Unparsed } from "../fields.ts";
import { parseBoolean, parseMoney, parsePercent, parseTermDays } from "../formats.ts";
import { FetchError } from "../http.ts";
import { absoluteUrl, addProduct, emptyParsed, keyId, type Parsed } from "../normalize.ts";
import { parseJson, SourceFormatError, type SourceReader, shapeOf } from "../reader.ts";
import type { Source } from "../sources.ts";
import type { RawItem } from "./json.ts";
import type { Adapter } from "./types.ts";

const apiPath = "/open-insurance/products-services/v2/life-pension";
const familyType = "products-services_life-pension";
/** Hosts were seen serving 10 or 25 a page whatever was asked; larger asks lose products on some. */
const defaultPageSize = 25;
const defaultMaxPages = 100;
const maxHosts = 200;
/** Hosts read at once; each host's own requests are limited by http.ts. */
const hostsAtOnce = 8;
/** Directory entries "as filed" that serve test data: `api-hml.`, `openinsurance-dev.`, `sandbox.`… */
const testHost = /(^|[.-])(hml|homolog|homologacao|sandbox|dev|staging|stg|uat)([.-]|$)/i;

const isObject = (value: unknown): value is RawItem =>
	value !== null && typeof value === "object" && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const label = (base: string) => base.replace(/^https?:\/\//, "");
/** A string value as given (trimmed), for names and codes that must not be cut. */
const str = (value: unknown) =>
	typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : "";

/** A participant's API base: its URL up to `/open-insurance/` (a configured one keeps its path). */
function baseOf(endpoint: string, configured: boolean): string | undefined {
	let url: URL;
	try {
		url = new URL(endpoint.trim());
	} catch {
		return undefined;
	}
	if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
	const at = url.pathname.indexOf("/open-insurance/");
	const prefix = at >= 0 ? url.pathname.slice(0, at) : configured ? url.pathname.replace(/\/+$/, "") : "";
	return `${url.origin}${prefix}`;
}

/** The directory's organisations → AuthorisationServers → ApiResources of the life-pension family. */
function hostsFromDirectory(json: unknown): { hosts: string[]; notes: string[] } {
	const where = "participants directory";
	if (!Array.isArray(json))
		throw new SourceFormatError(`${where}: expected an array of organisations, got ${shapeOf(json)}`);
	const hosts: string[] = [];
	const notes: string[] = [];
	const seen = new Set<string>();
	let withServers = 0;
	for (const org of json) {
		if (!isObject(org) || !Array.isArray(org.AuthorisationServers)) continue;
		withServers++;
		if (typeof org.Status === "string" && org.Status !== "Active") continue;
		const name = preview(org.OrganisationName ?? org.RegisteredName ?? org.OrganisationId);
		for (const server of org.AuthorisationServers)
			for (const resource of list(isObject(server) ? server.ApiResources : undefined)) {
				if (!isObject(resource) || resource.ApiFamilyType !== familyType) continue;
				for (const discovery of list(resource.ApiDiscoveryEndpoints)) {
					const endpoint = isObject(discovery) ? discovery.ApiEndpoint : undefined;
					const base = typeof endpoint === "string" ? baseOf(endpoint, false) : undefined;
					if (!base) notes.push(`${where}: ${name} lists ${preview(endpoint)}, not an http(s) URL`);
					else if (!seen.has(base)) {
						seen.add(base);
						if (!testHost.test(new URL(base).hostname)) hosts.push(base);
						else
							notes.push(
								`host ${label(base)}: ${name} lists a homologation or sandbox host; not read (name it in "hosts" to read it)`,
							);
					}
				}
			}
	}
	if (json.length > 0 && withServers === 0)
		throw new SourceFormatError(
			`${where}: expected organisations with AuthorisationServers[], got ${shapeOf(json[0])}`,
		);
	if (hosts.length === 0)
		throw new SourceFormatError(
			`${where}: no active organisation lists a ${familyType} endpoint (${json.length} organisations)${notes.length > 0 ? `; ${notes.join("; ")}` : ""}`,
		);
	return { hosts, notes };
}

async function hostsOf(source: Source, reader: SourceReader): Promise<{ hosts: string[]; notes: string[] }> {
	let found: { hosts: string[]; notes: string[] };
	if (source.hosts) {
		const bases = source.hosts.map((host) => baseOf(host, true));
		found = {
			hosts: [...new Set(bases.filter((base): base is string => base !== undefined))],
			notes: source.hosts.filter((_, i) => !bases[i]).map((host) => `host ${host}: not an http(s) URL`),
		};
	} else if (source.location.kind !== "http")
		throw new Error(
			`${source.name}: a snapshot answers every URL with the same body, so this source needs "hosts" with exactly one host`,
		);
	else found = hostsFromDirectory(await reader.json());
	if (found.hosts.length > maxHosts) {
		found.notes.push(`${found.hosts.length} hosts listed; only the first ${maxHosts} read`);
		found.hosts = found.hosts.slice(0, maxHosts);
	}
	return found;
}

interface Page {
	companies: unknown[];
	totalPages: number;
	totalRecords?: number;
}

const envelope = "{data:{brand:{companies:[…]}},links,meta:{totalRecords,totalPages}}";

/** One page's envelope, or a SourceFormatError naming where it differs. */
function pageOf(text: string): Page {
	if (text.trim() === "") throw new SourceFormatError(`expected ${envelope}, got an empty body`);
	const json = parseJson(text);
	let at: unknown = json;
	let path = "";
	for (const step of ["data", "brand", "companies"]) {
		if (!isObject(at) || !(step in at))
			throw new SourceFormatError(`expected ${envelope}, got ${path ? `${path}: ` : ""}${shapeOf(at)}`);
		at = at[step];
		path = path ? `${path}.${step}` : step;
	}
	if (!Array.isArray(at)) throw new SourceFormatError(`expected ${envelope}, got ${path}: ${shapeOf(at)}`);
	const meta = isObject(json) ? json.meta : undefined;
	const count = (value: unknown) => {
		const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
		return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
	};
	const totalPages = count(isObject(meta) ? meta.totalPages : undefined);
	if (totalPages === undefined) {
		const got = !isObject(meta)
			? meta === undefined
				? "no meta"
				: `meta: ${shapeOf(meta)}`
			: meta.totalPages === undefined
				? `meta: ${shapeOf(meta)}`
				: `meta.totalPages: ${preview(meta.totalPages) || shapeOf(meta.totalPages)}`;
		throw new SourceFormatError(`expected meta.totalPages (an integer), got ${got}`);
	}
	const totalRecords = count(isObject(meta) ? meta.totalRecords : undefined);
	return { companies: at, totalPages, ...(totalRecords === undefined ? {} : { totalRecords }) };
}

/** Every page of one host, following `meta.totalPages` (never a count computed from the page size). */
async function readHost(
	reader: SourceReader,
	base: string,
	pageSize: number,
	maxPages: number,
): Promise<{ pages: unknown[][]; problems: string[] }> {
	const url = (page: number) => `${base}${apiPath}?page=${page}&page-size=${pageSize}`;
	const first = pageOf(await reader.text(url(1)));
	const last = Math.min(Math.max(first.totalPages, 1), maxPages);
	const problems: string[] = [];
	if (first.totalPages > maxPages)
		problems.push(
			`host ${label(base)}: ${first.totalPages} pages; only the first ${maxPages} read (maxPages)`,
		);
	const rest = await Promise.allSettled(
		Array.from({ length: last - 1 }, async (_, i) => pageOf(await reader.text(url(i + 2))).companies),
	);
	const pages = [first.companies];
	for (const [i, page] of rest.entries()) {
		if (page.status === "fulfilled") pages.push(page.value);
		else problems.push(`host ${label(base)}: page ${i + 2} of ${last}: ${(page.reason as Error).message}`);
	}
	const plans = pages
		.flat()
		.reduce<number>((n, company) => n + list(isObject(company) && company.products).length, 0);
	if (plans === 0) problems.push(`host ${label(base)}: lists no plans`);
	else if (problems.length === 0 && first.totalRecords !== undefined && plans < first.totalRecords)
		problems.push(
			`host ${label(base)}: meta.totalRecords says ${first.totalRecords} plans but its pages listed ${plans}: it drops some silently (try a smaller pageSize)`,
		);
	return { pages, problems };
}

/** A percent as the spec writes it ("1.5" = 1.5 %), Icatu ("1,8") or v1 (a number) → a fraction. */
function fee(input: unknown): { value?: number; raw?: string } {
	if (input === undefined || input === null || input === "") return {};
	const text = typeof input === "string" ? input.trim().replace(/\s*%$/, "") : undefined;
	// A dot is always the decimal point here: no percentage has a thousands separator.
	const percent =
		typeof input === "number"
			? input
			: text && /^\d{1,3}([.,]\d+)?$/.test(text)
				? Number(text.replace(",", "."))
				: NaN;
	const value =
		Number.isFinite(percent) && percent >= 0 && percent <= 100 ? parsePercent(percent) : undefined;
	return value === undefined ? { raw: preview(input) } : { value };
}

/** Fees, minimum and audience of one (plan, fund) pair, read by the spec's rules. */
function pairValues(product: RawItem, deferral: RawItem | undefined, fund: RawItem, unparsed: Unparsed[]) {
	const values: Record<string, unknown> = {};
	const admin = fee(fund.maximumAdministrationFee);
	if (admin.value !== undefined) values.adminFee = admin.value;
	else if (admin.raw) unparsed.push({ field: "adminFee", value: admin.raw });
	// The maximum performance fee is given only when charged directly; NAO_APLICA means none.
	const kinds =
		typeof fund.typePerformanceFee === "string" ? [fund.typePerformanceFee] : list(fund.typePerformanceFee);
	if (kinds.includes("DIRETAMENTE")) {
		const performance = fee(fund.maximumPerformanceFee);
		if (performance.value !== undefined) values.performanceFee = performance.value;
		else
			unparsed.push({
				field: "performanceFee",
				value: performance.raw ?? "DIRETAMENTE, no maximumPerformanceFee",
			});
	} else if (kinds.length > 0 && kinds.every((kind) => kind === "NAO_APLICA")) values.performanceFee = 0;
	// Each minimumPremiumAmount is a way to join (monthly, single…): the smallest opens the plan;
	// a fund with an eligibility rule asks at least its own minimum contribution.
	const minimums: number[] = [];
	for (const entry of list(deferral?.minimumPremiumAmount)) {
		const raw = isObject(entry) ? entry.minimumPremiumAmountValue : undefined;
		if (raw === undefined || raw === null || raw === "") continue;
		const amount = parseMoney(raw);
		if (amount === undefined) unparsed.push({ field: "minimumInvestment", value: preview(raw) });
		else minimums.push(amount);
	}
	const known = minimums.length > 0 ? [Math.min(...minimums)] : [];
	if (fund.eligibilityRule === true && fund.minimumContributionAmount !== undefined) {
		const amount = parseMoney(fund.minimumContributionAmount);
		if (amount === undefined)
			unparsed.push({ field: "minimumInvestment", value: preview(fund.minimumContributionAmount) });
		else known.push(amount);
	}
	if (known.length > 0) values.minimumInvestment = Math.max(...known);
	const requirements = isObject(product.minimumRequirements) ? product.minimumRequirements : {};
	if (requirements.participantQualified !== undefined) {
		const qualified = parseBoolean(requirements.participantQualified);
		if (qualified === undefined)
			unparsed.push({ field: "audience", value: preview(requirements.participantQualified) });
		else values.audience = qualified ? "qualified" : "general";
	}
	return values;
}

const cnpjKey = (value: unknown) =>
	typeof value === "string" || typeof value === "number"
		? String(value)
				.toUpperCase()
				.replace(/[^A-Z0-9]/g, "") || undefined
		: undefined;

/** A plan's funds per detail, from both periods, each fund once (the accumulation listing first). */
function fundsOf(details: RawItem[]): { detail: RawItem; deferral?: RawItem; fund: RawItem }[] {
	return details.flatMap((detail) => {
		const deferral = [detail.defferalPeriod, detail.deferralPeriod].find(isObject);
		const grant = isObject(detail.grantPeriodBenefit) ? detail.grantPeriodBenefit : undefined;
		const seen = new Set<string>();
		return [...list(deferral?.investmentFunds), ...list(grant?.investmentFunds)]
			.filter(isObject)
			.flatMap((fund) => {
				const key = cnpjKey(fund.cnpjNumber) ?? JSON.stringify(fund);
				if (seen.has(key)) return [];
				seen.add(key);
				return [{ detail, ...(deferral ? { deferral } : {}), fund }];
			});
	});
}

/**
 * Pairs of one host's pages into `parsed`. Returns the plans read and why some could not be
 * read at all (a changed shape when it is every one of them).
 */
function parsePlans(
	pages: unknown[][],
	source: Source,
	collectedAt: string,
	seen: Set<string>,
	parsed: Parsed,
) {
	const malformed: string[] = [];
	let plans = 0;
	for (const company of pages.flat()) {
		const companyName = preview(isObject(company) ? company.name : company);
		if (!isObject(company) || !Array.isArray(company.products)) {
			plans++;
			malformed.push(
				`company ${companyName}: expected products[], got ${shapeOf(isObject(company) ? company.products : company)}`,
			);
			continue;
		}
		const companyCnpj = cnpjKey(company.cnpjNumber);
		for (const product of company.products) {
			plans++;
			const code = isObject(product) ? str(product.code) : "";
			const plan = `${companyName}: plan ${code || "without code"}`;
			const details = isObject(product) ? product.productDetails : undefined;
			if (!isObject(product) || !Array.isArray(details)) {
				malformed.push(
					`${plan}: expected productDetails[], got ${shapeOf(isObject(product) ? details : product)}`,
				);
				continue;
			}
			const objects = details.filter(isObject);
			if (
				objects.length > 0 &&
				objects.every(
					(d) => !isObject(d.defferalPeriod ?? d.deferralPeriod) && !isObject(d.grantPeriodBenefit),
				)
			) {
				malformed.push(
					`${plan}: expected productDetails[].defferalPeriod or grantPeriodBenefit, got ${shapeOf(objects[0])}`,
				);
				continue;
			}
			const pairs = fundsOf(objects);
			parsed.fetched += Math.max(pairs.length, 1);
			if (pairs.length === 0) parsed.skipped.push(`${plan}: lists no investment fund`);
			else if (product.targetAudience === "PESSOA_JURIDICA")
				parsed.skipped.push(
					`${plan}: sold to legal persons (targetAudience PESSOA_JURIDICA); its ${pairs.length} funds left out`,
				);
			else if (!companyCnpj || !code)
				parsed.skipped.push(`${plan}: no company CNPJ or plan code to recognise it by`);
			else
				for (const pair of pairs)
					addPair(pair, { product, company, companyCnpj, code, plan }, source, collectedAt, seen, parsed);
		}
	}
	return { plans, malformed };
}

function addPair(
	{ detail, deferral, fund }: ReturnType<typeof fundsOf>[number],
	of: { product: RawItem; company: RawItem; companyCnpj: string; code: string; plan: string },
	source: Source,
	collectedAt: string,
	seen: Set<string>,
	parsed: Parsed,
): void {
	const fundCnpj = cnpjKey(fund.cnpjNumber);
	const itemLabel = `${of.plan}, fund ${fundCnpj ?? preview(fund.companyName)}`;
	if (!fundCnpj) {
		parsed.skipped.push(`${itemLabel}: a fund without a CNPJ`);
		return;
	}
	let nativeId = `${of.companyCnpj}:${of.code}:${fundCnpj}`;
	if (nativeId.length > 100) nativeId = `${of.companyCnpj}:${keyId([of.code])}:${fundCnpj}`;
	if (seen.has(nativeId)) {
		parsed.skipped.push(
			`${itemLabel}: listed again (SUSEP process ${preview(detail.susepProcessNumber)}); the first listing is kept`,
		);
		return;
	}
	seen.add(nativeId);
	const type = typeof of.product.type === "string" ? of.product.type.trim().toUpperCase() : of.product.type;
	const grace = parseTermDays(deferral?.gracePeriodRedemption);
	const planName = str(of.product.name);
	const { values, unparsed } = readFields(
		{
			name: planName ? `${planName} — ${str(fund.companyName) || fundCnpj}` : undefined,
			issuer: of.company.name,
			planType: type === "DEMAIS_PRODUTOS_PREVIDENCIA" ? "DEMAIS" : type,
			cnpj: fund.cnpjNumber,
			fundName: fund.companyName,
			susepProcess: detail.susepProcessNumber,
			// Days from the redemption request to payment; the grace period (carência) is a lock-up after each contribution.
			redemptionDays: deferral?.redemptionPaymentTerm,
			url: absoluteUrl(detail.contractTermsConditions, undefined),
			description:
				grace !== undefined ? `Carência para resgate: ${grace} ${grace === 1 ? "dia" : "dias"}.` : undefined,
		},
		"pension",
	);
	if (values.planType !== undefined && !(pensionPlanTypes as readonly unknown[]).includes(values.planType)) {
		unparsed.push({ field: "planType", value: preview(of.product.type) });
		delete values.planType;
	}
	Object.assign(values, pairValues(of.product, deferral, fund, unparsed));
	addProduct(parsed, source, {
		label: itemLabel,
		category: "pension",
		nativeId,
		values,
		unparsed,
		collectedAt,
	});
}

/** The error of a source whose every host failed: their common kind, or "other". */
function everyHostFailed(failures: { host: string; error: Error }[]): Error {
	const kindOf = (error: Error) =>
		((error as { kind?: SourceProblem["kind"] }).kind ?? "other") as SourceProblem["kind"];
	const kinds = new Set(failures.map(({ error }) => kindOf(error)));
	const statuses = new Set(failures.map(({ error }) => (error as { httpStatus?: number }).httpStatus));
	const shown = failures.slice(0, 5).map(({ host, error }) => `host ${label(host)}: ${error.message}`);
	if (failures.length > 5) shown.push(`and ${failures.length - 5} more`);
	const detail =
		failures.length === 1 ? (shown[0] ?? "") : `every host failed (${failures.length}): ${shown.join("; ")}`;
	const [kind = "other"] = kinds.size === 1 ? kinds : ["other" as const];
	if (kind === "format") return new SourceFormatError(detail);
	const [status] = statuses.size === 1 ? statuses : [undefined];
	return new FetchError(detail, false, kind, status);
}

export const opinPension: Adapter = async (source, reader, collectedAt) => {
	const { hosts, notes } = await hostsOf(source, reader);
	const pageSize = source.pageSize ?? defaultPageSize;
	const maxPages = source.maxPages ?? defaultMaxPages;
	const limit = pLimit(hostsAtOnce);
	const results = await Promise.allSettled(
		hosts.map((host) => limit(() => readHost(reader, host, pageSize, maxPages))),
	);
	const parsed = emptyParsed();
	// Host problems lead the skipped reasons: the run summary keeps only the first examples.
	const problems = [...notes];
	const failures: { host: string; error: Error }[] = [];
	const seen = new Set<string>();
	for (const [i, result] of results.entries()) {
		const host = hosts[i] as string;
		let error: Error | undefined;
		if (result.status === "rejected") error = result.reason as Error;
		else {
			problems.push(...result.value.problems);
			const { plans, malformed } = parsePlans(result.value.pages, source, collectedAt, seen, parsed);
			if (plans > 0 && malformed.length === plans)
				error = new SourceFormatError(`every plan differs from the spec; ${malformed[0]}`);
			else parsed.skipped.push(...malformed);
		}
		if (error) {
			failures.push({ host, error });
			problems.push(`host ${label(host)}: ${error.message}`);
		}
	}
	if (failures.length === hosts.length) throw everyHostFailed(failures);
	parsed.skipped.unshift(...problems);
	return parsed;
};
