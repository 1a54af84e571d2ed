/**
 * The audit trail's pure parts: canonical JSON and versions, the matcher's standings beside
 * the index, the export's request rules, and CSV a spreadsheet cannot be tricked by.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { canonicalJson, interestsVersion, productVersion, versionOf } from "../../domain/audit.ts";
import type { AuditRow } from "../../domain/contracts.ts";
import { detailText, type MatchReason, reasonOperators } from "../../domain/notification.ts";
import type { Product } from "../../domain/product.ts";
import { AuditedIndex, auditOf, standingOf } from "../../services/matcher/audit.ts";
import type { Subscription } from "../../services/matcher/reference.ts";
import { StandingTable } from "../../services/matcher/standings.ts";
import {
	archived,
	auditColumns,
	auditCsv,
	auditFileName,
	auditQuery,
	auditRequest,
	auditTrail,
	csvCell,
	maxAuditRows,
	reasonsText,
	type StoredAuditDoc,
	unarchived,
} from "../../services/notifications/audit.ts";
import { readStored } from "../../services/notifications/stored.ts";

const fund = (extra: Partial<Product> = {}): Product =>
	({
		id: "house:fund:a",
		source: "house",
		category: "fund",
		nativeId: "a",
		name: "Fundo A",
		adminFee: 0.005,
		riskLevel: 2,
		collectedAt: "2026-12-01T10:00:00.000Z",
		...extra,
	}) as Product;

describe("canonical JSON and versions", () => {
	it("sorts keys at every depth, keeps array order and leaves undefined members out", () => {
		assert.equal(
			canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: "é" }, u: undefined }),
			'{"a":{"c":"é","d":[3,{"y":null,"z":true}]},"b":1}',
		);
		assert.equal(canonicalJson([undefined, 1]), "[null,1]");
		assert.equal(canonicalJson({ "b\u0000": 1, B: 2, a: 3 }), '{"B":2,"a":3,"b\\u0000":1}');
	});

	it("writes JSON data exactly as the recursive definition it replaced, so stored versions stay valid", () => {
		// The implementation before safe-stable-stringify, kept as the definition.
		const byDefinition = (value: unknown): string => {
			if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
			if (Array.isArray(value)) return `[${value.map(byDefinition).join(",")}]`;
			const record = value as Record<string, unknown>;
			const members = Object.keys(record)
				.filter((key) => record[key] !== undefined)
				.sort()
				.map((key) => `${JSON.stringify(key)}:${byDefinition(record[key])}`);
			return `{${members.join(",")}}`;
		};
		fc.assert(
			fc.property(fc.jsonValue(), (value) => {
				assert.equal(canonicalJson(value), byDefinition(value));
			}),
			{ numRuns: 2_000 },
		);
	});

	it("is the SHA-256 of that text, in hex, which any tool recomputes", () => {
		const text = '{"a":1,"b":[2,1]}';
		assert.equal(versionOf({ b: [2, 1], a: 1 }), createHash("sha256").update(text).digest("hex"));
		assert.match(versionOf({}), /^[0-9a-f]{64}$/);
	});

	it("gives a product the same version whatever its key order or collection time, and another when a field moves", () => {
		const base = productVersion(fund());
		const reordered = Object.fromEntries(Object.entries(fund()).reverse()) as unknown as Product;
		assert.equal(productVersion(reordered), base);
		assert.equal(productVersion(fund({ collectedAt: "2026-12-02T09:00:00.000Z" })), base);
		assert.notEqual(productVersion(fund({ adminFee: 0.004 })), base);
		assert.notEqual(productVersion(fund({ name: "Fundo A II" })), base);
		assert.notEqual(productVersion(fund({ id: "house:fund:b" })), base, "the id is part of the version");
	});

	it("versions interests by content, not by the order their keys were written in", () => {
		const a = { fund: { adminFee: { max: 0.01 }, fundType: { in: ["Renda Fixa"] } } };
		const b = { fund: { fundType: { in: ["Renda Fixa"] }, adminFee: { max: 0.01 } } };
		assert.equal(interestsVersion(a), interestsVersion(b));
		assert.notEqual(interestsVersion(a), interestsVersion({ fund: { adminFee: { max: 0.02 } } }));
	});
});

describe("the matcher's standings beside the index", () => {
	const now = Date.parse("2026-12-01T10:00:00Z");
	const client = (extra: Partial<Subscription> = {}): Subscription => ({
		subscriberId: "c1",
		riskProfile: "aggressive",
		profileExpiresAt: "2028-12-01T10:00:00.000Z",
		investorCategory: "qualified",
		questionnaireVersion: "2026-12",
		interests: { fund: { adminFee: { max: 0.01 } } },
		...extra,
	});

	it("records the profile in force at the match's instant beside the one chosen", () => {
		const standing = standingOf(client());
		const version = productVersion(fund());
		assert.deepEqual(auditOf(standing, version, now), {
			matchedAt: "2026-12-01T10:00:00.000Z",
			productVersion: version,
			profileInForce: "aggressive",
			profileChosen: "aggressive",
			profileExpiresAt: "2028-12-01T10:00:00.000Z",
			investorCategory: "qualified",
			questionnaireVersion: "2026-12",
			interestsVersion: interestsVersion({ fund: { adminFee: { max: 0.01 } } }),
		});
		const lapsed = auditOf(standing, version, Date.parse("2028-12-01T10:00:00Z"));
		assert.equal(lapsed.profileInForce, "conservative", "at the expiry itself the profile no longer holds");
		assert.equal(lapsed.profileChosen, "aggressive");
	});

	it("counts a client without a questionnaire as conservative and general", () => {
		const audit = auditOf(
			standingOf({ subscriberId: "c2", riskProfile: "moderate", interests: {} }),
			"v",
			now,
		);
		assert.equal(audit.profileInForce, "conservative");
		assert.equal(audit.investorCategory, "general");
		assert.equal("questionnaireVersion" in audit, false);
		assert.equal("profileExpiresAt" in audit, false);
	});

	it("keeps each client's standing in step with the index: upsert, replace, remove", () => {
		const index = new AuditedIndex();
		index.upsert(client());
		const product = fund();
		const [result] = index.match(product, now);
		assert.equal(result?.subscriberId, "c1");
		assert.equal(index.auditOf("c1", "v", now)?.interestsVersion, standingOf(client()).interestsVersion);

		const wider = client({ interests: { fund: { adminFee: { max: 0.02 } } }, investorCategory: "general" });
		index.upsert(wider);
		assert.equal(index.auditOf("c1", "v", now)?.interestsVersion, standingOf(wider).interestsVersion);
		assert.equal(index.auditOf("c1", "v", now)?.investorCategory, "general");

		// An upsert the index refuses leaves the previous rules, and so the previous standing.
		const broken = client({ interests: { fund: { adminFee: { max: "cheap" as unknown as number } } } });
		assert.throws(() => index.upsert(broken), TypeError);
		assert.equal(index.auditOf("c1", "v", now)?.interestsVersion, standingOf(wider).interestsVersion);

		index.remove("c1");
		assert.equal(index.auditOf("c1", "v", now), undefined);
		assert.equal(index.match(product, now).length, 0);
	});

	it("audits each result by the slot it carries: the client's own standing, through removals, reused slots and rebuilds", () => {
		// Eager compaction: removals rebuild the category, which files the rules anew.
		const index = new AuditedIndex({ compactMin: 1, compactRatio: 0.1, mergeLimit: 0 });
		const product = fund();
		const clients = Array.from({ length: 60 }, (_, i) =>
			client({ subscriberId: `c${i}`, interests: { fund: { adminFee: { max: 0.01 + i / 1000 } } } }),
		);
		for (const c of clients) index.upsert(c);
		for (const c of clients.filter((_, i) => i % 3 === 0)) index.remove(c.subscriberId);
		const newcomers = Array.from({ length: 10 }, (_, i) =>
			client({ subscriberId: `n${i}`, interests: { fund: { adminFee: { max: 0.05 + i / 1000 } } } }),
		);
		for (const c of newcomers) index.upsert(c);
		const filed = new Map([...clients, ...newcomers].map((c) => [c.subscriberId, standingOf(c)]));
		const results = index.match(product, now);
		assert.equal(results.length, 50, "40 left of the first 60, and 10 newcomers");
		for (const { subscriberId, slot } of results) {
			assert.equal(slot, index.slotOf(subscriberId), subscriberId);
			const audit = index.auditOf(subscriberId, "v", now, slot);
			assert.equal(audit?.interestsVersion, filed.get(subscriberId)?.interestsVersion, subscriberId);
		}
	});

	it("reads each standing back exactly as filed, by slot, a freed slot reused by a newcomer", () => {
		const index = new AuditedIndex();
		const first = client();
		const plain = client({
			subscriberId: "c2",
			riskProfile: "conservative",
			investorCategory: undefined,
			profileExpiresAt: undefined,
			questionnaireVersion: undefined,
		});
		// Outside the known lists: kept whole, as given (nothing of it lost or normalised).
		const odd = client({ subscriberId: "c3", riskProfile: "daring" as Subscription["riskProfile"] });
		for (const sub of [first, plain, odd]) index.upsert(sub);
		const at = (id: string) => index.auditOf(id, "v", now);
		assert.deepEqual(at("c1"), auditOf(standingOf(first), "v", now));
		assert.deepEqual(at("c2"), auditOf(standingOf(plain), "v", now));
		assert.equal(at("c2")?.investorCategory, "general");
		assert.equal(at("c3")?.profileChosen, "daring");

		// c1's slot goes to the next newcomer: c1 reads as gone, the newcomer as their own.
		const slot = index.slotOf("c1");
		index.remove("c1");
		const newcomer = client({
			subscriberId: "c4",
			questionnaireVersion: "2027-01",
			profileExpiresAt: undefined,
		});
		index.upsert(newcomer);
		assert.equal(index.slotOf("c4"), slot);
		assert.equal(at("c1"), undefined);
		assert.deepEqual(at("c4"), auditOf(standingOf(newcomer), "v", now));
		assert.equal("profileExpiresAt" in (at("c4") ?? {}), false);
	});

	it("reads reserved slots as empty until filed, and grows past what was reserved", () => {
		const table = new StandingTable();
		table.reserve(10);
		const standing = standingOf(client());
		for (const slot of [0, 5, 9]) assert.equal(table.get(slot), undefined);
		table.set(5, standing);
		table.set(12, standing);
		assert.deepEqual(table.get(5), standing);
		assert.deepEqual(table.get(12), standing);
		assert.equal(table.get(9), undefined);
		// An index reserved for a feed's count from a first page of one client holds them all.
		const index = new AuditedIndex();
		const clients = Array.from({ length: 40 }, (_, i) => client({ subscriberId: `r${i}` }));
		index.reserve(clients.length, clients.slice(0, 1));
		for (const sub of clients) index.upsert(sub);
		for (const sub of clients)
			assert.deepEqual(index.auditOf(sub.subscriberId, "v", now), auditOf(standingOf(sub), "v", now));
	});

	it("fills standings through a bulk load too", () => {
		const index = new AuditedIndex();
		index.load([client(), client({ subscriberId: "c3", riskProfile: "moderate" })]);
		assert.equal(index.auditOf("c3", "v", now)?.profileChosen, "moderate");
	});
});

describe("the export's request", () => {
	const now = Date.parse("2026-12-01T10:00:00Z");
	const refused = (params: object, field: string) =>
		assert.throws(
			() => auditRequest(params, now),
			(err: { code?: number; data?: { field: string }[] }) =>
				err.code === 422 && err.data?.[0]?.field === field,
		);

	it("takes exactly one id", () => {
		refused({ from: "2026-11-01", to: "2026-11-30" }, "subscriberId");
		refused({ subscriberId: "c1", productId: "house:fund:a" }, "productId");
	});

	it("takes dates from 1900 to 2199, in order, at most 366 days apart", () => {
		for (const from of ["9999-12-31", "0000-01-01", "1899-12-31", "2026-02-30", "+10000-01-01"])
			refused({ subscriberId: "c1", from, to: "2026-12-01" }, "from");
		refused({ subscriberId: "c1", to: "2200-01-01" }, "to");
		refused({ subscriberId: "c1", from: "2026-12-02", to: "2026-12-01" }, "from");
		refused({ subscriberId: "c1", from: "2025-11-30", to: "2026-12-01" }, "from");
		assert.equal(
			auditRequest({ subscriberId: "c1", from: "2025-12-01", to: "2026-12-01" }, now).from,
			"2025-12-01",
		);
		assert.deepEqual(auditRequest({ productId: "p", from: "2199-01-01", to: "2199-12-31" }, now), {
			productId: "p",
			from: "2199-01-01",
			to: "2199-12-31",
			format: "json",
		});
	});

	it("defaults to the 30 São Paulo days ending today", () => {
		// 01:00 UTC on 2 December is still 1 December in São Paulo.
		const request = auditRequest({ subscriberId: "c1" }, Date.parse("2026-12-02T01:00:00Z"));
		assert.equal(request.to, "2026-12-01");
		assert.equal(request.from, "2026-11-02");
	});

	it("asks the store for the id, the period's instants and what follows the cursor", () => {
		const request = auditRequest(
			{ subscriberId: "c1", from: "2026-11-01", to: "2026-11-30", after: "17~c1|p|x" },
			now,
		);
		assert.deepEqual(auditQuery(request), {
			subscriberId: "c1",
			createdAt: { $gte: "2026-11-01T03:00:00.000Z", $lt: "2026-12-01T03:00:00.000Z" },
			$or: [{ order: { $gt: 17 } }, { order: 17, _id: { $gt: "c1|p|x" } }],
		});
		refused({ subscriberId: "c1", after: "nonsense" }, "after");
	});

	it("stops at maxAuditRows and says where to go on", () => {
		const request = auditRequest({ productId: "p", from: "2026-11-01", to: "2026-11-30" }, now);
		const docs: StoredAuditDoc[] = Array.from({ length: maxAuditRows + 1 }, (_, i) => ({
			_id: `c${i}|pub|p`,
			order: i,
			subscriberId: `c${i}`,
			productId: "p",
			publicationId: "pub",
			category: "fund",
			createdAt: "2026-11-10T12:00:00.000Z",
		}));
		const trail = auditTrail(request, docs);
		assert.equal(trail.rows.length, maxAuditRows);
		assert.equal(trail.truncated, true);
		assert.equal(trail.next, `${maxAuditRows - 1}~c${maxAuditRows - 1}|pub|p`);
		assert.deepEqual(trail.rows[0]?.reasons, [], "a notice has no reasons");
		const whole = auditTrail(request, docs.slice(0, 3));
		assert.equal(whole.truncated, false);
		assert.equal("next" in whole, false);
	});

	it("names the download after the id, with nothing a header or a path could misread", () => {
		const request = auditRequest({ productId: 'xp:fund:a/../"b', format: "csv" }, now);
		assert.equal(auditFileName(request), "audit-product-xp_fund_a_.._b-2026-11-02-2026-12-01.csv");
	});
});

describe("CSV", () => {
	it("neutralises what a spreadsheet would run, and quotes what would split a cell", () => {
		assert.equal(csvCell('=HYPERLINK("http://x")'), '"\'=HYPERLINK(""http://x"")"');
		assert.equal(csvCell("+55 11 9999"), "'+55 11 9999");
		assert.equal(csvCell("-1+1"), "'-1+1");
		assert.equal(csvCell("@SUM(A1)"), "'@SUM(A1)");
		assert.equal(csvCell("\t=1"), "'\t=1");
		assert.equal(csvCell("\r=1"), '"\'\r=1"');
		assert.equal(csvCell("a=1"), "a=1", "only the start of a cell makes a formula");
		assert.equal(csvCell("Renda Fixa, Longo Prazo"), '"Renda Fixa, Longo Prazo"');
		assert.equal(csvCell("linha\nnova"), '"linha\nnova"');
		assert.equal(csvCell("plain"), "plain");
		assert.equal(csvCell(undefined), "");
	});

	it("writes a header and one row per notification that a CSV reader reads back exactly", () => {
		const row: AuditRow = {
			notificationId: "c1|pub|house:fund:a",
			notifiedAt: "2026-12-01T10:00:00.000Z",
			subscriberId: "c1",
			productId: "house:fund:a",
			publicationId: "pub",
			category: "fund",
			reasons: [
				{ field: "adminFee", operator: "≤", value: 0.005, bound: 0.01 },
				{ field: "fundType", operator: "∈", value: '=cmd|"/c calc"', bound: ['=cmd|"/c calc"', "Ações, "] },
			],
			audit: {
				matchedAt: "2026-12-01T10:00:00.000Z",
				productVersion: "a".repeat(64),
				profileInForce: "moderate",
				profileChosen: "moderate",
				profileExpiresAt: "2028-12-01T10:00:00.000Z",
				investorCategory: "general",
				questionnaireVersion: "2026-12",
				interestsVersion: "b".repeat(64),
			},
		};
		const legacy: AuditRow = { ...row, notificationId: "old", audit: undefined, notice: "no-longer-fits" };
		const text = auditCsv([row, legacy]);
		assert.ok(text.startsWith("\uFEFF"), "a byte order mark, for Excel");
		assert.ok(text.endsWith("\r\n"));
		const records: string[][] = parse(text, { bom: true });
		assert.deepEqual(records[0], [...auditColumns]);
		assert.equal(records.length, 3);
		const read = Object.fromEntries(auditColumns.map((column, i) => [column, records[1]?.[i]]));
		assert.equal(read.productVersion, "a".repeat(64));
		assert.equal(read.profileExpiresAt, "2028-12-01T10:00:00.000Z");
		assert.equal(read.reasons, reasonsText(row.reasons));
		assert.equal(read.reasons, 'adminFee 0.005 ≤ 0.01; fundType =cmd|"/c calc" ∈ [=cmd|"/c calc", Ações, ]');
		const old = Object.fromEntries(auditColumns.map((column, i) => [column, records[2]?.[i]]));
		assert.equal(old.notice, "no-longer-fits");
		assert.equal(old.productVersion, "", "notifications from before audits have empty audit cells");
		for (const record of records) for (const cell of record) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);
	});
});

describe("a notification's stored detail", () => {
	const now = Date.parse("2026-12-01T10:00:00Z");
	const client: Subscription = {
		subscriberId: "c1",
		riskProfile: "moderate",
		interests: { fund: { adminFee: { max: 0.01 } } },
	};
	const detail = {
		reasons: [
			{ field: "adminFee", operator: "≤" as const, value: 0.005, bound: 0.01 },
			{ field: "fundType", operator: "∈" as const, value: "Renda Fixa", bound: ["Renda Fixa", "Crédito"] },
		],
		changes: [{ field: "adminFee", before: 0.006, after: 0.005 }],
		audit: auditOf(standingOf(client), productVersion(fund()), now),
	};
	const fields = {
		_id: "c1|pub|house:fund:a",
		order: 17,
		subscriberId: "c1",
		productId: "house:fund:a",
		publicationId: "pub",
		category: "fund",
		createdAt: "2026-12-01T10:00:00.000Z",
	};

	it("reads as the notification it was, stored as one text or (before that) as fields", () => {
		const compact = { ...fields, detail: detailText(detail) };
		assert.equal(typeof compact.detail, "string");
		assert.deepEqual(readStored(compact), { ...fields, ...detail });
		assert.deepEqual(readStored({ ...fields, ...detail }), { ...fields, ...detail });
		const request = auditRequest({ subscriberId: "c1", from: "2026-11-01", to: "2026-12-01" }, now);
		const [row] = auditTrail(request, [compact]).rows;
		const [legacy] = auditTrail(request, [{ ...fields, ...detail }]).rows;
		assert.deepEqual(row, legacy);
		assert.deepEqual(row?.reasons, detail.reasons);
		assert.deepEqual(row?.audit, detail.audit);
	});

	it("writes every operator as a JSON escape, so a detail of ASCII values is ASCII text, and reads each back", () => {
		const reasons = reasonOperators.map((operator, i) => ({
			field: `field${i}`,
			operator,
			value: i,
			bound: operator === "∈" || operator === "∉" ? ["Renda Fixa"] : i,
		}));
		const text = detailText({ reasons, audit: detail.audit });
		assert.match(text, /^[\x20-\x7e]*$/, "nothing beyond ASCII");
		assert.ok(text.includes("\\u2265"), "≥ as its escape");
		assert.deepEqual(JSON.parse(text), { reasons, audit: detail.audit });
		// Text beyond ASCII in a value stays as it is.
		const accented = detailText({
			reasons: [{ ...(reasons[2] as MatchReason), bound: ["Crédito Privado"] }],
		});
		assert.deepEqual(JSON.parse(accented).reasons[0].bound, ["Crédito Privado"]);
	});

	it("is archived with the record, so the archived trail row is the same", () => {
		const compact = { ...fields, detail: detailText(detail) };
		const request = auditRequest({ subscriberId: "c1", from: "2026-11-01", to: "2026-12-01" }, now);
		assert.deepEqual(
			auditTrail(request, [unarchived(archived(compact))]).rows,
			auditTrail(request, [compact]).rows,
		);
	});
});
