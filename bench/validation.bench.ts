/**
 * Domain validation throughput: the collector validates every normalized item (10,000+
 * funds per run). Baseline in the same run: the structuredClone each validation makes.
 */
import { validateProduct } from "../domain/validate.ts";
import { type BenchRow, throughput } from "./table.ts";

function fund(i: number) {
	return {
		id: `btg-funds:fund:${i}`,
		source: "btg-funds",
		category: "fund",
		nativeId: String(i),
		name: `  Fundo ${i} FIC FIRF Crédito Privado  `,
		riskLevel: (i % 5) + 1,
		minimumInvestment: 500 + i,
		adminFee: 0.008,
		performanceFee: 0.2,
		redemptionDays: 31,
		fundType: "Renda Fixa",
		collectedAt: "2026-11-26T10:00:00.000Z",
		unknownField: "dropped",
	};
}

export async function run(): Promise<BenchRow[]> {
	const items = Array.from({ length: 10_000 }, (_, i) => fund(i));
	const invalid = items.filter((item) => !validateProduct(item).ok).length;
	if (invalid > 0) throw new Error(`${invalid} bench items are invalid`);
	const clone = throughput(items, (item) => structuredClone(item));
	const validate = throughput(items, (item) => validateProduct(item));
	return [
		{ case: "baseline: structuredClone", metric: "throughput", value: clone, unit: "items/s" },
		{ case: "validateProduct (fund)", metric: "throughput", value: validate, unit: "items/s" },
		{ case: "validateProduct vs baseline", metric: "ratio", value: validate / clone, unit: "x" },
	];
}
