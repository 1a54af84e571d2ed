/**
 * What an adapter and an enricher are: the shapes every source's module implements and the
 * collector's run calls (index.ts maps the source types to them).
 */
import type { Product } from "../../../domain/product.ts";
import type { Parsed } from "../normalize.ts";
import type { SourceReader } from "../reader.ts";
import type { Source } from "../sources.ts";

export type Adapter = (source: Source, reader: SourceReader, collectedAt: string) => Promise<Parsed>;

/** What an enricher did: the products (completed where it could), and its report. */
export interface Enriched {
	products: Product[];
	/** fetched: records read; products: unused; skipped/unparsed: what it could not use, and why. */
	report: Parsed;
	/** How many products it completed. */
	enriched: number;
}
export type Enricher = (products: Product[], source: Source, reader: SourceReader) => Promise<Enriched>;
