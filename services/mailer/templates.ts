/**
 * Mail templates: Handlebars files under templates/, read once, rendered to a subject, an
 * HTML body and a plain-text body. HTML escapes every value; text and subject never do
 * (they are not HTML). Links only become an href when they are absolute http(s) URLs.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import { type MailTemplate, mailTemplates } from "../../domain/contracts.ts";

export const defaultTemplatesDir = fileURLToPath(new URL("./templates/", import.meta.url));
export const fallbackLocale = "pt-BR";

/** Data fields of each template that must hold a link (an absolute http(s) URL). */
export const linkFields: Record<MailTemplate, readonly string[]> = {
	verify: ["link"],
	"sign-in": ["link"],
	digest: ["appUrl"],
	"suitability-expired": ["link"],
};

/** The caller gave data a template cannot be rendered with (a 422 for the service). */
export class MailDataError extends Error {
	override name = "MailDataError";
}

type Compiled = Handlebars.TemplateDelegate;

interface LocaleTemplates {
	/** Text of the shared layout in this language (footer, unsubscribe label, link hint). */
	strings: Record<string, string>;
	templates: Record<MailTemplate, { subject: Compiled; html: Compiled; text: Compiled }>;
}

export interface TemplateSet {
	locales: string[];
	byLocale: Map<string, LocaleTemplates>;
	layout: { html: Compiled; text: Compiled };
}

export interface MailInput {
	template: MailTemplate;
	locale: string;
	data: Record<string, unknown>;
	unsubscribeUrl?: string;
}

export interface RenderedMail {
	/** The locale actually used (after fallback). */
	locale: string;
	subject: string;
	html: string;
	text: string;
	/** Every link in the message: link fields, other URL values of the data, the unsubscribe URL. */
	links: string[];
}

/** The URL, normalized, when it is an absolute http(s) URL without credentials; undefined otherwise. */
export function httpUrl(value: unknown): string | undefined {
	if (typeof value !== "string" || value.length > 2_000) return undefined;
	// Only a text that starts with http: or https: (after leading spaces) is read as a URL: the
	// parser throws for the others, and every name and reason of a digest came through here.
	// Stricter than the parser, which also drops tabs and line breaks inside the scheme.
	const scheme = value.trimStart().slice(0, 6).toLowerCase();
	if (!scheme.startsWith("http:") && scheme !== "https:") return undefined;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return undefined;
	}
	if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
	// `https://bank.example@evil.example/` reads as the bank to a person: never send one.
	if (url.username || url.password) return undefined;
	return url.href;
}

/** Is `url` on `base`'s origin and under its path (not merely a string prefix: `base.evil.example`)? */
export function isUnder(url: string, base: string): boolean {
	const u = new URL(url);
	const b = new URL(base);
	const basePath = b.pathname.endsWith("/") ? b.pathname : `${b.pathname}/`;
	return u.origin === b.origin && (u.pathname === b.pathname || u.pathname.startsWith(basePath));
}

/** An exact locale, else one of the same language (`en-US` → `en`), else pt-BR. */
export function resolveLocale(available: readonly string[], wanted: string): string {
	const lower = wanted.trim().toLowerCase().replace(/_/g, "-");
	const exact = available.find((locale) => locale.toLowerCase() === lower);
	if (exact) return exact;
	const language = lower.split("-")[0];
	const sameLanguage = available.find((locale) => locale.toLowerCase().split("-")[0] === language);
	return sameLanguage ?? fallbackLocale;
}

