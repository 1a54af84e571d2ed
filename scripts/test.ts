/**
 * `npm test`: the SPA's component tests (Angular's runner, Vitest), then every unit,
 * integration and browser test (node:test; the browser tests need the built SPA, built
 * here when missing). Ends with one summary of both: "ℹ pass N" and "ℹ fail N".
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildSpa, ensureFrontendDependencies } from "./spa.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

/** Runs a command, echoing its output, and returns that output without colours. */
function run(command: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
	return new Promise((resolve) => {
		const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
		let output = "";
		for (const stream of [child.stdout, child.stderr])
			stream.on("data", (chunk: Buffer) => {
				process.stdout.write(chunk);
				output += chunk.toString();
			});
		// Colour codes out, so the counts can be read whatever the runner printed.
		// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC
		child.on("close", (code) => resolve({ code: code ?? 1, output: output.replace(/\x1b\[[0-9;]*m/g, "") }));
	});
}

const count = (output: string, pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0);

ensureFrontendDependencies();
if (!existsSync(`${root}public/index.html`)) buildSpa();

const frontend = await run("npx", ["ng", "test", "--watch=false"], `${root}frontend`);
const frontendPassed = count(frontend.output, /Tests\s+(?:\d+ failed \| )?(\d+) passed/);
let frontendFailed = count(frontend.output, /Tests\s+(\d+) failed/);
if (frontend.code !== 0 && frontendFailed === 0) frontendFailed = 1;

const pattern = process.argv[2] ?? "test/**/*.test.ts";
const node = await run("node", ["--test", "--test-concurrency=1", pattern], root);
const nodePassed = count(node.output, /^ℹ pass (\d+)/m);
let nodeFailed = count(node.output, /^ℹ fail (\d+)/m);
if (node.code !== 0 && nodeFailed === 0) nodeFailed = 1;

console.log(
	`\nfrontend: ${frontendPassed} passed, ${frontendFailed} failed; node: ${nodePassed} passed, ${nodeFailed} failed`,
);
console.log(`ℹ pass ${frontendPassed + nodePassed}`);
console.log(`ℹ fail ${frontendFailed + nodeFailed}`);
process.exit(frontendFailed + nodeFailed > 0 ? 1 : 0);
