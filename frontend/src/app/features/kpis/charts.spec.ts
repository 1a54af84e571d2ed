import type { Frequency } from "../../core/models";
import { frequencySpec, topSpec, total } from "./charts";
import { frequencyRange } from "./period";

const text = {
	title: "T",
	description: "D",
	day: "Dia",
	category: (key: string) => `label:${key}`,
};

describe("frequencySpec", () => {
	it("puts asset classes in the app's order, days oldest first, and zeros where a day has no row", () => {
		const frequency: Frequency = {
			from: "2026-11-24",
			to: "2026-11-26",
			groupBy: "category",
			// The API's key order is not the app's: reit before stock, an unknown key last.
			keys: ["reit", "crypto", "stock"],
			rows: [
				{ day: "2026-11-26", key: "stock", published: 1, distributed: 10 },
				{ day: "2026-11-24", key: "stock", published: 2, distributed: 20 },
				{ day: "2026-11-24", key: "reit", published: 3, distributed: 30 },
				{ day: "2026-11-25", key: "crypto", published: 4, distributed: 40 },
			],
		};
		const distributed = frequencySpec(frequency, "distributed", text);
		expect(distributed.kind).toBe("stacked-bars");
		expect(distributed.categoryFormat).toBe("day");
		expect(distributed.categories).toEqual(["2026-11-24", "2026-11-25", "2026-11-26"]);
		expect(distributed.series).toEqual([
			{ name: "label:stock", values: [20, 0, 10] },
			{ name: "label:reit", values: [30, 0, 0] },
			{ name: "label:crypto", values: [0, 40, 0] },
		]);
		expect(total(distributed)).toBe(100);
		expect(frequencySpec(frequency, "published", text).series.map((s) => s.values)).toEqual([
			[2, 0, 1],
			[3, 0, 0],
			[0, 4, 0],
		]);
	});
});

describe("topSpec", () => {
	it("draws one horizontal bar per product, in the API's order", () => {
		const spec = topSpec(
			[
				{ productId: "a", name: "Tesouro IPCA+", category: "fixed_income", count: 9 },
				{ productId: "b", name: "PETR4", category: "stock", count: 4 },
			],
			{ title: "Top", description: "", product: "Produto", subscribers: "Assinantes" },
		);
		expect(spec.kind).toBe("horizontal-bars");
		expect(spec.categories).toEqual(["Tesouro IPCA+", "PETR4"]);
		expect(spec.series).toEqual([{ name: "Assinantes", values: [9, 4] }]);
	});
});

describe("frequencyRange", () => {
	it("ends today and counts today in the days", () => {
		expect(frequencyRange("7d", "2026-11-26")).toEqual({ from: "2026-11-20", to: "2026-11-26" });
		expect(frequencyRange("30d", "2026-03-01")).toEqual({ from: "2026-01-31", to: "2026-03-01" });
		expect(frequencyRange("all", "2026-11-26")).toEqual({ from: "2026-08-29", to: "2026-11-26" });
	});
});
