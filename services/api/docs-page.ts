/**
 * A self-contained page that reads the OpenAPI document and lists the routes by tag, with a
 * search box. No external assets (the gateway may run offline). The browser code is a typed
 * function here, sent as its own source text: it puts document data into the page only
 * through textContent, never as HTML.
 */

/** Runs in the browser: fetches the document at specUrl and renders it into #routes. */
function renderDocs(specUrl: string): void {
	type Schema = Record<string, unknown>;
	interface Operation {
		operationId?: string;
		summary?: string;
		description?: string;
		tags?: string[];
		security?: Record<string, string[]>[];
		parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
		requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
		responses?: Record<string, { description?: string; $ref?: string }>;
	}
	interface Document {
		info?: { title?: string; version?: string };
		servers?: { url?: string }[];
		paths?: Record<string, Record<string, Operation>>;
		components?: { responses?: Record<string, { description?: string }> };
	}

	const byId = (id: string) => document.getElementById(id) as HTMLElement;
	const status = byId("status");
	const routes = byId("routes");
	const search = byId("search") as HTMLInputElement;

	function el<K extends keyof HTMLElementTagNameMap>(
		tag: K,
		text?: string,
		className?: string,
		...children: Node[]
	): HTMLElementTagNameMap[K] {
		const node = document.createElement(tag);
		if (text !== undefined) node.textContent = text;
		if (className) node.className = className;
		node.append(...children);
		return node;
	}

	/** "integer, 1 to 100, default 20" */
	function describe(schema: Schema | undefined): string {
		if (!schema) return "any";
		const parts: string[] = [];
		const type = typeof schema.type === "string" ? schema.type : "";
		if (schema.type === "array") parts.push(`array of ${describe(schema.items as Schema | undefined)}`);
		else if (type) parts.push(type);
		if (typeof schema.format === "string") parts.push(schema.format);
		if (Array.isArray(schema.enum))
			parts.push(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
		if (Array.isArray(schema.oneOf))
			parts.push(`one of: ${schema.oneOf.map((s) => describe(s)).join(" | ")}`);
		for (const [key, label] of [
			["minimum", "≥"],
			["maximum", "≤"],
			["minLength", "min length"],
			["maxLength", "max length"],
			["minItems", "min items"],
			["maxItems", "max items"],
			["pattern", "pattern"],
		] as const)
			if (schema[key] !== undefined) parts.push(`${label} ${String(schema[key])}`);
		if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
		return parts.join(", ") || "any";
	}

	function table(caption: string, head: string[], rows: string[][]): HTMLTableElement {
		const t = el("table", undefined, undefined, el("caption", caption));
		t.append(
			el("thead", undefined, undefined, el("tr", undefined, undefined, ...head.map((h) => el("th", h)))),
		);
		const body = el("tbody");
		for (const row of rows) body.append(el("tr", undefined, undefined, ...row.map((cell) => el("td", cell))));
		t.append(body);
		return t;
	}

	function security(op: Operation): string {
		const schemes = (op.security ?? []).flatMap((requirement) => Object.keys(requirement));
		if (schemes.length === 0) return "Public";
		return schemes
			.map((s) => (s === "operatorToken" ? "Operator token" : s === "sessionToken" ? "Session token" : s))
			.join(" or ");
	}

	function operationItem(
		doc: Document,
		base: string,
		path: string,
		method: string,
		op: Operation,
	): HTMLElement {
		const auth = security(op);
		const summary = el(
			"summary",
			undefined,
			undefined,
			el("span", method.toUpperCase(), `method method-${method}`),
			el("code", base + path, "path"),
			el("span", op.summary ?? "", "summary"),
			el("span", auth, auth === "Public" ? "auth public" : "auth secured"),
		);
		const facts = el("dl");
		const fact = (term: string, value: string) => facts.append(el("dt", term), el("dd", value));
		fact("Operation", op.operationId ?? "");
		fact("Security", auth === "Public" ? "None" : `Authorization: Bearer <${auth.toLowerCase()}>`);
		if (op.description) fact("Description", op.description);
		const details = el("details", undefined, undefined, summary, facts);

		if (op.parameters?.length)
			details.append(
				table(
					"Parameters",
					["Name", "In", "Required", "Schema"],
					op.parameters.map((p) => [p.name, p.in, p.required ? "yes" : "no", describe(p.schema)]),
				),
			);
		for (const [type, media] of Object.entries(op.requestBody?.content ?? {}))
			details.append(
				el("h4", `Request body (${type}${op.requestBody?.required ? ", required" : ""})`),
				el("pre", undefined, undefined, el("code", JSON.stringify(media.schema ?? {}, null, 2))),
			);
		const responses = Object.entries(op.responses ?? {}).map(([code, response]) => {
			const name = response.$ref?.split("/").pop() ?? "";
			return [code, response.description ?? doc.components?.responses?.[name]?.description ?? ""];
		});
		if (responses.length > 0) details.append(table("Responses", ["Status", "Meaning"], responses));

		const item = el("li", undefined, undefined, details);
		item.dataset.search = [method, base + path, op.summary, op.operationId, ...(op.tags ?? []), auth]
			.join(" ")
			.toLowerCase();
		return item;
	}

	function render(doc: Document): void {
		const base = (doc.servers?.[0]?.url ?? "").replace(/\/$/, "");
		byId("title").textContent = doc.info?.title ?? "API";
		byId("version").textContent = doc.info?.version ? `Version ${doc.info.version}` : "";
		const groups = new Map<string, HTMLElement[]>();
		for (const [path, item] of Object.entries(doc.paths ?? {}))
			for (const [method, op] of Object.entries(item)) {
				const tag = op.tags?.[0] ?? "other";
				groups.set(tag, [...(groups.get(tag) ?? []), operationItem(doc, base, path, method, op)]);
			}
		let index = 0;
		for (const [tag, items] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
			const id = `tag-${index++}`;
			const heading = el("h2", tag);
			heading.id = id;
			const section = el("section", undefined, undefined, heading, el("ul", undefined, "ops", ...items));
			section.setAttribute("aria-labelledby", id);
			routes.append(section);
		}
		const total = routes.querySelectorAll("li").length;
		const filter = () => {
			const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
			let shown = 0;
			for (const section of routes.querySelectorAll("section")) {
				let visible = 0;
				for (const item of section.querySelectorAll("li")) {
					const match = words.every((word) => (item.dataset.search ?? "").includes(word));
					item.hidden = !match;
					if (match) visible++;
				}
				section.hidden = visible === 0;
				shown += visible;
			}
			status.textContent = words.length ? `${shown} of ${total} routes match.` : `${total} routes.`;
		};
		search.addEventListener("input", filter);
		search.disabled = false;
		filter();
	}

	fetch(specUrl, { headers: { accept: "application/json" } })
		.then((res) => {
			if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
			return res.json() as Promise<Document>;
		})
		.then(render)
		.catch((err: unknown) => {
			status.setAttribute("role", "alert");
			status.textContent = `Could not load ${specUrl}: ${err instanceof Error ? err.message : String(err)}`;
		});
}

const style = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #57606a; --line: #d0d7de; --chip: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9da7b3; --line: #30363d; --chip: #161b22; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; }
label { display: block; font-weight: 600; }
input[type=search] { width: 100%; max-width: 32rem; padding: .5rem; font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--muted); border-radius: 4px; }
:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
h2 { border-bottom: 1px solid var(--line); text-transform: capitalize; }
ul.ops { list-style: none; padding: 0; }
details { border: 1px solid var(--line); border-radius: 6px; margin: .5rem 0; padding: .25rem .75rem; }
summary { cursor: pointer; display: flex; flex-wrap: wrap; gap: .75rem; align-items: baseline; padding: .25rem 0; }
.method { font: 700 .85rem ui-monospace, monospace; min-width: 4.5rem; text-align: center; padding: .1rem .4rem; border-radius: 4px; color: #fff; background: #57606a; }
.method-get { background: #0a6e31; } .method-post { background: #0550ae; } .method-put { background: #7d4e00; }
.method-delete { background: #a40e26; } .method-patch { background: #6639ba; }
.path { font-weight: 600; } .summary { color: var(--muted); } .auth { margin-left: auto; font-size: .85rem; padding: 0 .5rem; border-radius: 1rem; background: var(--chip); border: 1px solid var(--line); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; } dt { font-weight: 600; } dd { margin: 0; }
table { border-collapse: collapse; margin: .75rem 0; width: 100%; } caption { text-align: left; font-weight: 600; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
pre { background: var(--chip); padding: .75rem; overflow: auto; border-radius: 4px; }
h4 { margin: .75rem 0 .25rem; }
`;

// Node strips the types to blanks: drop the blank lines (the function has no multi-line strings).
const browserSource = renderDocs.toString().replace(/\n[ \t]*(?=\n)/g, "");

/** The API reference page, reading the OpenAPI document at specUrl. */
export function docsPage(specUrl = "/api/openapi.json"): string {
	// As a script literal: no "<" can close the script element early.
	const url = JSON.stringify(specUrl).replace(/</g, "\\u003c");
	const link = specUrl.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Insights API reference</title>
<style>${style}</style>
</head>
<body>
<a class="skip" href="#routes">Skip to the routes</a>
<header>
<h1 id="title">Insights API</h1>
<p><span id="version"></span> · <a href="${link}">OpenAPI document (JSON)</a></p>
<div role="search">
<label for="search">Search routes</label>
<input id="search" type="search" placeholder="path, method, summary or tag" autocomplete="off" aria-describedby="status" aria-controls="routes" disabled>
</div>
<p id="status" aria-live="polite">Loading the API description…</p>
<noscript><p>This page needs JavaScript; the description itself is at <a href="${link}">${link}</a>.</p></noscript>
</header>
<main id="routes" tabindex="-1"></main>
<script>(${browserSource})(${url});</script>
</body>
</html>
`;
}
