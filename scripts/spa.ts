/**
 * Builds the Angular SPA (frontend/) into public/, installing its dependencies first when
 * they are missing. `--if-missing` builds only when public/ holds no build (npm start).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const frontend = `${root}frontend`;

function run(command: string, args: string[]) {
	const result = spawnSync(command, args, { cwd: frontend, stdio: "inherit" });
	if (result.status !== 0) {
		console.error(`spa: ${command} ${args.join(" ")} failed`);
		process.exit(result.status ?? 1);
	}
}

export function ensureFrontendDependencies() {
	if (!existsSync(`${frontend}/node_modules/@angular/core`)) run("npm", ["ci", "--no-audit", "--no-fund"]);
}

export function buildSpa() {
	ensureFrontendDependencies();
	run("npx", ["ng", "build"]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	if (process.argv.includes("--if-missing") && existsSync(`${root}public/index.html`)) process.exit(0);
	buildSpa();
}
