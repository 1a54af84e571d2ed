/** The funds the fan-out benchmarks publish, and interests that reach about 1% of clients each. */
import type { Interests } from "../domain/interests.ts";
import type { Product } from "../domain/product.ts";

const fundTypes = ["Renda Fixa", "Multimercado", "Ações", "Cambial", "Previdência", "Crédito Privado"];

/** Fund `i`: a fund type (1 in 6) and a fee (1 in 17 bands), risk 2 (it reaches conservative clients). */
export function benchFund(i: number, collectedAt: string): Product {
	return {
		id: `bench:fund:${i}`,
		source: "bench",
		category: "fund",
		nativeId: String(i),
		name: `Fundo ${i}`,
		fundType: fundTypes[i % fundTypes.length],
		adminFee: ((i * 7) % 17) / 1000 + 0.0005,
		riskLevel: 2,
		collectedAt,
	};
}

/** Client `i`'s interests: one fund type and one fee band, about 1% of the funds. */
export function benchInterests(i: number): Interests {
	const low = (i % 17) / 1000;
	return {
		fund: {
			fundType: { in: [fundTypes[i % fundTypes.length] as string] },
			adminFee: { min: low, max: low + 0.001 },
		},
	};
}
