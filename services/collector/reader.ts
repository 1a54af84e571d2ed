/**
 * What an adapter reads its source through: text, JSON, raw bytes (archives) or lines as
 * they arrive (CSVs of many MB), from the web, a file or a bundled snapshot alike, always
 * within the source's byte limit. A snapshot stands in for every URL of its source, so a
 * paged or multi-host source's snapshot is one response that says it is the only page.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { decode, FetchError, type Http } from "./http.ts";
import type { Source } from "./sources.ts";

export interface SourceReader {
	/** The body at `url` (the source's own when omitted), decoded by its charset. */
	text(url?: string, headers?: Record<string, string>): Promise<string>;
	/** JSON at `url`; a body that is not JSON fails the source as a changed format. */
	json(url?: string, headers?: Record<string, string>): Promise<unknown>;
	/** The raw body (a zip archive). */
	bytes(url?: string, headers?: Record<string, string>): Promise<Uint8Array>;
	/** The body's lines as they arrive, decoded as `encoding` (default latin-1), without line ends. */
	lines(url?: string, encoding?: string, headers?: Record<string, string>): AsyncIterable<string>;
}

/** The source's answer is not what its adapter knows: a changed shape, named, never an empty run. */
export class SourceFormatError extends Error {
	override name = "SourceFormatError";
	readonly kind = "format";
}

/** How a JSON value looks, for "expected {items,total_pages}, got an array". */
export function shapeOf(value: unknown): string {
	if (Array.isArray(value)) return "an array";
	if (value === null) return "null";
	if (typeof value === "object") {
		const keys = Object.keys(value as object);
		return keys.length === 0
			? "an empty object"
			: `{${keys.slice(0, 6).join(",")}${keys.length > 6 ? ",…" : ""}}`;
	}
	return `a ${typeof value}`;
}

export function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch (err) {
		throw new SourceFormatError(`response is not valid JSON (${(err as Error).message.slice(0, 80)})`);
	}
}

/** Splits decoded text into lines across chunk boundaries (\n or \r\n). */
export async function* splitLines(
	chunks: AsyncIterable<Uint8Array>,
	encoding: string,
): AsyncGenerator<string> {
	const decoder = new TextDecoder(encoding);
	let rest = "";
	for await (const chunk of chunks) {
		rest += decoder.decode(chunk, { stream: true });
		const parts = rest.split("\n");
		rest = parts.pop() ?? "";
		for (const line of parts) yield line.endsWith("\r") ? line.slice(0, -1) : line;
	}
	rest += decoder.decode();
	if (rest !== "") yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}

/** A file's bytes as they are read, refused past the limit. */
async function* fileChunks(path: string, maxBytes: number): AsyncGenerator<Uint8Array> {
	const { size } = await stat(path);
	if (size > maxBytes)
		throw new FetchError(`file of ${size} bytes is over the ${maxBytes}-byte limit`, false, "too-large");
	for await (const chunk of createReadStream(path)) yield chunk as Uint8Array;
}

export function createReader(source: Source, http: Http, headers: Record<string, string>): SourceReader {
	const { location, limits } = source;
	const urlOf = (url?: string) => {
		if (url) return url;
		if (location.kind === "http") return location.url;
		throw new Error(`source ${source.name} has no URL`);
	};
	const chunks = (url?: string, extra: Record<string, string> = {}): AsyncIterable<Uint8Array> =>
		location.kind === "http"
			? http.getStream(urlOf(url), { ...headers, ...extra }, limits)
			: fileChunks(location.path, limits.maxBytes);
	const body = async (url?: string, extra: Record<string, string> = {}) => {
		if (location.kind === "http") return http.getBody(urlOf(url), { ...headers, ...extra }, limits);
		const parts: Uint8Array[] = [];
		for await (const part of fileChunks(location.path, limits.maxBytes)) parts.push(part);
		return { bytes: Buffer.concat(parts), contentType: "" };
	};
	const reader: SourceReader = {
		async text(url, extra) {
			const { bytes, contentType } = await body(url, extra);
			return decode(bytes, contentType);
		},
		async json(url, extra) {
			return parseJson(await reader.text(url, extra));
		},
		async bytes(url, extra) {
			return (await body(url, extra)).bytes;
		},
		lines(url, encoding = "windows-1252", extra) {
			return splitLines(chunks(url, extra), encoding);
		},
	};
	return reader;
}

/** A download kept for a while, shared by the runs of one collector node. */
export interface CachedBody {
	bytes: Uint8Array;
	at: number;
}

/**
 * The reader with its `bytes()` kept in `cache` for `ttlMs` (a registry published once a
 * day need not be downloaded by every run). When a refresh fails, the copy kept is used
 * rather than nothing: yesterday's registry beats none.
 */
export function cachingBytes(
	reader: SourceReader,
	cache: Map<string, CachedBody>,
	ttlMs: number,
	now: () => number,
): SourceReader {
	return {
		...reader,
		async bytes(url, headers) {
			const key = url ?? "";
			const kept = cache.get(key);
			if (kept && now() - kept.at < ttlMs) return kept.bytes;
			try {
				const bytes = await reader.bytes(url, headers);
				cache.set(key, { bytes, at: now() });
				return bytes;
			} catch (err) {
				if (kept) return kept.bytes;
				throw err;
			}
		},
	};
}
