/**
 * The CVM's fund and class registry (Resolution 175), an enricher: `registro_fundo_classe.zip`
 * holds `registro_fundo.csv` (one row per fund: name, situation, manager) and
 * `registro_classe.csv` (one row per class: its own CNPJ, name, situation, ANBIMA class,
 * target audience), latin-1, `;`, joined on `ID_Registro_Fundo` (../shared/SOURCES.md).
 *
 * The archive (several MB) is read whole, within the source's byte limit; the CSVs inside
 * are many times larger and are never held whole: each entry is inflated a slice at a time
 * and read line by line, keeping only the rows of the CNPJs the products carry. Brokers may
 * list a fund's CNPJ or, since Resolution 175, its class's, so a CNPJ is looked up as both.
 */
import { Unzip, UnzipInflate, unzipSync } from "fflate";
import { audiences, type FundProduct, type PensionProduct, type Product } from "../../../domain/product.ts";
import { validateProduct } from "../../../domain/validate.ts";
import { parsers, preview } from "../fields.ts";
import { cleanText } from "../formats.ts";
import { emptyParsed } from "../normalize.ts";
import { SourceFormatError, splitLines } from "../reader.ts";
import type { Enricher } from "./types.ts";

const fundEntry = "registro_fundo.csv";
const classEntry = "registro_classe.csv";
const fundColumns = ["ID_Registro_Fundo", "CNPJ_Fundo", "Denominacao_Social", "Situacao", "Gestor"] as const;
const classColumns = [
	"ID_Registro_Fundo",
	"CNPJ_Classe",
	"Denominacao_Social",
	"Situacao",
	"Classificacao_Anbima",
	"Publico_Alvo",
] as const;
/** The one situation in which a fund or class takes money (others: cancelled, in liquidation, pre-operational…). */
const normalOperation = "em funcionamento normal";
/** Compressed bytes handed to the inflater at a time: a few hundred kB of CSV come out of each. */
const sliceBytes = 64 * 1024;

type Registered = FundProduct | PensionProduct;
type Fund = Record<(typeof fundColumns)[number], string>;
type Class = Record<(typeof classColumns)[number], string>;

const digits = (value: string) => value.replace(/\D/g, "");
const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1).toLowerCase();
const isNormal = (situation: string) =>
	situation.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim() ===
	normalOperation;

/** The archive's entries by base name; a body that is not a zip is a changed format. */
function entriesOf(archive: Uint8Array): Map<string, string> {
	const entries = new Map<string, string>();
	try {
		// The filter sees every entry of the central directory; refusing them all inflates nothing.
		unzipSync(archive, {
			filter: ({ name }) => {
				if (!entries.has(baseName(name))) entries.set(baseName(name), name);
				return false;
			},
		});
	} catch (err) {
		throw new SourceFormatError(`expected a zip archive, got ${preview((err as Error).message)}`);
	}
	for (const wanted of [fundEntry, classEntry])
		if (!entries.has(wanted))
			throw new SourceFormatError(
				`expected ${fundEntry} and ${classEntry} in the archive, found ${[...entries.values()].join(", ") || "no entries"}`,
			);
	return entries;
}

/** One entry's bytes as they are inflated, letting other work run between slices. */
async function* entryBytes(archive: Uint8Array, entry: string): AsyncGenerator<Uint8Array> {
	const ready: Uint8Array[] = [];
	let started = false;
	let ended = false;
	let failure: Error | null = null;
	const unzip = new Unzip((file) => {
		if (started || file.name !== entry) return;
		started = true;
		file.ondata = (err, data, final) => {
			if (err) failure = err;
			else ready.push(data);
			if (final) ended = true;
		};
		file.start();
	});
	unzip.register(UnzipInflate);
	for (let at = 0; at < archive.length && !ended && !failure; at += sliceBytes) {
		try {
			unzip.push(archive.subarray(at, at + sliceBytes), at + sliceBytes >= archive.length);
		} catch (err) {
			failure = err as Error;
		}
		yield* ready.splice(0);
		await new Promise(setImmediate);
	}
	if (failure) throw new SourceFormatError(`${entry} cannot be read: ${(failure as Error).message}`);
	if (!ended) throw new SourceFormatError(`${entry} ends before its data does`);
}

/**
 * Calls `visit` with each row of a CSV entry as an accessor by column name, after checking
 * that its header has `columns`. Returns how many rows were read and the malformed ones.
 */
