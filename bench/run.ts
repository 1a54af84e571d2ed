/**
 * `npm run bench [-- NAME]`: runs bench/NAME.bench.ts (or every benchmark), prints a
 * table, and writes the same rows to bench/results/NAME.json.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./table.ts";
import { printTable } from "./table.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const available = readdirSync(here)
	.filter((file) => file.endsWith(".bench.ts"))
	.map((file) => file.replace(/\.bench\.ts$/, ""));
const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
	console.error(`Unknown benchmark ${unknown.join(", ")}; available: ${available.join(", ")}`);
	process.exit(2);
}

mkdirSync(`${here}results`, { recursive: true });
for (const name of wanted.length > 0 ? wanted : available) {
	const { run } = (await import(`./${name}.bench.ts`)) as { run: () => Promise<BenchRow[]> };
	const rows = await run();
	console.log(`\n## ${name}`);
	printTable(rows);
	writeFileSync(`${here}results/${name}.json`, `${JSON.stringify(rows, null, 2)}\n`);
}
