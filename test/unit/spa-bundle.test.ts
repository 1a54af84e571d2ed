/**
 * The SPA's initial download as built: what index.html loads before the first page (main,
 * the chunks it preloads, the stylesheet) stays under the 300 kB budget, and neither the
 * charts nor Socket.IO are part of it. `ng build` enforces the same budget (angular.json);
 * this reads the real output, so a budget loosened in the config is caught too.
 */
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const publicDir = fileURLToPath(new URL("../../public/", import.meta.url));

function initialFiles(): string[] {
	const html = readFileSync(`${publicDir}index.html`, "utf8");
	const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1] as string);
	const preloads = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1] as string);
	const styles = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1] as string);
	return [...new Set([...scripts, ...preloads, ...styles])];
}

describe("the SPA's initial bundle", () => {
	it("is under 300 kB raw, without ApexCharts or Socket.IO", () => {
		const files = initialFiles();
		assert.ok(
			files.some((f) => f.startsWith("main-")),
			`main is loaded first: ${files.join(", ")}`,
		);
		const bytes = files.reduce((sum, file) => sum + statSync(`${publicDir}${file}`).size, 0);
		assert.ok(bytes < 300 * 1000, `initial bundle is ${bytes} bytes`);
		for (const file of files.filter((f) => f.endsWith(".js"))) {
			const code = readFileSync(`${publicDir}${file}`, "utf8");
			assert.doesNotMatch(code, /ApexCharts|apexcharts/, `${file} holds chart code`);
			assert.doesNotMatch(code, /engine\.io|EIO=/, `${file} holds Socket.IO`);
		}
	});
});
