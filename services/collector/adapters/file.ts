/**
 * The research house's own featured list: JSON (an array of tickers, or of objects) or CSV
 * with a header row. Rows name a ticker of a stock or FII, or carry a full product.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { type Category, categories } from "../../../domain/product.ts";
import { readFields } from "../fields.ts";
import { addProduct, emptyParsed, keyId, type Parsed } from "../normalize.ts";
import { SourceFormatError, shapeOf } from "../reader.ts";
import type { Source } from "../sources.ts";

function rowsOf(text: string, path: string): Record<string, unknown>[] {
	if (/\.json$/i.test(path)) {
		let json: unknown;
		try {
			json = JSON.parse(text);
		} catch (err) {
			throw new SourceFormatError(`file is not valid JSON (${(err as Error).message.slice(0, 80)})`);
		}
		if (!Array.isArray(json)) throw new SourceFormatError(`expected an array, got ${shapeOf(json)}`);
		return json.map((item) =>
			typeof item === "string" ? { ticker: item } : (item as Record<string, unknown>),
		);
	}
	try {
		return parseCsv(text, {
			columns: (header: string[]) => header.map((name) => name.trim()),
			skip_empty_lines: true,
			trim: true,
			bom: true,
			relax_column_count: true,
			// Excel in Brazil writes ";" because "," is the decimal separator.
			delimiter: (text.split("\n", 1)[0] ?? "").includes(";") ? ";" : ",",
		}) as Record<string, unknown>[];
	} catch (err) {
		throw new SourceFormatError(`file is not valid CSV (${(err as Error).message.slice(0, 80)})`);
	}
}

export function parseFile(text: string, source: Source, collectedAt: string): Parsed {
	const parsed = emptyParsed();
	const path = source.location.kind === "http" ? source.location.url : source.location.path;
	const rows = rowsOf(text, path);
	parsed.fetched = rows.length;
	for (const [index, row] of rows.entries()) {
		const label = `row ${index + 1}`;
		if (!row || typeof row !== "object") {
			parsed.skipped.push(`${label}: not an object`);
			continue;
		}
		const category = (row.category || source.category || (row.ticker ? undefined : "")) as Category;
		if (!categories.includes(category)) {
			parsed.skipped.push(
				`${label}: category ${row.category ? `"${String(row.category).slice(0, 20)}" is unknown` : "missing"}`,
			);
			continue;
		}
		// A note from the analyst is the product's description.
		const { note, ...fields } = row;
		const input = { description: note, ...fields };
		const { values, unparsed } = readFields(input, category, {});
		// A blank ticker cell is a row of another kind (a CDB, a COE), not a bad ticker.
		const ticker = typeof row.ticker === "string" ? row.ticker.trim() : row.ticker;
		if (ticker !== undefined && ticker !== "" && values.ticker === undefined) {
			parsed.skipped.push(`${label}: "${String(row.ticker).slice(0, 20)}" is not a B3 ticker`);
			continue;
		}
		if (!values.name && values.ticker) values.name = values.ticker;
		const nativeId =
			(values.ticker as string | undefined) ??
			(typeof row.id === "string" && row.id.trim() ? row.id.trim().slice(0, 100) : undefined) ??
			(values.name ? keyId([values.name, values.issuer, values.maturityDate]) : undefined);
		addProduct(parsed, source, { label, category, nativeId, values, unparsed, collectedAt });
	}
	return parsed;
}