async function eachRow<C extends string>(
	archive: Uint8Array,
	entry: string,
	columns: readonly C[],
	visit: (value: (column: C) => string) => void,
): Promise<{ rows: number; malformed: string[] }> {
	const found = { rows: 0, malformed: [] as string[] };
	let index: Map<string, number> | undefined;
	let line = 0;
	for await (const text of splitLines(entryBytes(archive, entry), "windows-1252")) {
		line++;
		if (text.trim() === "") continue;
		const fields = text.split(";");
		if (!index) {
			index = new Map(fields.map((name, at) => [name.replace(/^\uFEFF/, "").trim(), at]));
			const missing = columns.filter((column) => !index?.has(column));
			if (missing.length > 0)
				throw new SourceFormatError(
					`${baseName(entry)}: expected the columns ${columns.join(", ")}; missing ${missing.join(", ")}`,
				);
			continue;
		}
		found.rows++;
		// The CVM's files are not quoted: a row with another number of fields cannot be read.
		if (fields.length !== index.size) {
			found.malformed.push(
				`${baseName(entry)} line ${line}: ${fields.length} fields, the header has ${index.size}`,
			);
			continue;
		}
		const at = index;
		visit((column) => (fields[at.get(column) ?? -1] ?? "").trim());
	}
	if (!index)
		throw new SourceFormatError(`${baseName(entry)} is empty: expected a header with ${columns.join(", ")}`);
	return found;
}

const pick = <C extends string>(value: (column: C) => string, columns: readonly C[]) =>
	Object.fromEntries(columns.map((column) => [column, value(column)])) as Record<C, string>;

/** What the registry says of one CNPJ: its fund and, when it can tell which, its class. */
interface Registration {
	fund?: Fund;
	class?: Class;
	/** The CNPJ is the fund's, which has several classes and none under this CNPJ. */
	classes?: number;
	/** The name on record: the fund's when the CNPJ is the fund's, else the class's. */
	name: string;
}

const operating = (r: Registration) =>
	[r.fund?.Situacao, r.class?.Situacao].every((s) => s === undefined || isNormal(s));

/** Every registration of `cnpj`, the operating ones first (an old cancelled record may share it). */
function registrationsOf(
	cnpj: string,
	funds: Map<string, Fund>,
	classesOf: Map<string, Class[]>,
	classes: Class[],
): Registration[] {
	const found: Registration[] = [];
	for (const fund of funds.values()) {
		if (digits(fund.CNPJ_Fundo) !== cnpj) continue;
		const own = classesOf.get(fund.ID_Registro_Fundo) ?? [];
		const same = own.find((c) => digits(c.CNPJ_Classe) === cnpj) ?? (own.length === 1 ? own[0] : undefined);
		found.push(
			same
				? { fund, class: same, name: fund.Denominacao_Social || same.Denominacao_Social }
				: { fund, classes: own.length, name: fund.Denominacao_Social },
		);
	}
	for (const kept of classes) {
		if (digits(kept.CNPJ_Classe) !== cnpj || found.some((r) => r.class === kept)) continue;
		found.push({ fund: funds.get(kept.ID_Registro_Fundo), class: kept, name: kept.Denominacao_Social });
	}
	return found.sort((a, b) => Number(operating(b)) - Number(operating(a)));
}

