/**
 * The house's floors (docs/services.md): the configuration and the domain import nothing
 * from the services, and the import graph of the backend has no circle, but for two files
 * that only name each other's types. Imports are read as biome formats them; `import type`
 * and type-only specifiers are told apart from imports that run.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const folders = ["domain", "lib", "mixins", "services"];

function sourceFiles(): string[] {
	const files = readdirSync(root)
		.filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
		.map((name) => join(root, name));
	const walk = (dir: string) => {
		for (const name of readdirSync(dir)) {
			const path = join(dir, name);
			if (statSync(path).isDirectory()) walk(path);
			else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) files.push(path);
		}
	};
	for (const folder of folders) walk(join(root, folder));
	return files;
}

interface Edge {
	to: string;
	/** Only types cross it: erased at run time. */
	typeOnly: boolean;
}

/** `import … from "x"` and `export … from "x"`, over several lines when formatted so. */
const statement = /^(import|export)\s+(type\s+)?([^;]*?)\s+from\s+"([^"]+)";/gms;

/** Each file's relative imports and re-exports, with whether only types cross. */
function graph(): Map<string, Edge[]> {
	const edges = new Map<string, Edge[]>();
	for (const file of sourceFiles()) {
		const out: Edge[] = [];
		for (const [, , typeKeyword, clause = "", specifier = ""] of readFileSync(file, "utf8").matchAll(
			statement,
		)) {
			if (!specifier.startsWith(".")) continue;
			const names = /^\{([^}]*)\}$/s
				.exec(clause.trim())?.[1]
				?.split(",")
				.map((name) => name.trim())
				.filter(Boolean);
			const typeOnly =
				!!typeKeyword || (!!names && names.length > 0 && names.every((name) => name.startsWith("type ")));
			out.push({ to: relative(root, resolve(dirname(file), specifier)), typeOnly });
		}
		edges.set(relative(root, file), out);
	}
	return edges;
}

/** Strongly connected components (Tarjan): each circle of imports, as its files. */
function circles(edges: Map<string, Edge[]>): string[][] {
	let next = 0;
	const index = new Map<string, number>();
	const low = new Map<string, number>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const found: string[][] = [];
	const visit = (node: string) => {
		index.set(node, next);
		low.set(node, next++);
		stack.push(node);
		onStack.add(node);
		for (const { to } of edges.get(node) ?? []) {
			if (!edges.has(to)) continue;
			if (!index.has(to)) {
				visit(to);
				low.set(node, Math.min(low.get(node) as number, low.get(to) as number));
			} else if (onStack.has(to)) low.set(node, Math.min(low.get(node) as number, index.get(to) as number));
		}
		if (low.get(node) === index.get(node)) {
			const component: string[] = [];
			let member: string | undefined;
			do {
				member = stack.pop() as string;
				onStack.delete(member);
				component.push(member);
			} while (member !== node);
			if (component.length > 1) found.push(component.sort());
		}
	};
	for (const node of edges.keys()) if (!index.has(node)) visit(node);
	return found;
}

describe("the import graph", () => {
	const edges = graph();

	it("reads every backend file", () => {
		assert.ok(edges.size > 100, `${edges.size} files`);
		assert.ok(edges.has("config.ts") && edges.has("services/index.ts"));
	});

	it("keeps the ground floor ground: config and domain import nothing from services or mixins", () => {
		for (const [file, out] of edges) {
			if (file !== "config.ts" && !file.startsWith("domain/")) continue;
			const upward = out.filter(({ to }) => /^(services|mixins|lib)\//.test(to));
			assert.deepEqual(upward, [], `${file} imports ${upward.map((edge) => edge.to).join(", ")}`);
		}
	});

	it("has no circle, but for two files naming each other's types", () => {
		const allowed = (component: string[]) =>
			component.length === 2 &&
			component.every((file) =>
				(edges.get(file) ?? []).filter(({ to }) => component.includes(to)).every(({ typeOnly }) => typeOnly),
			);
		assert.deepEqual(
			circles(edges).filter((component) => !allowed(component)),
			[],
		);
	});
});
