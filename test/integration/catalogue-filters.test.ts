/**
 * The catalogue filters products by who may buy them and whether they are open to new
 * money (issue 18: collected, stored, shown and filterable). A product stored before those
 * fields existed counts as the collector assumes now: general and open.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getJson, type RunningSystem, startSystem, tempDir } from "../harness.ts";

describe("catalogue filters", () => {
	const data = tempDir();
	let system: RunningSystem;
	before(async () => {
		system = await startSystem({ DATA_DIR: data.path });
		const fund = (nativeId: string, extra: object) => ({
			id: `house:fund:${nativeId}`,
			source: "house",
			category: "fund",
			nativeId,
			name: `Fundo ${nativeId}`,
			collectedAt: new Date(system.clock.now()).toISOString(),
			...extra,
		});
		await system.broker.call("products.publish", {
			id: "audiences",
			sources: ["house"],
			products: [
				fund("general", { audience: "general", openToInvestment: true }),
				fund("qualified", { audience: "qualified", openToInvestment: true }),
				fund("professional", { audience: "professional", openToInvestment: true }),
				fund("closed", { audience: "general", openToInvestment: false }),
				fund("older", {}),
			],
		});
	});
	after(async () => {
		await system.stop();
		data.remove();
	});

	const names = async (query: string) => {
		const { status, body } = await getJson(`${system.url}/api/products?${query}`);
		assert.equal(status, 200, JSON.stringify(body));
		return (body.rows as { nativeId: string }[]).map((row) => row.nativeId).sort();
	};

	it("filters by audience and by openness to new investment", async () => {
		assert.deepEqual(await names("audience=qualified"), ["qualified"]);
		assert.deepEqual(await names("audience=professional"), ["professional"]);
		assert.deepEqual(await names("audience=general"), ["closed", "general", "older"]);
		assert.deepEqual(await names("openToInvestment=false"), ["closed"]);
		assert.deepEqual(await names("openToInvestment=true&audience=general"), ["general", "older"]);
	});

	it("refuses an audience it does not know with 422, naming the allowed ones", async () => {
		const { status, body } = await getJson(`${system.url}/api/products?audience=vip`);
		assert.equal(status, 422);
		assert.match(JSON.stringify(body), /general, qualified, professional/);
	});
});
