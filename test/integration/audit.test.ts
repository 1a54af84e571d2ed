/**
 * The audit trail through the API and the real services (docs/audit.md): for a given
 * notification, the export answers which product version, profile, category, questionnaire
 * and interests it was matched on, and why; as JSON and as CSV; a redelivered match adds
 * nothing; erasure takes the client's trail with their inbox; bad requests are refused.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { interestsVersion, type MatchAudit, productVersion } from "../../domain/audit.ts";
import { type MatchBeforeDetail, matchOf } from "../../domain/contracts.ts";
import { addDays, localDate } from "../../domain/dates.ts";
import type { MatchReason } from "../../domain/notification.ts";
import type { FundProduct, Product } from "../../domain/product.ts";
import { currentQuestionnaire } from "../../domain/suitability.ts";
import { auditColumns, reasonsText } from "../../services/notifications/audit.ts";
import { type Client, inbox, verifiedClient } from "../fixtures/clients.ts";
import { houseFund } from "../fixtures/products.ts";
import { getJson, type RunningSystem, startSystem, tempDir, testClock, waitFor } from "../harness.ts";

const operatorToken = "audit-operator-token-0123456789";
const clock = testClock();

const fund = (nativeId: string, adminFee: number, extra: Partial<FundProduct> = {}) =>
	houseFund(nativeId, clock.now(), { adminFee, fundType: 'Renda Fixa, "Longo Prazo"', ...extra });

interface Audit {
	matchedAt: string;
	productVersion: string;
	profileInForce: string;
	profileChosen: string;
	profileExpiresAt?: string;
	investorCategory: string;
	questionnaireVersion?: string;
	interestsVersion: string;
}
interface Row {
	notificationId: string;
	notifiedAt: string;
	subscriberId: string;
	productId: string;
	publicationId: string;
	reasons: { field: string; operator: string; value: unknown; bound: unknown }[];
	audit?: Audit;
}

describe("the audit trail", () => {
	const data = tempDir();
	let system: RunningSystem;
	let cheap: Client;
	let careful: Client;
	let published = 0;

	const operator = { authorization: `Bearer ${operatorToken}` };
	const today = () => localDate(new Date(clock.now()));
	const period = () => `from=${addDays(today(), -1)}&to=${addDays(today(), 1)}`;
	const exportOf = async (query: string) => {
		const res = await getJson(`${system.url}/api/admin/audit?${query}`, { headers: operator });
		assert.equal(res.status, 200, JSON.stringify(res.body));
		return res.body as { rows: Row[]; truncated: boolean; from: string; to: string };
	};
	const trailOf = async (client: Client) => (await exportOf(`subscriberId=${client.id}&${period()}`)).rows;
	const stored = (id: string) => system.broker.call<Product, { id: string }>("products.get", { id });
	const interestsOf = async (client: Client) =>
		(
			await getJson(`${system.url}/api/me/interests`, {
				headers: { authorization: `Bearer ${client.token}` },
			})
		).body as object;

	/** Publishes and waits until the matcher handled its task (its matches are stored by then). */
	async function publish(...products: Product[]): Promise<string> {
		const matcher = system.broker.getLocalService("matcher") as unknown as { tasksHandled?: number };
		const handled = matcher.tasksHandled ?? 0;
		const id = `audit-pub-${++published}`;
		await system.broker.call("products.publish", { id, sources: ["house"], products });
		await waitFor(() => (matcher.tasksHandled ?? 0) > handled, { what: `${id} matched` });
		return id;
	}

	before(async () => {
		system = await startSystem({ DATA_DIR: data.path, OPERATOR_TOKEN: operatorToken }, clock);
		cheap = await verifiedClient(
			system.url,
			data.path,
			"cheap@example.com",
			{ fund: { adminFee: { max: 0.01 } } },
			"moderate",
		);
		careful = await verifiedClient(system.url, data.path, "careful@example.com", { fund: {} }, "aggressive");
	});
	after(async () => {
		await system.stop();
		data.remove();
	});

	let firstPublication: string;
	let firstVersion: string;

	it("answers for a notification which product version, profile, category, questionnaire and interests it matched, and why", async () => {
		firstPublication = await publish(fund("a", 0.005));
		firstVersion = productVersion(await stored("house:fund:a"));
		const [notification] = (await inbox(system.url, cheap)).rows;
		assert.ok(notification, "the client was notified");

		const rows = await trailOf(cheap);
		assert.equal(rows.length, 1);
		const row = rows[0] as Row;
		assert.equal(row.notificationId, notification.id);
		assert.equal(row.productId, "house:fund:a");
		assert.equal(row.publicationId, firstPublication);
		assert.deepEqual(row.reasons, notification.reasons);
		assert.deepEqual(row.reasons, [{ field: "adminFee", operator: "≤", value: 0.005, bound: 0.01 }]);
		const audit = row.audit as Audit;
		assert.equal(audit.productVersion, firstVersion, "the hash of the product as stored when matched");
		assert.equal(audit.profileInForce, "moderate");
		assert.equal(audit.profileChosen, "moderate");
		assert.equal(audit.investorCategory, "general");
		assert.equal(audit.questionnaireVersion, currentQuestionnaire.version);
		assert.equal(audit.interestsVersion, interestsVersion(await interestsOf(cheap)));
		assert.ok(Date.parse(audit.profileExpiresAt ?? "") > Date.parse(audit.matchedAt));
		assert.ok(Math.abs(Date.parse(audit.matchedAt) - Date.parse(row.notifiedAt)) < 5_000);

		// The client's own inbox never carries the audit.
		assert.equal("audit" in notification, false);
	});

	it("gives a changed product a new version, and lists both notifications", async () => {
		const second = await publish(fund("a", 0.004));
		const secondVersion = productVersion(await stored("house:fund:a"));
		assert.notEqual(secondVersion, firstVersion);
		const rows = await trailOf(cheap);
		assert.deepEqual(
			rows.map((row) => [row.publicationId, row.audit?.productVersion]),
			[
				[firstPublication, firstVersion],
				[second, secondVersion],
			],
		);
		assert.deepEqual(rows[1]?.reasons, [{ field: "adminFee", operator: "≤", value: 0.004, bound: 0.01 }]);
	});

	it("records the interests in force when they change", async () => {
		const before = (await trailOf(cheap))[0]?.audit?.interestsVersion;
		const wider = { fund: { adminFee: { max: 0.02 } } };
		const put = await getJson(`${system.url}/api/me/interests`, {
			method: "PUT",
			headers: { authorization: `Bearer ${cheap.token}`, "content-type": "application/json" },
			body: JSON.stringify(wider),
		});
		assert.equal(put.status, 200, JSON.stringify(put.body));
		// A matcher loading its clients (start, catch-up) reads the version the record stores with them.
		const feeds = await Promise.all([
			system.broker.call<{ rows: { subscriberId: string; interestsVersion?: string }[] }, object>(
				"subscribers.active",
				{ pageSize: 5_000 },
			),
			system.broker.call<{ rows: { subscriberId: string; interestsVersion?: string }[] }, object>(
				"subscribers.changedSince",
				{ since: "2000-01-01T00:00:00.000Z", pageSize: 5_000 },
			),
		]);
		for (const feed of feeds)
			assert.equal(
				feed.rows.find((r) => r.subscriberId === cheap.id)?.interestsVersion,
				interestsVersion(wider),
			);
		// Fits only the wider interests: its notification proves they were the ones matched.
		await publish(fund("b", 0.015));
		const row = await waitFor(
			async () => (await trailOf(cheap)).find((r) => r.productId === "house:fund:b"),
			{
				what: "fund b in the trail",
			},
		);
		assert.equal(row.audit?.interestsVersion, interestsVersion(await interestsOf(cheap)));
		assert.notEqual(row.audit?.interestsVersion, before);
		assert.equal(row.audit?.productVersion, productVersion(await stored("house:fund:b")));
	});

	it("exports a product's trail over every client it reached", async () => {
		const { rows } = await exportOf(`productId=house:fund:a&${period()}`);
		assert.equal(rows.filter((row) => row.subscriberId === cheap.id).length, 2, "cheap: both versions");
		assert.ok(rows.some((row) => row.subscriberId === careful.id));
		const mine = rows.find((row) => row.subscriberId === careful.id) as Row;
		assert.equal(mine.audit?.profileChosen, "aggressive");
		assert.deepEqual(mine.reasons, []);
		// A period before anything was published holds nothing.
		const earlier = await exportOf(`productId=house:fund:a&from=2020-01-01&to=2020-12-31`);
		assert.deepEqual(earlier.rows, []);
	});

	it("gives the same rows as CSV, with a header row and every cell safe for spreadsheets", async () => {
		const json = await trailOf(cheap);
		const res = await fetch(`${system.url}/api/admin/audit?subscriberId=${cheap.id}&${period()}&format=csv`, {
			headers: operator,
		});
		assert.equal(res.status, 200);
		assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
		assert.match(
			res.headers.get("content-disposition") ?? "",
			/^attachment; filename="audit-client-[\w.-]+\.csv"$/,
		);
		assert.equal(res.headers.get("x-audit-truncated"), "false");
		const records: string[][] = parse(await res.text(), { bom: true });
		assert.deepEqual(records[0], [...auditColumns]);
		const csvRows = records
			.slice(1)
			.map((record) => Object.fromEntries(auditColumns.map((c, i) => [c, record[i]])));
		assert.equal(csvRows.length, json.length);
		json.forEach((row, i) => {
			const csv = csvRows[i] as Record<string, string>;
			assert.equal(csv.notificationId, row.notificationId);
			assert.equal(csv.notifiedAt, row.notifiedAt);
			assert.equal(csv.productId, row.productId);
			assert.equal(csv.productVersion, row.audit?.productVersion);
			assert.equal(csv.profileInForce, row.audit?.profileInForce);
			assert.equal(csv.profileChosen, row.audit?.profileChosen);
			assert.equal(csv.investorCategory, row.audit?.investorCategory);
			assert.equal(csv.questionnaireVersion, row.audit?.questionnaireVersion);
			assert.equal(csv.interestsVersion, row.audit?.interestsVersion);
			assert.equal(csv.reasons, reasonsText(row.reasons as Parameters<typeof reasonsText>[0]));
		});
	});

	it("adds no row when the same match is delivered again", async () => {
		const before = await trailOf(cheap);
		const first = before[0] as Row;
		const again = await system.broker.call<{ created: number; existing: number }, object>(
			"notifications.store",
			{
				publicationId: first.publicationId,
				matches: [
					matchOf({ id: first.productId, category: "fund" }, cheap.id, {
						reasons: first.reasons as MatchReason[],
						audit: {
							...(first.audit as MatchAudit),
							productVersion: "0".repeat(64),
							matchedAt: new Date(clock.now()).toISOString(),
						},
					}),
				],
			},
		);
		assert.deepEqual(again, { created: 0, existing: 1 });
		const after = await trailOf(cheap);
		assert.deepEqual(after, before, "the first record stands, unchanged");
	});

	it("records a match as a matcher before `detail` sent it (a rolling upgrade): reasons and audit as sent", async () => {
		const first = (await trailOf(cheap))[0] as Row;
		const audit: MatchAudit = {
			...(first.audit as MatchAudit),
			productVersion: "1".repeat(64),
			matchedAt: new Date(clock.now()).toISOString(),
		};
		const reasons: MatchReason[] = [{ field: "adminFee", operator: "≤", value: 0.5, bound: 1 }];
		const previous: MatchBeforeDetail = {
			subscriberId: cheap.id,
			productId: first.productId,
			category: "fund",
			reasons,
			audit,
		};
		const stored = await system.broker.call<{ created: number }, object>("notifications.store", {
			publicationId: "before-detail",
			matches: [previous],
		});
		assert.equal(stored.created, 1);
		const row = (await trailOf(cheap)).find((r) => r.publicationId === "before-detail");
		assert.ok(row, "the previous matcher's match is in the trail");
		assert.deepEqual(row.reasons, reasons);
		assert.deepEqual(row.audit, audit);
	});

	it("refuses bad requests, and anyone without the operator token", async () => {
		const asked = (query: string, headers: Record<string, string> = operator) =>
			getJson(`${system.url}/api/admin/audit?${query}`, { headers });
		for (const query of [
			period(),
			`subscriberId=${cheap.id}&productId=house:fund:a&${period()}`,
			`subscriberId=${cheap.id}&from=9999-12-31&to=9999-12-31`,
			`subscriberId=${cheap.id}&from=0001-01-01&to=2026-12-01`,
			`subscriberId=${cheap.id}&to=2200-01-01`,
			`subscriberId=${cheap.id}&from=2025-01-01&to=2026-12-01`,
			`subscriberId=${cheap.id}&from=2026-12-02&to=2026-12-01`,
			`subscriberId=${cheap.id}&${period()}&format=xml`,
			`subscriberId=${cheap.id}&${period()}&after=nonsense`,
		]) {
			const { status, body } = await asked(query);
			assert.ok(status === 422 || status === 400, `${query}: ${status}`);
			assert.equal(typeof body.error.message, "string", query);
		}
		assert.equal((await asked(`subscriberId=${cheap.id}&${period()}`, {})).status, 401);
		assert.equal(
			(
				await asked(`subscriberId=${cheap.id}&${period()}`, {
					authorization: "Bearer not-the-token-0123456789",
				})
			).status,
			403,
		);
		// A client's session is not an operator's token.
		assert.equal(
			(await asked(`subscriberId=${cheap.id}&${period()}`, { authorization: `Bearer ${cheap.token}` }))
				.status,
			403,
		);
		// The largest period it takes, answered.
		assert.equal((await asked(`subscriberId=${cheap.id}&from=2025-12-02&to=2026-12-02`)).status, 200);
	});

	it("records the profile in force apart from the one chosen once the questionnaire lapsed", async () => {
		// 25 months on, careful's questionnaire (24 months) has lapsed: they count as conservative.
		clock.advance(25 * 31 * 86_400_000);
		await publish(fund("c", 0.003));
		const row = await waitFor(
			async () => (await trailOf(careful)).find((r) => r.productId === "house:fund:c"),
			{
				what: "fund c in careful's trail",
			},
		);
		assert.equal(row.audit?.profileChosen, "aggressive");
		assert.equal(row.audit?.profileInForce, "conservative");
		assert.ok(Date.parse(row.audit?.profileExpiresAt ?? "") <= Date.parse(row.audit?.matchedAt ?? ""));
	});

	it("leaves nothing of an erased client's trail", async () => {
		// A fresh client (sessions of the others ended with the clock's jump).
		const leaving = await verifiedClient(
			system.url,
			data.path,
			"leaving@example.com",
			{ fund: {} },
			"moderate",
		);
		await publish(fund("d", 0.002));
		await waitFor(async () => (await trailOf(leaving)).length > 0, { what: "leaving's trail" });
		const erased = await getJson(`${system.url}/api/me`, {
			method: "DELETE",
			headers: { authorization: `Bearer ${leaving.token}` },
		});
		assert.equal(erased.status, 200, JSON.stringify(erased.body));
		assert.deepEqual(await trailOf(leaving), []);
		const { rows } = await exportOf(`productId=house:fund:d&${period()}`);
		assert.ok(rows.length > 0, "the others' rows stay");
		assert.equal(
			rows.some((row) => row.subscriberId === leaving.id),
			false,
		);
	});
});
