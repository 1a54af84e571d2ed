/**
 * An enricher source (the CVM registry) completes whatever a run collects, whichever
 * sources the run names, and its archive is downloaded once per `refreshHours`, not by every
 * run: the CVM publishes it once a day. When a refresh fails, the copy kept is used.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { CollectorRunSummary } from "../../domain/contracts.ts";
import { type ApiFixture, btgFundV2, btgPageV2, startApiFixture } from "../fixtures/brokers.ts";
import { registry } from "../fixtures/cvm-registry.ts";
import { getJson, type RunningSystem, startSystem, tempDir, testClock } from "../harness.ts";

const token = "registry-operator-token-0123456789";

describe("an enricher source in every run, its download kept for refreshHours", () => {
	const dir = tempDir();
	const clock = testClock();
	let api: ApiFixture;
	let system: RunningSystem;
	let registryDown = false;
	const archive = registry({
		funds: [
			{
				ID_Registro_Fundo: "101",
				CNPJ_Fundo: "38309834000156",
				Denominacao_Social: "AURORA CRÉDITO CORPORATIVO FIC FIRF CP",
				Situacao: "Em Funcionamento Normal",
				Gestor: "AURORA GESTÃO DE RECURSOS LTDA",
			},
		],
		classes: [
			{
				ID_Registro_Fundo: "101",
				ID_Registro_Classe: "201",
				CNPJ_Classe: "38309834000156",
				Denominacao_Social: "AURORA CRÉDITO CORPORATIVO FIC FIRF CP",
				Situacao: "Em Funcionamento Normal",
				Classificacao_Anbima: "Renda Fixa Duração Livre Crédito Livre",
				Publico_Alvo: "Público Geral",
			},
		],
	});
	const registryRequests = () =>
		api.requests.filter((r) => r.url.pathname === "/cvm/registro_fundo_classe.zip");
	const run = async (body: object = {}): Promise<CollectorRunSummary> => {
		const res = await getJson(`${system.url}/api/collector/run`, {
			method: "POST",
			headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
			body: JSON.stringify(body),
		});
		assert.equal(res.status, 200, JSON.stringify(res.body));
		return res.body;
	};

	before(async () => {
		api = await startApiFixture(({ url }) => {
			if (url.pathname === "/btg/list/v2") return { body: btgPageV2([btgFundV2()], 1) };
			if (url.pathname === "/cvm/registro_fundo_classe.zip")
				return registryDown
					? { status: 503, body: "unavailable" }
					: { body: archive, contentType: "application/zip" };
			return { status: 404, body: {} };
		});
		const file = join(dir.path, "sources.json");
		writeFileSync(
			file,
			JSON.stringify({
				limits: { timeoutMs: 5_000, retries: 0, backoffMs: 10, maxBytes: 1_000_000, perHostConcurrency: 2 },
				sources: [
					{ name: "btg-funds", type: "btg-funds", url: `${api.url}/btg/list/v2` },
					{
						name: "cvm-funds",
						type: "cvm-funds",
						url: `${api.url}/cvm/registro_fundo_classe.zip`,
						refreshHours: 12,
					},
				],
			}),
		);
		system = await startSystem(
			{
				DATA_DIR: join(dir.path, "data"),
				SOURCES_FILE: file,
				OPERATOR_TOKEN: token,
				PRICES_PROVIDER: "sample",
			},
			clock,
		);
	});
	after(async () => {
		await system?.stop();
		await api?.stop();
		dir.remove();
	});

	it("completes a run that names only the fund source", async () => {
		const summary = await run({ sources: ["btg-funds"] });
		assert.equal(summary.sources["cvm-funds"]?.status, "ok");
		assert.equal(summary.sources["cvm-funds"]?.normalized, 1, "one product completed");
		const { body } = await getJson(`${system.url}/api/products/btg-funds:fund:38309834000156`);
		assert.equal(body.manager, "AURORA GESTÃO DE RECURSOS LTDA");
		assert.equal(body.anbimaClass, "Renda Fixa Duração Livre Crédito Livre");
		assert.equal(registryRequests().length, 1);
	});

	it("downloads the archive again only after refreshHours, and keeps the old one when that fails", async () => {
		await run();
		assert.equal(registryRequests().length, 1, "the second run used the copy kept");
		clock.advance(13 * 3_600_000);
		registryDown = true;
		const stale = await run();
		assert.equal(registryRequests().length, 2, "a refresh was tried");
		assert.equal(stale.sources["cvm-funds"]?.status, "ok", "yesterday's registry beats none");
		registryDown = false;
		clock.advance(13 * 3_600_000);
		await run();
		assert.equal(registryRequests().length, 3);
	});

	it("refuses a schedule on an enricher, which runs with every collection", async () => {
		const { parseSources } = await import("../../services/collector/sources.ts");
		assert.throws(
			() =>
				parseSources(
					JSON.stringify({
						sources: [
							{ name: "cvm", type: "cvm-funds", url: "https://x.example/a.zip", schedule: "0 * * * *" },
						],
					}),
					"/tmp/sources.json",
				),
			/an enricher runs with every collection: give it refreshHours instead of a schedule/,
		);
	});
});
