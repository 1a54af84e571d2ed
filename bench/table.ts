export interface BenchRow {
	case: string;
	metric: string;
	value: number;
	unit: string;
}

export function printTable(rows: BenchRow[]): void {
	const cells = rows.map((r) => [r.case, r.metric, formatValue(r.value), r.unit]);
	const header = ["case", "metric", "value", "unit"];
	const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
	const line = (c: string[]) =>
		`| ${c.map((v, i) => (i === 2 ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join(" | ")} |`;
	console.log(line(header));
	console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
	for (const c of cells) console.log(line(c));
}

function formatValue(value: number): string {
	return Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 3 : 1);
}

/** Runs fn over `items` repeatedly for about `ms`, returning items per second. */
export function throughput<T>(items: T[], fn: (item: T) => unknown, ms = 1_000): number {
	let done = 0;
	const start = performance.now();
	while (performance.now() - start < ms) {
		for (const item of items) fn(item);
		done += items.length;
	}
	return Math.round(done / ((performance.now() - start) / 1_000));
}