function escapeAttribute(url: string): string {
	return url.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function read(file: string): string {
	if (!existsSync(file)) throw new Error(`Mail template ${file} is missing.`);
	return readFileSync(file, "utf8");
}

/** Reads and compiles every template; a missing file stops the mailer at start, not at the first send. */
export function loadTemplates(dir = defaultTemplatesDir): TemplateSet {
	const hbs = Handlebars.create();
	// Templates write href="{{href url}}": only an http(s) URL can end up there, whatever the data.
	hbs.registerHelper("href", (value: unknown) => {
		const url = httpUrl(value);
		if (!url)
			throw new MailDataError(`${JSON.stringify(String(value)).slice(0, 100)} is not an http(s) URL.`);
		return new hbs.SafeString(escapeAttribute(url));
	});
	for (const file of readdirSync(join(dir, "partials"))) {
		const match = /^(.+)\.html\.hbs$/.exec(file);
		if (match?.[1]) hbs.registerPartial(match[1], read(join(dir, "partials", file)));
	}
	const html = (source: string) => hbs.compile(source);
	const plain = (source: string) => hbs.compile(source, { noEscape: true });

	const locales = readdirSync(dir, { withFileTypes: true })
		.filter((entry) => entry.isDirectory() && entry.name !== "partials")
		.map((entry) => entry.name)
		.sort();
	if (!locales.includes(fallbackLocale)) throw new Error(`Mail templates need the ${fallbackLocale} locale.`);
	const byLocale = new Map<string, LocaleTemplates>();
	for (const locale of locales) {
		const folder = join(dir, locale);
		const templates = {} as LocaleTemplates["templates"];
		for (const name of mailTemplates) {
			templates[name] = {
				subject: plain(read(join(folder, `${name}.subject.hbs`))),
				html: html(read(join(folder, `${name}.html.hbs`))),
				text: plain(read(join(folder, `${name}.text.hbs`))),
			};
		}
		byLocale.set(locale, { strings: JSON.parse(read(join(folder, "layout.json"))), templates });
	}
	return {
		locales,
		byLocale,
		layout: {
			html: html(read(join(dir, "layout.html.hbs"))),
			text: plain(read(join(dir, "layout.text.hbs"))),
		},
	};
}

/** Checks the links a template needs and normalizes them; throws MailDataError with a reason. */
function checkedData(input: MailInput, linkBase: string | undefined): Record<string, unknown> {
	const data = { ...input.data };
	for (const field of linkFields[input.template]) {
		const url = httpUrl(data[field]);
		if (!url) throw new MailDataError(`data.${field} must be an absolute http(s) URL.`);
		if (linkBase && !isUnder(url, linkBase))
			throw new MailDataError(`data.${field} must start with ${linkBase}.`);
		data[field] = url;
	}
	const name = data.name;
	if (name !== undefined && typeof name !== "string") throw new MailDataError("data.name must be a string.");
	return data;
}

function tidyText(text: string): string {
	return `${text
		.split("\n")
		.map((line) => line.trimEnd())
		.join("\n")
		.replace(/\n{3,}/g, "\n\n")
		.trim()}\n`;
}

/** The http(s) URLs among the values of `data`, also inside lists and objects (a digest's products). */
function urlsIn(value: unknown, depth = 0): (string | undefined)[] {
	if (typeof value === "string") return [httpUrl(value)];
	if (depth >= 3 || typeof value !== "object" || value === null) return [];
	return Object.values(value).flatMap((item) => urlsIn(item, depth + 1));
}

/**
 * Renders one message. `linkBase` (the public URL) makes link fields also have to point
 * at our own site, so the mailer cannot be used to send someone else's links.
 */
export function renderMail(set: TemplateSet, input: MailInput, linkBase?: string): RenderedMail {
	const locale = resolveLocale(set.locales, input.locale);
	const { strings, templates } = set.byLocale.get(locale) as LocaleTemplates;
	const data = checkedData(input, linkBase);
	let unsubscribeUrl: string | undefined;
	if (input.unsubscribeUrl !== undefined) {
		unsubscribeUrl = httpUrl(input.unsubscribeUrl);
		if (!unsubscribeUrl) throw new MailDataError("unsubscribeUrl must be an absolute http(s) URL.");
	}
	const template = templates[input.template];
	const context = { ...data, strings, lang: locale };
	// A subject is one header line: no line breaks, whatever a value holds.
	const subject = template.subject(context).replace(/\s+/g, " ").trim();
	const shell = { lang: locale, subject, strings, unsubscribeUrl };
	const html = set.layout.html({ ...shell, body: template.html(context) });
	const text = tidyText(set.layout.text({ ...shell, body: template.text(context) }));
	const links = [...new Set([...urlsIn(data), unsubscribeUrl].filter((url): url is string => Boolean(url)))];
	return { locale, subject, html, text, links };
}
