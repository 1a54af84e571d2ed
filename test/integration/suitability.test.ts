/**
 * Suitability and investor category (CVM Resolution 30) through the REST API of a running
 * system with a real SMTP server on loopback and a clock the test moves: the questionnaire,
 * scoring, a profile never above the score, conservative without (or with an expired)
 * questionnaire, exactly one expiry e-mail, the attested and dated investor category, the
 * rows the matcher reads, and the broadcasts that keep matchers current.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ServiceBroker } from "moleculer";
import { interestsVersion } from "../../domain/audit.ts";
import type { SubscriptionRow } from "../../domain/contracts.ts";
import { assessmentExpiresAt } from "../../domain/suitability.ts";
import { answersFor, suitabilityFor } from "../fixtures/clients.ts";
import { type SmtpFixture, startSmtpFixture } from "../fixtures/smtp.ts";
import { getJson, type RunningSystem, startSystem, testClock, testEpoch, waitFor } from "../harness.ts";

const day = 86_400_000;

describe("suitability and investor category over REST", () => {
	let smtp: SmtpFixture;
	let system: RunningSystem;
	const clock = testClock(testEpoch);
	const changes: { id: string; change: string }[] = [];

	const api = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) =>
		getJson(`${system.url}/api${path}`, {
			method: init.method ?? "GET",
			headers: {
				"content-type": "application/json",
				...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
			},
			body: init.body === undefined ? undefined : JSON.stringify(init.body),
		});
	const mailsTo = (address: string) => smtp.messages.filter((m) => m.envelope.to.includes(address));

	/** A session for `email`: registration (with `extra`) and the e-mailed link, or a sign-in link. */
	async function session(email: string, extra: object = {}): Promise<{ id: string; token: string }> {
		const count = mailsTo(email).length;
		const registered = await api("/subscribers", {
			method: "POST",
			body: { email, name: "Cliente", consent: true, ...extra },
		});
		assert.equal(registered.status, 202, JSON.stringify(registered.body));
		const mail = await waitFor(() => mailsTo(email)[count], { what: `a link to ${email}` });
		const token = /\/verificar\?token=([\w.-]+)/.exec(mail.parsed.text ?? "")?.[1];
		const verified = await api(`/auth/verify?token=${token}`);
		assert.equal(verified.status, 200, JSON.stringify(verified.body));
		return { id: verified.body.subscriber.id, token: verified.body.token };
	}

	/** A fresh session from a sign-in link (the earlier one may have expired with the clock). */
	async function signIn(email: string): Promise<string> {
		const count = mailsTo(email).length;
		assert.equal((await api("/auth/magic-link", { method: "POST", body: { email } })).status, 202);
		const mail = await waitFor(() => mailsTo(email)[count], { what: `a sign-in link to ${email}` });
		const token = /\/verificar\?token=([\w.-]+)/.exec(mail.parsed.text ?? "")?.[1];
		const verified = await api(`/auth/verify?token=${token}`);
		assert.equal(verified.status, 200, JSON.stringify(verified.body));
		return verified.body.token;
	}

	const rowOf = async (id: string) =>
		(
			await system.broker.call<{ rows: SubscriptionRow[] }, object>("subscribers.active", { pageSize: 5000 })
		).rows.find((row) => row.subscriberId === id);
	const sweep = () =>
		system.broker.call<{ notified: number; tombstonesDropped: number }, object>(
			"subscribers.sweepSuitability",
			{},
		);

	before(async () => {
		smtp = await startSmtpFixture();
		system = await startSystem({ SMTP_URL: smtp.url }, clock);
		(system.broker as ServiceBroker).createService({
			name: "changes-listener",
			events: {
				"subscribers.changed"(ctx) {
					changes.push(ctx.params as { id: string; change: string });
				},
			},
		});
	});
	after(async () => {
		await system.stop();
		await smtp.close();
	});

	it("serves the versioned questionnaire publicly, in pt-BR and en, with its thresholds and validity", async () => {
		const { status, body } = await api("/suitability/questionnaire");
		assert.equal(status, 200);
		assert.equal(body.version, "2026-12");
		assert.equal(body.validMonths, 24);
		assert.deepEqual(body.thresholds, { moderate: 10, aggressive: 18 });
		assert.equal(body.questions.length, 8);
		const horizon = body.questions.find((q: { id: string }) => q.id === "horizon");
		assert.equal(horizon.text["pt-BR"], "Por quanto tempo você pretende manter estes investimentos?");
		assert.equal(horizon.options[0].text.en, "Less than 1 year");
		assert.equal(horizon.options[0].cap, "conservative");
	});

	let ana: { id: string; token: string };

	it("makes a client without a questionnaire conservative, unable to raise it", async () => {
		ana = await session("ana@example.com");
		const me = (await api("/me", { token: ana.token })).body;
		assert.equal(me.riskProfile, "conservative");
		assert.equal(me.effectiveProfile, "conservative");
		assert.equal(me.suitability, undefined);
		assert.deepEqual(me.investorCategory, { category: "general" });
		for (const riskProfile of ["moderate", "aggressive"]) {
			const refused = await api("/me", { method: "PUT", token: ana.token, body: { riskProfile } });
			assert.equal(refused.status, 422);
			assert.equal(refused.body.error.type, "PROFILE_ABOVE_SCORE");
			assert.match(
				refused.body.error.message,
				/Without a suitability questionnaire the profile is conservative/,
			);
		}
		assert.deepEqual(await rowOf(ana.id), {
			subscriberId: ana.id,
			riskProfile: "conservative",
			investorCategory: "general",
			interests: {},
			interestsVersion: interestsVersion({}),
		});
	});

	it("refuses incomplete or outdated answers with a 422 naming each problem, changing nothing", async () => {
		const answers = answersFor("aggressive");
		const outdated = await api("/me/suitability", {
			method: "PUT",
			token: ana.token,
			body: { version: "2025-01", answers },
		});
		assert.equal(outdated.status, 422);
		assert.equal(outdated.body.error.type, "INVALID_SUITABILITY");
		assert.match(
			outdated.body.error.message,
			/version: "2025-01" is not the current questionnaire \(2026-12\)/,
		);
		const { horizon: _left, ...missing } = answers;
		const incomplete = await api("/me/suitability", {
			method: "PUT",
			token: ana.token,
			body: { version: "2026-12", answers: { ...missing, wealth: "lots" } },
		});
		assert.equal(incomplete.status, 422);
		assert.deepEqual(
			incomplete.body.error.data.map((e: { field: string }) => e.field),
			["answers.horizon", "answers.wealth"],
		);
		assert.match(incomplete.body.error.message, /answers.horizon: not answered; one of under1y/);
		const extra = await api("/me/suitability", {
			method: "PUT",
			token: ana.token,
			body: { version: "2026-12", answers, riskProfile: "aggressive" },
		});
		assert.equal(extra.status, 422, "a profile is not something the questionnaire takes");
		assert.equal((await api("/me", { token: ana.token })).body.suitability, undefined);
	});

	it("stores the answers with score, profile, version and date, and gives the scored profile", async () => {
		const before = changes.filter((c) => c.id === ana.id).length;
		const answered = await api("/me/suitability", {
			method: "PUT",
			token: ana.token,
			body: suitabilityFor("moderate"),
		});
		assert.equal(answered.status, 200, JSON.stringify(answered.body));
		const { suitability } = answered.body;
		assert.deepEqual(suitability.answers, answersFor("moderate"));
		assert.equal(suitability.version, "2026-12");
		assert.equal(suitability.score, 13);
		assert.equal(suitability.profile, "moderate");
		assert.ok(
			Math.abs(Date.parse(suitability.assessedAt) - clock.now()) < 5_000,
			"dated by the node's clock",
		);
		assert.equal(suitability.expiresAt, assessmentExpiresAt(suitability.assessedAt, 24));
		assert.equal(suitability.expired, false);
		assert.equal(answered.body.riskProfile, "moderate");
		assert.equal(answered.body.effectiveProfile, "moderate");
		assert.deepEqual(
			changes
				.filter((c) => c.id === ana.id)
				.slice(before)
				.map((c) => c.change),
			["profile"],
			"matchers are told",
		);
		assert.deepEqual(await rowOf(ana.id), {
			subscriberId: ana.id,
			riskProfile: "moderate",
			profileExpiresAt: suitability.expiresAt,
			investorCategory: "general",
			questionnaireVersion: "2026-12",
			interests: {},
			interestsVersion: interestsVersion({}),
		});
	});

	it("lets a client lower their profile, never raise it above the score, and keeps a lower choice", async () => {
		const above = await api("/me", { method: "PUT", token: ana.token, body: { riskProfile: "aggressive" } });
		assert.equal(above.status, 422);
		assert.equal(above.body.error.type, "PROFILE_ABOVE_SCORE");
		assert.deepEqual(above.body.error.data, { riskProfile: "aggressive", allowed: "moderate" });
		assert.equal((await api("/me", { token: ana.token })).body.riskProfile, "moderate", "nothing changed");

		const lower = await api("/me", {
			method: "PUT",
			token: ana.token,
			body: { riskProfile: "conservative" },
		});
		assert.equal(lower.status, 200);
		assert.equal(lower.body.riskProfile, "conservative");
		assert.equal(lower.body.effectiveProfile, "conservative");
		assert.equal((await rowOf(ana.id))?.riskProfile, "conservative");

		// A bolder questionnaire keeps the lower choice; the client may now go up to the new score.
		const bolder = await api("/me/suitability", {
			method: "PUT",
			token: ana.token,
			body: suitabilityFor("aggressive"),
		});
		assert.equal(bolder.body.suitability.profile, "aggressive");
		assert.equal(bolder.body.riskProfile, "conservative");
		const raised = await api("/me", { method: "PUT", token: ana.token, body: { riskProfile: "aggressive" } });
		assert.equal(raised.status, 200);
		assert.equal(raised.body.riskProfile, "aggressive");

		// A more cautious questionnaire brings the profile down to its score.
		const cautious = await api("/me/suitability", {
			method: "PUT",
			token: ana.token,
			body: suitabilityFor("moderate"),
		});
		assert.equal(cautious.body.riskProfile, "moderate");
	});

	it("takes answers at registration, never a profile above them", async () => {
		const bare = await api("/subscribers", {
			method: "POST",
			body: { email: "bold@example.com", name: "Bold", consent: true, riskProfile: "aggressive" },
		});
		assert.equal(bare.status, 422);
		assert.equal(bare.body.error.type, "PROFILE_ABOVE_SCORE");
		const above = await api("/subscribers", {
			method: "POST",
			body: {
				email: "bold@example.com",
				name: "Bold",
				consent: true,
				riskProfile: "aggressive",
				suitability: suitabilityFor("moderate"),
			},
		});
		assert.equal(above.status, 422);
		assert.equal(mailsTo("bold@example.com").length, 0, "nothing stored, nothing sent");

		const bold = await session("bold@example.com", { suitability: suitabilityFor("aggressive") });
		const me = (await api("/me", { token: bold.token })).body;
		assert.equal(me.riskProfile, "aggressive");
		assert.equal(me.suitability.score, 24);
		const careful = await session("careful@example.com", {
			suitability: suitabilityFor("aggressive"),
			riskProfile: "moderate",
		});
		assert.equal((await api("/me", { token: careful.token })).body.riskProfile, "moderate");
	});

	it("declares the investor category only with the statement attested, dated with its version", async () => {
		const statements = await api("/investor-category/statements");
		assert.equal(statements.status, 200);
		assert.equal(statements.body.version, "2026-12");
		assert.match(statements.body.statements.qualified.investments["pt-BR"], /investidor qualificado/);
		assert.match(statements.body.statements.professional.investments.en, /R\$ 10,000,000\.00/);

		const unattested = await api("/me/investor-category", {
			method: "PUT",
			token: ana.token,
			body: { category: "qualified" },
		});
		assert.equal(unattested.status, 422);
		assert.equal(unattested.body.error.type, "ATTESTATION_REQUIRED");
		const wrongGround = await api("/me/investor-category", {
			method: "PUT",
			token: ana.token,
			body: { category: "professional", ground: "certification", attestation: true },
		});
		assert.equal(wrongGround.status, 422);
		assert.equal(wrongGround.body.error.type, "INVALID_GROUND");
		assert.deepEqual((await api("/me", { token: ana.token })).body.investorCategory, { category: "general" });

		const before = changes.filter((c) => c.id === ana.id).length;
		const declared = await api("/me/investor-category", {
			method: "PUT",
			token: ana.token,
			body: { category: "qualified", ground: "investments", attestation: true, statementVersion: "2026-12" },
		});
		assert.equal(declared.status, 200, JSON.stringify(declared.body));
		const { investorCategory } = declared.body;
		assert.equal(investorCategory.category, "qualified");
		assert.equal(investorCategory.ground, "investments");
		assert.equal(investorCategory.statementVersion, "2026-12");
		assert.equal(investorCategory.locale, "pt-BR");
		assert.ok(Math.abs(Date.parse(investorCategory.declaredAt) - clock.now()) < 5_000);
		assert.equal((await rowOf(ana.id))?.investorCategory, "qualified");
		assert.deepEqual(
			changes
				.filter((c) => c.id === ana.id)
				.slice(before)
				.map((c) => c.change),
			["profile"],
		);
	});

	it("treats a questionnaire older than 24 months as conservative and e-mails the client exactly once", async () => {
		// Clients who answered 24 months and some days ago: the clock goes back to then, and forward again.
		const now = clock.now();
		clock.set(now - 24 * 31 * day);
		const old = await session("old@example.com", { suitability: suitabilityFor("aggressive"), locale: "en" });
		const quiet = await session("quiet@example.com", { suitability: suitabilityFor("moderate") });
		await api("/me/preferences", { method: "PUT", token: quiet.token, body: { email: false } });
		clock.set(now);
		const token = await signIn("old@example.com");

		const me = (await api("/me", { token })).body;
		assert.equal(me.suitability.expired, true);
		assert.ok(Date.parse(me.suitability.expiresAt) < clock.now());
		assert.equal(me.suitability.expiresAt, assessmentExpiresAt(me.suitability.assessedAt, 24));
		assert.equal(me.effectiveProfile, "conservative", "counts as conservative until renewed");
		assert.equal(me.riskProfile, "aggressive", "the choice is kept for when it is renewed");
		const row = await rowOf(old.id);
		assert.equal(row?.profileExpiresAt, me.suitability.expiresAt, "the matcher sees when it stopped holding");
		assert.ok(Date.parse(row?.profileExpiresAt ?? "") < clock.now());
		const quietView = await system.broker.call<{ suitability: { expired: boolean } }, object>(
			"subscribers.get",
			{
				id: quiet.id,
			},
		);
		assert.equal(quietView.suitability.expired, true);

		const notices = () => mailsTo("old@example.com").filter((m) => /expired/i.test(m.parsed.subject ?? ""));
		assert.deepEqual(
			await sweep(),
			{ notified: 1, tombstonesDropped: 0 },
			"e-mail off: told in the app only",
		);
		const mail = await waitFor(() => notices()[0], { what: "the expiry e-mail" });
		assert.equal(
			mail.parsed.subject,
			"Your investor profile has expired: please answer the questionnaire again",
		);
		assert.match(mail.parsed.text ?? "", /until you answer again, we treat your profile as conservative/i);
		assert.match(mail.parsed.text ?? "", new RegExp(`${system.config.publicUrl}/interesses`));
		assert.ok(mail.headers.get("list-unsubscribe"), "mail the client may turn off");
		assert.deepEqual(await sweep(), { notified: 0, tombstonesDropped: 0 });
		await new Promise((resolve) => setTimeout(resolve, 500));
		assert.equal(notices().length, 1, "exactly one expiry e-mail");
		assert.equal(mailsTo("quiet@example.com").filter((m) => /venceu/.test(m.parsed.subject ?? "")).length, 0);
		const log = await system.broker.call<{ rows: { template: string }[] }, object>("mailer.deliveries", {
			subscriberId: old.id,
			pageSize: 100,
		});
		assert.equal(log.rows.filter((d) => d.template === "suitability-expired").length, 1);

		// Answering again renews it from today.
		const renewed = await api("/me/suitability", {
			method: "PUT",
			token,
			body: suitabilityFor("aggressive"),
		});
		assert.equal(renewed.body.suitability.expired, false);
		assert.equal(renewed.body.effectiveProfile, "aggressive");
		assert.ok(Date.parse(renewed.body.suitability.expiresAt) > clock.now() + 700 * day);
	});

	it("gives changedSince an erased client's tombstone for the queue's keep window, then drops it", async () => {
		const gone = await session("gone@example.com", { suitability: suitabilityFor("moderate") });
		const since = new Date(clock.now() - 60_000).toISOString();
		assert.equal((await api("/me", { method: "DELETE", token: gone.token })).status, 200);
		const changed = () =>
			system.broker.call<{ rows: { subscriberId: string }[] }, object>("subscribers.changedSince", {
				since,
				pageSize: 5000,
			});
		assert.deepEqual(
			(await changed()).rows.find((row) => row.subscriberId === gone.id),
			{ subscriberId: gone.id, status: "erased" },
		);
		assert.equal((await rowOf(gone.id)) ?? null, null);
		clock.advance(6 * day);
		assert.equal((await sweep()).tombstonesDropped, 0, "kept within the window");
		clock.advance(2 * day);
		assert.ok((await sweep()).tombstonesDropped >= 1);
		assert.ok(!(await changed()).rows.some((row) => row.subscriberId === gone.id));
	});
});