/** The registry's fields over the product's, and the values it could not read. */
function complete(product: Registered, r: Registration): { product: Registered; unreadable: string[] } {
	const label = `CNPJ ${product.cnpj}`;
	const unreadable: string[] = [];
	const next: Registered = { ...product };
	const set = (field: "registeredName" | "manager" | "anbimaClass" | "cvmSituation", raw = "", max = 200) => {
		const value = cleanText(raw, max);
		if (value) next[field] = value;
	};
	set("registeredName", r.name);
	set("manager", r.fund?.Gestor);
	set("anbimaClass", r.class?.Classificacao_Anbima, 100);
	// A cancelled or liquidating fund stops its classes too: the stricter of the two is shown.
	const situations = [r.class?.Situacao, r.fund?.Situacao].filter((s): s is string => !!s);
	set("cvmSituation", situations.find((s) => !isNormal(s)) ?? situations[0], 100);
	if (!operating(r)) next.openToInvestment = false;
	if (r.classes)
		unreadable.push(
			`${label}: ${product.category === "fund" ? "anbimaClass, audience" : "anbimaClass"} "the fund has ${r.classes} classes, none under this CNPJ"`,
		);
	// A pension fund (FIE) is held by the insurer, not by the plan's client: its audience says
	// who may hold its quotas, not who may buy the plan, so it is read for funds only.
	if (product.category !== "fund") return { product: next, unreadable };
	// The class a broker's CNPJ stands for: one product however each broker lists it (docs/venues.md).
	const classCnpj = digits(r.class?.CNPJ_Classe ?? "");
	if (classCnpj.length === 14 && classCnpj !== product.cnpj) (next as FundProduct).classCnpj = classCnpj;
	const publico = r.class?.Publico_Alvo ?? "";
	const audience = parsers.audience(publico);
	if (publico && !audience) unreadable.push(`${label}: audience "${preview(publico)}"`);
	// The stricter audience wins: the broker may sell a class to fewer investors than the
	// registry allows, and the registry binds the broker; offering a product to someone who
	// may not buy it is the worse mistake, so a looser value never replaces a stricter one.
	if (audience && audiences.indexOf(audience) > audiences.indexOf(next.audience ?? "general"))
		next.audience = audience;
	return { product: next, unreadable };
}

export const cvmFunds: Enricher = async (products, _source, reader) => {
	const report = emptyParsed();
	const wanted = new Set<string>();
	for (const product of products)
		if (product.category === "fund" || product.category === "pension") {
			if (product.cnpj) wanted.add(product.cnpj);
			else report.skipped.push(`${product.id}: no CNPJ to look up`);
		}
	// Nothing to look up (no fund source ran): the archive is not worth its megabytes.
	if (wanted.size === 0) return { products, report, enriched: 0 };

	const archive = await reader.bytes();
	const entries = entriesOf(archive);
	const funds = new Map<string, Fund>();
	const read = await eachRow(archive, entries.get(fundEntry) as string, fundColumns, (value) => {
		if (wanted.has(digits(value("CNPJ_Fundo"))))
			funds.set(value("ID_Registro_Fundo"), pick(value, fundColumns));
	});
	// The classes listed by their own CNPJ, and every class of a fund found by the fund's.
	const classes: Class[] = [];
	const readClasses = await eachRow(archive, entries.get(classEntry) as string, classColumns, (value) => {
		if (wanted.has(digits(value("CNPJ_Classe"))) || funds.has(value("ID_Registro_Fundo")))
			classes.push(pick(value, classColumns));
	});
	// The funds of classes found by their own CNPJ, for their manager and situation: read again
	// only when some are missing, rather than keeping every fund of the registry in memory.
	const parents = new Set(classes.map((c) => c.ID_Registro_Fundo).filter((id) => !funds.has(id)));
	if (parents.size > 0)
		await eachRow(archive, entries.get(fundEntry) as string, fundColumns, (value) => {
			if (parents.has(value("ID_Registro_Fundo")))
				funds.set(value("ID_Registro_Fundo"), pick(value, fundColumns));
		});
	report.fetched = read.rows + readClasses.rows;
	report.skipped.push(...read.malformed, ...readClasses.malformed);

	const classesOf = new Map<string, Class[]>();
	for (const c of classes)
		classesOf.set(c.ID_Registro_Fundo, [...(classesOf.get(c.ID_Registro_Fundo) ?? []), c]);
	const unknown = new Set<string>();
	let enriched = 0;
	const completed = products.map((product): Product => {
		if ((product.category !== "fund" && product.category !== "pension") || !product.cnpj) return product;
		const [registration] = registrationsOf(product.cnpj, funds, classesOf, classes);
		if (!registration) {
			if (!unknown.has(product.cnpj)) report.skipped.push(`CNPJ ${product.cnpj}: not in the CVM registry`);
			unknown.add(product.cnpj);
			return product;
		}
		const { product: next, unreadable } = complete(product, registration);
		const valid = validateProduct(next);
		if (!valid.ok) {
			report.skipped.push(`CNPJ ${product.cnpj}: ${valid.errors.join("; ")}`);
			return product;
		}
		for (const line of unreadable) if (!report.unparsed.includes(line)) report.unparsed.push(line);
		enriched++;
		return valid.value;
	});
	return { products: completed, report, enriched };
};
