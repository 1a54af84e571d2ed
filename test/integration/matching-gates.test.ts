/**
 * The gates of matching (CVM Resolution 30) over a real NATS, two matcher nodes, clients
 * made through the REST API and a clock the test moves: a fund for qualified investors
 * reaches the client who declared that category and not a general one; funds for
 * professionals and funds closed to new money reach nobody; and a client whose
 * questionnaire lapses — with no event, only time passing — stops getting riskier products
 * and keeps getting conservative ones, in the inbox and in the preview.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ServiceBroker } from "moleculer";
import { connect } from "nats";
import type { Product } from "../../domain/product.ts";
import type { InterestIndex } from "../../services/matcher/index.ts";
import { type Client, mailedLink, verifiedClient } from "../fixtures/clients.ts";
import {
	getJson,
	natsUrl,
	type RunningSystem,
	startSystem,
	tempDir,
	testClock,
	testEpoch,
	uniqueNamespace,
	waitFor,
} from "../harness.ts";

const day = 86_400_000;

async function dropStreams(namespace: string) {
	const nc = await connect({ servers: natsUrl });
	const jsm = await nc.jetstreamManager();
	await jsm.streams.delete(`INSIGHTS_${namespace}`).catch(() => false);
	await jsm.streams.delete(`KV_insights-${namespace}-collector`).catch(() => false);
	await nc.close();
}

describe("matching gates over NATS: audience, closed products, a questionnaire that lapses", () => {
	const namespace = uniqueNamespace();
	const data = tempDir();
	const env = { TRANSPORTER: natsUrl, NAMESPACE: namespace, LOG_LEVEL: "error" };
	const clock = testClock(testEpoch);
	let core: RunningSystem;
	const matchers: RunningSystem[] = [];
	let lapsing: Client;
	let general: Client;
	let qualified: Client;
	const changes: { id: string; change: string }[] = [];
	const interests = { fund: {}, stock: {} };

	const product = (nativeId: string, fields: Partial<Product> & Pick<Product, "category">): Product =>
		({
			id: `house:${fields.category}:${nativeId}`,
			source: "house",
			nativeId,
			name: `Produto ${nativeId}`,
			collectedAt: new Date(clock.now()).toISOString(),
			...fields,
		}) as Product;
	const stock = (nativeId: string) =>
		product(nativeId, { category: "stock", ticker: "GATE3", sector: "Bancos" });
	const fund = (nativeId: string, fields: Partial<Product> = {}) =>
		product(nativeId, { category: "fund", riskLevel: 2, adminFee: 0.01, ...fields } as Product);

	/** Product ids stored for a client from a publication. */
	const received = async (client: Client, publicationId: string) => {
		const service = core.broker.getLocalService("notifications") as unknown as {
			adapter: { find(filter: object): Promise<{ productId: string }[]> };
		};
		const rows = await service.adapter.find({ query: { subscriberId: client.id, publicationId } });
		return rows.map((row) => row.productId).sort();
	};
	const stored = async (publicationId: string) => {
		const service = core.broker.getLocalService("notifications") as unknown as {
			adapter: { count(filter: object): Promise<number> };
		};
		return service.adapter.count({ query: { publicationId } });
	};
	const publish = (id: string, products: Product[]) =>
		core.broker.call("products.publish", { id, sources: ["house"], products });
	const indexOf = (system: RunningSystem) =>
		(system.broker.getLocalService("matcher") as unknown as { index: InterestIndex }).index;

	/** A fresh session (the one from registration has expired once the clock has moved). */
	async function signIn(client: Client): Promise<string> {
		const asked = await getJson(`${core.url}/api/auth/magic-link`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ email: client.email }),
		});
		assert.equal(asked.status, 202);
		const link = await mailedLink(data.path, client.email);
		const verified = await getJson(`${core.url}/api/auth/verify?token=${link.split("token=")[1]}`);
		assert.equal(verified.status, 200, JSON.stringify(verified.body));
		return verified.body.token;
	}
	const preview = async (token: string, body: object) => {
		const res = await getJson(`${core.url}/api/me/interests/preview`, {
			method: "POST",
			headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
			body: JSON.stringify({ days: 90, ...body }),
		});
		assert.equal(res.status, 200, JSON.stringify(res.body));
		return (res.body.products as { id: string }[]).map((p) => p.id).sort();
	};

	before(async () => {
		core = await startSystem(
			{
				...env,
				NODE_ID: "core",
				DATA_DIR: data.path,
				SERVICES: "api,products,subscribers,mailer,notifications",
			},
			clock,
		);
		(core.broker as ServiceBroker).createService({
			name: "changes-listener",
			events: {
				"subscribers.changed"(ctx) {
					changes.push(ctx.params as { id: string; change: string });
				},
			},
		});
		for (const id of ["g1", "g2"])
			matchers.push(await startSystem({ ...env, NODE_ID: id, SERVICES: "matcher" }, clock));

		// The core knows both matchers before any client's event is broadcast.
		await waitFor(
			() =>
				["g1", "g2"].every((id) =>
					core.broker.registry.getServiceList({}).some((s) => s.name === "matcher" && s.nodeID === id),
				),
			{ what: "the core knowing both matchers" },
		);

		// Answered the questionnaire (aggressive) 700 days before the others.
		lapsing = await verifiedClient(core.url, data.path, "lapsing@example.com", interests, "aggressive");
		clock.advance(700 * day);
		general = await verifiedClient(core.url, data.path, "general@example.com", interests, "aggressive");
		qualified = await verifiedClient(core.url, data.path, "qualified@example.com", interests, "aggressive");
		const statements = await getJson(`${core.url}/api/investor-category/statements`);
		const declared = await getJson(`${core.url}/api/me/investor-category`, {
			method: "PUT",
			headers: { authorization: `Bearer ${qualified.token}`, "content-type": "application/json" },
			body: JSON.stringify({
				category: "qualified",
				ground: "investments",
				attestation: true,
				statementVersion: statements.body.version,
			}),
		});
		assert.equal(declared.status, 200, JSON.stringify(declared.body));
		// Every matcher node has the three clients, the qualified one as qualified.
		const probe = fund("probe", { audience: "qualified" });
		await waitFor(
			() =>
				matchers.every((m) => {
					const index = indexOf(m);
					const reached = index.match(probe, clock.now()).map((r) => r.subscriberId);
					return [lapsing, general].every((c) => index.has(c.id)) && reached.includes(qualified.id);
				}),
			{ what: "every matcher holding the clients, one of them qualified" },
		);
	});
	after(async () => {
		await Promise.all(matchers.map((m) => m.stop()));
		await core?.stop();
		await dropStreams(namespace);
		data.remove();
	});

	it("sends a fund for qualified investors to the qualified client only, and closed or professional funds to nobody", async () => {
		await publish("while-valid", [
			stock("s1"),
			fund("general", { audience: "general" }),
			fund("qualified", { audience: "qualified" }),
			fund("professional", { audience: "professional" }),
			fund("closed", { riskLevel: 1, openToInvestment: false }),
		]);
		await waitFor(async () => (await stored("while-valid")) === 7, { what: "7 notifications" });
		const [s1, open, forQualified] = ["house:stock:s1", "house:fund:general", "house:fund:qualified"];
		assert.deepEqual(await received(general, "while-valid"), [open, s1]);
		assert.deepEqual(await received(qualified, "while-valid"), [open, forQualified, s1]);
		assert.deepEqual(
			await received(lapsing, "while-valid"),
			[open, s1],
			"aggressive while the questionnaire holds",
		);
		await new Promise((resolve) => setTimeout(resolve, 300));
		assert.equal(await stored("while-valid"), 7, "nothing more arrives later");
	});

	it("treats a client whose questionnaire lapsed as conservative, with no event, in the inbox and the preview", async () => {
		const eventsBefore = changes.filter((c) => c.id === lapsing.id).length;
		// 740 days after the questionnaire: past its 24 months.
		clock.advance(40 * day);
		await publish("after-lapse", [stock("s2"), fund("general-2", { audience: "general" })]);
		await waitFor(async () => (await stored("after-lapse")) === 5, { what: "5 notifications" });
		const [s2, open] = ["house:stock:s2", "house:fund:general-2"];
		assert.deepEqual(await received(lapsing, "after-lapse"), [open], "no stock (risk 4) once lapsed");
		assert.deepEqual(await received(general, "after-lapse"), [open, s2]);
		assert.deepEqual(await received(qualified, "after-lapse"), [open, s2]);
		assert.equal(
			changes.filter((c) => c.id === lapsing.id).length,
			eventsBefore,
			"no subscribers.changed told the matchers",
		);

		// The preview applies the same gates: conservative whatever profile is asked for, and
		// the client's own category.
		const lapsedToken = await signIn(lapsing);
		const openFunds = ["house:fund:general", "house:fund:general-2"];
		assert.deepEqual(await preview(lapsedToken, { interests }), openFunds);
		assert.deepEqual(await preview(lapsedToken, { interests, riskProfile: "aggressive" }), openFunds);
		assert.deepEqual(await preview(await signIn(general), { interests: { fund: {} } }), openFunds);
		assert.deepEqual(await preview(await signIn(qualified), { interests: { fund: {} } }), [
			...openFunds,
			"house:fund:qualified",
		]);
	});
});
