/**
 * Subscribers through the REST API with a real SMTP server on loopback: register → the
 * verification e-mail → verify → interests → preferences → export → unsubscribe → erase,
 * plus no account enumeration, single-use and expiring links, isolation between clients,
 * abuse limits, bad input, and the operators' list and import.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SignJWT } from "jose";
import type { ServiceBroker } from "moleculer";
import { suitabilityFor } from "../fixtures/clients.ts";
import { type SmtpFixture, startSmtpFixture } from "../fixtures/smtp.ts";
import { getJson, type RunningSystem, startSystem, waitFor } from "../harness.ts";

const operator = "subscribers-operator-token-123456";
const secret = "a-test-jwt-secret-of-at-least-32-characters";

describe("subscribers over REST with real e-mail", () => {
	let smtp: SmtpFixture;
	let system: RunningSystem;
	const changes: { id: string; change: string }[] = [];

	const api = (
		path: string,
		init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
	) =>
		getJson(`${system.url}/api${path}`, {
			method: init.method ?? "GET",
			headers: {
				"content-type": "application/json",
				...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
				...init.headers,
			},
			body:
				init.body === undefined
					? undefined
					: typeof init.body === "string"
						? init.body
						: JSON.stringify(init.body),
		});

	const mailsTo = (address: string) => smtp.messages.filter((m) => m.envelope.to.includes(address));

	/** The token of the newest link mailed to `address`, once `count` mails have arrived. */
	async function linkFor(address: string, count = 1): Promise<string> {
		const mails = await waitFor(() => (mailsTo(address).length >= count ? mailsTo(address) : undefined), {
			what: `${count} e-mail(s) to ${address}`,
		});
		const text = mails.at(-1)?.parsed.text ?? "";
		const token = /\/verificar\?token=([\w.-]+)/.exec(text)?.[1];
		assert.ok(token, `a link in: ${text}`);
		return token;
	}

	async function signUp(email: string, name = "Cliente"): Promise<string> {
		const before = mailsTo(email).length;
		const res = await api("/subscribers", { method: "POST", body: { email, name, consent: true } });
		assert.equal(res.status, 202);
		const verified = await api(`/auth/verify?token=${await linkFor(email, before + 1)}`);
		assert.equal(verified.status, 200, JSON.stringify(verified.body));
		return verified.body.token;
	}

	before(async () => {
		smtp = await startSmtpFixture();
		system = await startSystem({ SMTP_URL: smtp.url, OPERATOR_TOKEN: operator, JWT_SECRET: secret });
		system.broker.createService({
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

	let ana: { token: string; id: string };

	it("registers with double opt-in: 202, a verification e-mail, then verify signs in", async () => {
		const res = await api("/subscribers", {
			method: "POST",
			body: {
				email: "Ana@Example.com",
				name: "Ana",
				locale: "pt-BR",
				consent: true,
			},
		});
		assert.equal(res.status, 202);
		const mail = (await waitFor(() => mailsTo("ana@example.com")[0], { what: "verification e-mail" })).parsed;
		assert.match(mail.subject ?? "", /confirme|confirm/i);
		assert.match(mail.text ?? "", /^Olá!$/m, "a verification quotes no name: a stranger may have typed it");
		assert.doesNotMatch(mail.text ?? "", /Ana/);
		const pending = await getJson(`${system.url}/api/admin/subscribers?q=ana`, {
			headers: { authorization: `Bearer ${operator}` },
		});
		assert.equal(pending.body.rows[0].status, "pending");
		assert.equal(pending.body.rows[0].consent.version.length > 0, true);

		const token = await linkFor("ana@example.com");
		const verified = await api(`/auth/verify?token=${token}`);
		assert.equal(verified.status, 200);
		assert.equal(verified.body.subscriber.status, "verified");
		assert.equal(verified.body.subscriber.email, "ana@example.com");
		assert.equal(verified.body.subscriber.riskProfile, "conservative");
		assert.equal(verified.body.subscriber.pendingLinks, undefined);
		ana = { token: verified.body.token, id: verified.body.subscriber.id };
		assert.deepEqual(
			changes.filter((c) => c.id === ana.id).map((c) => c.change),
			["verified"],
		);

		const again = await api(`/auth/verify?token=${token}`);
		assert.equal(again.status, 401);
		assert.equal(again.body.error.type, "LINK_USED");
	});

	it("answers a known address exactly as a new one, changing nothing, and mails only real addresses", async () => {
		const mailsBefore = smtp.messages.length;
		const known = await api("/subscribers", {
			method: "POST",
			body: { email: "ana@example.com", name: "Mallory", consent: true },
		});
		const fresh = await api("/subscribers", {
			method: "POST",
			body: { email: "bia@example.com", name: "Bia", consent: true },
		});
		assert.equal(known.status, fresh.status);
		assert.deepEqual(known.body, fresh.body);
		const me = await api("/me", { token: ana.token });
		assert.equal(me.body.name, "Ana", "the name did not change");
		const signIn = await waitFor(() => mailsTo("ana@example.com")[1], {
			what: "sign-in e-mail to the owner",
		});
		assert.match(signIn.parsed.subject ?? "", /entrar|sign in|acesso/i);

		const unknown = await api("/auth/magic-link", { method: "POST", body: { email: "nobody@example.com" } });
		const owner = await api("/auth/magic-link", { method: "POST", body: { email: "ana@example.com" } });
		assert.equal(unknown.status, 202);
		assert.deepEqual(unknown.body, owner.body);
		await linkFor("ana@example.com", 3);
		await new Promise((resolve) => setTimeout(resolve, 300));
		assert.equal(mailsTo("nobody@example.com").length, 0);
		assert.equal(smtp.messages.length, mailsBefore + 3);
	});

	it("signs in with a magic link; an expired or forged link or session is refused clearly", async () => {
		const token = await linkFor("ana@example.com", 3);
		const signedIn = await api(`/auth/verify?token=${token}`);
		assert.equal(signedIn.status, 200);
		assert.equal(signedIn.body.subscriber.id, ana.id);

		const key = new TextEncoder().encode(secret);
		const expired = await new SignJWT({ purpose: "sign-in" })
			.setProtectedHeader({ alg: "HS256" })
			.setSubject(ana.id)
			.setJti("x")
			.setIssuedAt(Math.floor(system.clock.now() / 1000) - 3600)
			.setExpirationTime(Math.floor(system.clock.now() / 1000) - 60)
			.sign(key);
		const old = await api(`/auth/verify?token=${expired}`);
		assert.equal(old.status, 401);
		assert.equal(old.body.error.type, "LINK_EXPIRED");
		assert.match(old.body.error.message, /expired/);

		const forged = await new SignJWT({ purpose: "session" })
			.setProtectedHeader({ alg: "HS256" })
			.setSubject(ana.id)
			.setJti("y")
			.setExpirationTime("1h")
			.sign(new TextEncoder().encode("another-secret-of-at-least-32-characters!!"));
		const me = await api("/me", { token: forged });
		assert.equal(me.status, 401);
		assert.equal((await api("/me")).status, 401);
		// A link is not a session.
		assert.equal((await api("/me", { token })).status, 401);
	});

	it("keeps interests per category, refusing invalid ones with the allowed fields named", async () => {
		const interests = {
			reit: { dividendYield: { min: 0.08 }, segment: { in: ["Logística"] } },
			fixed_income: { rateIndex: { in: ["IPCA"] }, spread: { min: 0.06 }, taxExempt: true },
		};
		const saved = await api("/me/interests", { method: "PUT", token: ana.token, body: interests });
		assert.equal(saved.status, 200, JSON.stringify(saved.body));
		assert.deepEqual((await api("/me/interests", { token: ana.token })).body, interests);

		const bad = await api("/me/interests", {
			method: "PUT",
			token: ana.token,
			body: { fund: { adminFe: { max: 0.01 } }, stock: { dividendYield: { min: 0.1, max: 0.05 } } },
		});
		assert.equal(bad.status, 422);
		assert.match(
			bad.body.error.message,
			/fund.adminFe is not a field of fund interests; allowed: minimumInvestment, adminFee/,
		);
		assert.match(bad.body.error.message, /min 0.1 is greater than max 0.05/);
		assert.deepEqual((await api("/me/interests", { token: ana.token })).body, interests, "nothing changed");
		assert.ok(changes.some((c) => c.id === ana.id && c.change === "interests"));
	});

	it("updates profile and preferences, validating each", async () => {
		// Without a suitability questionnaire the profile stays conservative (docs/suitability.md).
		const above = await api("/me", {
			method: "PUT",
			token: ana.token,
			body: { riskProfile: "moderate", name: "Ana" },
		});
		assert.equal(above.status, 422);
		assert.equal(above.body.error.type, "PROFILE_ABOVE_SCORE");
		const answered = await api("/me/suitability", {
			method: "PUT",
			token: ana.token,
			body: suitabilityFor("moderate"),
		});
		assert.equal(answered.status, 200, JSON.stringify(answered.body));
		assert.equal(answered.body.suitability.profile, "moderate");
		const profile = await api("/me", {
			method: "PUT",
			token: ana.token,
			body: { riskProfile: "conservative", name: "Ana" },
		});
		assert.equal(profile.status, 200, JSON.stringify(profile.body));
		assert.equal(profile.body.riskProfile, "conservative");
		assert.equal(profile.body.name, "Ana");
		const prefs = await api("/me/preferences", {
			method: "PUT",
			token: ana.token,
			body: { digest: "weekly", digestHour: 7, timeZone: "America/Manaus" },
		});
		assert.equal(prefs.status, 200);
		assert.deepEqual(prefs.body, {
			email: true,
			live: true,
			digest: "weekly",
			digestHour: 7,
			timeZone: "America/Manaus",
		});
		const partial = await api("/me/preferences", {
			method: "PUT",
			token: ana.token,
			body: { digestHour: 9 },
		});
		assert.equal(partial.body.timeZone, "America/Manaus", "fields not sent keep their values");
		assert.equal(partial.body.digestHour, 9);
		const badZone = await api("/me/preferences", {
			method: "PUT",
			token: ana.token,
			body: { timeZone: "Mars/Olympus" },
		});
		assert.equal(badZone.status, 422);
		const unknownKey = await api("/me", {
			method: "PUT",
			token: ana.token,
			body: { status: "verified", email: "x@y.z" },
		});
		assert.equal(unknownKey.status, 422);
		assert.equal((await api("/me", { token: ana.token })).body.email, "ana@example.com");
	});

	it("never lets one client read or change another's data", async () => {
		const bia = await signUp("bia@example.com", "Bia");
		const biaMe = await api(`/me?id=${ana.id}`, { token: bia });
		assert.equal(biaMe.body.email, "bia@example.com");
		await api("/me/interests", { method: "PUT", token: bia, body: { stock: {}, id: ana.id } }).then((r) =>
			assert.equal(r.status, 422),
		);
		await api("/me/interests", { method: "PUT", token: bia, body: { stock: {} } });
		assert.ok((await api("/me/interests", { token: ana.token })).body.reit, "Ana's interests untouched");
		const exported = await api("/me/export", { token: bia });
		assert.ok(!JSON.stringify(exported.body).includes("ana@example.com"));
	});

	it("exports all of a client's personal data as JSON", async () => {
		const res = await api("/me/export", { token: ana.token });
		assert.equal(res.status, 200);
		assert.match(res.headers.get("content-disposition") ?? "", /attachment/);
		assert.equal(res.body.subscriber.email, "ana@example.com");
		assert.equal(res.body.subscriber.consent.version.length > 0, true);
		assert.ok(res.body.deliveries.length >= 3);
		assert.ok(res.body.deliveries.every((d: { subscriberId: string }) => d.subscriberId === ana.id));
		// The suitability questionnaire as answered: ids, and in words in the client's language.
		assert.deepEqual(res.body.subscriber.suitability.answers, suitabilityFor("moderate").answers);
		assert.equal(res.body.subscriber.suitability.score, 13);
		assert.equal(res.body.suitabilityAnswers.length, 8);
		assert.deepEqual(res.body.suitabilityAnswers[1], {
			question: "horizon",
			text: "Por quanto tempo você pretende manter estes investimentos?",
			answer: "3to5y",
			answerText: "De 3 a 5 anos",
			points: 2,
		});
	});

	it("turns e-mail off from a one-click unsubscribe link, without signing in", async () => {
		const link = await system.broker.call<string, object>("subscribers.unsubscribeUrl", { id: ana.id });
		assert.ok(link.startsWith(`${system.config.publicUrl}/api/unsubscribe?token=`));
		// PUBLIC_URL names port 0 in tests: ask the server the link points at.
		const url = link.replace(system.config.publicUrl, system.url);
		const page = await fetch(url);
		assert.equal(page.status, 200);
		assert.match(page.headers.get("content-type") ?? "", /text\/html/);
		assert.match(await page.text(), /<form method="post"/);
		assert.equal(
			(await api("/me/preferences", { token: ana.token })).body.email,
			true,
			"GET changes nothing",
		);

		const oneClick = await fetch(url, {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: "List-Unsubscribe=One-Click",
		});
		assert.equal(oneClick.status, 200);
		assert.equal((await api("/me/preferences", { token: ana.token })).body.email, false);
		assert.ok(changes.some((c) => c.id === ana.id && c.change === "unsubscribed"));
		const forged = await fetch(`${system.url}/api/unsubscribe?token=not.a.token`, { method: "POST" });
		assert.equal(forged.status, 401);
	});

	it("erases a client: record gone, sessions refused, addresses gone from the delivery log", async () => {
		const erased = await api("/me", { method: "DELETE", token: ana.token });
		assert.equal(erased.status, 200);
		assert.equal((await api("/me", { token: ana.token })).status, 401);
		const log = await system.broker.call<{ rows: { to: string }[] }, object>("mailer.deliveries", {
			pageSize: 100,
		});
		assert.ok(!JSON.stringify(log.rows).includes("ana@example.com"));
		assert.ok(
			log.rows.some((d) => d.to === "erased"),
			"the anonymous delivery entries stay",
		);
		assert.ok(changes.some((c) => c.id === ana.id && c.change === "erased"));
		const listed = await getJson(`${system.url}/api/admin/subscribers?q=ana@example`, {
			headers: { authorization: `Bearer ${operator}` },
		});
		assert.equal(listed.body.total, 0);
	});

	it("keeps only an erased client's id and erasure time, for changedSince alone", async () => {
		const broker = system.broker as ServiceBroker;
		const since = new Date(system.clock.now() - 10 * 60_000).toISOString();
		const changed = await broker.call<{ rows: { subscriberId: string }[] }, object>(
			"subscribers.changedSince",
			{
				since,
				pageSize: 5000,
			},
		);
		assert.deepEqual(
			changed.rows.find((row) => row.subscriberId === ana.id),
			{ subscriberId: ana.id, status: "erased" },
			"the tombstone: nothing personal",
		);
		// On disk too: the document left under Ana's id holds her id, a status and a time.
		const stored = readFileSync(join(system.config.dataDir, "subscribers.db"), "utf8")
			.split("\n")
			.filter((line) => line.includes(ana.id))
			.map((line) => JSON.parse(line));
		assert.deepEqual(
			stored.map((doc) => Object.keys(doc).sort()),
			[["_id", "email", "status", "updatedAt"]],
		);
		assert.equal(stored[0].email, `erased:${ana.id}`);
		assert.ok(
			!readFileSync(join(system.config.dataDir, "subscribers.db"), "utf8").includes("ana@example.com"),
		);

		// Nothing else sees it.
		const auth = { authorization: `Bearer ${operator}` };
		const everyone = await getJson(`${system.url}/api/admin/subscribers?pageSize=100`, { headers: auth });
		assert.ok(!JSON.stringify(everyone.body).includes(ana.id), "not in the operators' list");
		const byText = await getJson(`${system.url}/api/admin/subscribers?q=erased`, { headers: auth });
		assert.equal(byText.body.total, 0);
		const counted = Object.values(everyone.body.counts as Record<string, number>).reduce((a, b) => a + b, 0);
		assert.equal(counted, everyone.body.total, "the counts by status add up to the list");
		const active = await broker.call<{ rows: { subscriberId: string }[] }, object>("subscribers.active", {
			pageSize: 5000,
		});
		assert.ok(!active.rows.some((row) => row.subscriberId === ana.id));
		const mailable = await broker.call<{ rows: { id: string }[] }, object>("subscribers.mailable", {
			pageSize: 5000,
		});
		assert.ok(!mailable.rows.some((row) => row.id === ana.id));
		const { count } = await broker.call<{ count: number }, object>("subscribers.countActive", {});
		assert.equal(count, everyone.body.counts.verified);
		await assert.rejects(
			broker.call("subscribers.get", { id: ana.id }),
			(err: { code?: number }) => err.code === 404,
		);
		const markedBouncing = await broker.call<{ updated: number }, object>("subscribers.markBouncing", {
			email: "ana@example.com",
		});
		assert.equal(markedBouncing.updated, 0);
		// The address is free again: an import would create it as a new client.
		const dry = await getJson(`${system.url}/api/admin/subscribers/import`, {
			method: "POST",
			headers: { ...auth, "content-type": "application/json" },
			body: JSON.stringify({ csv: "email,name\nana@example.com,Ana\n", dryRun: true }),
		});
		assert.deepEqual([dry.body.created, dry.body.skipped], [1, []]);
	});

	it("refuses bad input with clear 4xx errors and changes nothing", async () => {
		const count = async () =>
			(
				await getJson(`${system.url}/api/admin/subscribers`, {
					headers: { authorization: `Bearer ${operator}` },
				})
			).body.total;
		const before = await count();
		const noConsent = await api("/subscribers", {
			method: "POST",
			body: { email: "c@example.com", name: "C" },
		});
		assert.equal(noConsent.status, 422);
		const badEmail = await api("/subscribers", {
			method: "POST",
			body: { email: "not-an-email", name: "C", consent: true },
		});
		assert.equal(badEmail.status, 422);
		assert.match(badEmail.body.error.message, /email/i);
		const badInterests = await api("/subscribers", {
			method: "POST",
			body: { email: "c@example.com", name: "C", consent: true, interests: { crypto: {} } },
		});
		assert.equal(badInterests.status, 422);
		const huge = await api("/subscribers", {
			method: "POST",
			body: { email: "c@example.com", name: "x".repeat(70_000), consent: true },
		});
		assert.equal(huge.status, 413);
		const broken = await api("/subscribers", { method: "POST", body: "{not json" });
		assert.equal(broken.status, 400);
		assert.equal(await count(), before);
	});

	it("refuses names that are not names, storing and sending nothing", async () => {
		const session = await signUp("namer@example.com", "Namer");
		const before = smtp.messages.length;
		for (const name of [
			"\r\n\r\nURGENT: your account is blocked. Confirm at https://evil.example/login",
			"<script>alert(1)</script>Ana",
			"Ana https://evil.example",
			"x".repeat(81),
		]) {
			const res = await api("/subscribers", {
				method: "POST",
				body: { email: "victim@example.com", name, consent: true },
			});
			assert.equal(res.status, 422, name);
			assert.match(res.body.error.message, /name/);
		}
		const me = await api("/me", {
			method: "PUT",
			token: session,
			body: { name: "Ana\nhttps://evil.example" },
		});
		assert.equal(me.status, 422);
		await new Promise((resolve) => setTimeout(resolve, 200));
		assert.equal(smtp.messages.length, before, "nothing sent");
		const listed = await getJson(`${system.url}/api/admin/subscribers?q=victim`, {
			headers: { authorization: `Bearer ${operator}` },
		});
		assert.equal(listed.body.rows.length, 0, "nothing stored");
	});

	it("does not let a stranger's sign-in requests lock the owner out of their links", async () => {
		await signUp("owner@example.com", "Owner");
		const ask = (ip: string) =>
			system.broker.call("identity.magicLink", { email: "owner@example.com" }, { meta: { ip } });
		for (let i = 0; i < 3; i++) await ask("198.51.100.7");
		await assert.rejects(
			ask("198.51.100.7"),
			(err: { code?: number }) => err.code === 429,
			"the stranger is limited",
		);
		await waitFor(() => mailsTo("owner@example.com").length === 4, { what: "the stranger's three links" });
		await ask("203.0.113.20");
		await waitFor(() => mailsTo("owner@example.com").length === 5, { what: "the owner's sign-in link" });
	});

	it("revokes sessions on the server: sign out, sign out everywhere, and renewal retires the old token", async () => {
		const first = await signUp("sessions@example.com", "Sessions");
		const claims = JSON.parse(Buffer.from(first.split(".")[1] as string, "base64url").toString());
		assert.equal(claims.exp - claims.iat, 7 * 86_400, "a session lives a week unless renewed");
		const me = (token: string) => api("/me", { token });
		assert.equal((await me(first)).status, 200);

		const renewed = await api("/auth/renew", { method: "POST", token: first, body: {} });
		assert.equal(renewed.status, 200);
		const second = renewed.body.token as string;
		assert.equal((await me(second)).status, 200);
		const old = await me(first);
		assert.equal(old.status, 401, "the renewed token no longer works");
		assert.equal(old.body.error.type, "SESSION_REVOKED");

		// A second device, then signing out of this one only.
		await api("/auth/magic-link", { method: "POST", body: { email: "sessions@example.com" } });
		const other = (await api(`/auth/verify?token=${await linkFor("sessions@example.com", 2)}`)).body
			.token as string;
		assert.equal((await api("/auth/sign-out", { method: "POST", token: second, body: {} })).status, 200);
		assert.equal((await me(second)).status, 401);
		assert.equal((await me(other)).status, 200, "the other device stays signed in");

		const third = (await api("/auth/renew", { method: "POST", token: other, body: {} })).body.token as string;
		const everywhere = await api("/auth/sign-out", {
			method: "POST",
			token: third,
			body: { everywhere: true },
		});
		assert.equal(everywhere.status, 200);
		assert.equal((await me(third)).status, 401, "signed out everywhere");
	});

	it("keeps the SPA's session in an HttpOnly cookie that no script reads and no other site can use", async () => {
		const email = "cookie@example.com";
		await api("/subscribers", { method: "POST", body: { email, name: "Cookie", consent: true } });
		const verified = await api(`/auth/verify?session=cookie&token=${await linkFor(email)}`);
		assert.equal(verified.status, 200, JSON.stringify(verified.body));
		assert.equal(verified.body.token, undefined, "the session is not in the answer");
		assert.equal(verified.body.subscriber.email, email);
		const setCookie = verified.headers.get("set-cookie") ?? "";
		assert.match(setCookie, /^insights_session=[\w.-]{20,};/);
		for (const flag of [/HttpOnly/i, /SameSite=Strict/i, /Path=\//, /Max-Age=604800/])
			assert.match(setCookie, flag);
		const cookieOf = (header: string) => header.split(";")[0] as string;
		let cookie = cookieOf(setCookie);
		const withCookie = (path: string, init: { method?: string; body?: unknown; spa?: boolean } = {}) =>
			api(path, {
				...init,
				headers: { cookie, ...(init.spa === false ? {} : { "x-requested-with": "insights" }) },
			});

		assert.equal((await withCookie("/me", { spa: false })).status, 200, "reads need no header");
		const forged = await withCookie("/me", { method: "PUT", body: { name: "Forged" }, spa: false });
		assert.equal(forged.status, 403, "a write without the SPA's header (another site's form)");
		assert.equal(forged.body.error.type, "CSRF_HEADER_MISSING");
		assert.equal((await withCookie("/me", { spa: false })).body.name, "Cookie", "nothing changed");
		assert.equal((await withCookie("/me", { method: "PUT", body: { name: "Cookie Two" } })).status, 200);

		const renewed = await withCookie("/auth/renew", { method: "POST", body: {} });
		assert.equal(renewed.status, 200);
		assert.equal(renewed.body.token, undefined, "a cookie session is renewed as a cookie");
		const old = cookie;
		cookie = cookieOf(renewed.headers.get("set-cookie") ?? "");
		assert.notEqual(cookie, old);
		assert.equal((await withCookie("/me")).status, 200);
		assert.equal((await api("/me", { headers: { cookie: old } })).status, 401, "the old cookie is retired");

		const out = await withCookie("/auth/sign-out", { method: "POST", body: {} });
		assert.equal(out.status, 200);
		assert.match(out.headers.get("set-cookie") ?? "", /^insights_session=;.*Max-Age=0/);
		assert.equal((await withCookie("/me")).status, 401, "signed out on the server");
	});

	it("limits registrations per address with 429 and Retry-After", async () => {
		const attempt = () =>
			api("/subscribers", { method: "POST", body: { email: "flood@example.com", name: "F", consent: true } });
		for (let i = 0; i < 3; i++) assert.equal((await attempt()).status, 202);
		const limited = await attempt();
		assert.equal(limited.status, 429);
		assert.ok(Number(limited.headers.get("retry-after")) > 0);
		assert.match(limited.body.error.message, /Too many requests/);
	});

	it("limits registrations and sign-in links per client IP", async () => {
		let limited: Awaited<ReturnType<typeof api>> | undefined;
		for (let i = 0; i < 31 && !limited; i++) {
			const res = await api("/auth/magic-link", { method: "POST", body: { email: `ip-${i}@example.com` } });
			if (res.status === 429) limited = res;
			else assert.equal(res.status, 202);
		}
		assert.ok(limited, "the 31st request from one IP within 10 minutes is refused");
		assert.match(limited.body.error.message, /from this address/);
	});

	it("lets operators list subscribers with counts, and import clients (dry run first)", async () => {
		const auth = { authorization: `Bearer ${operator}` };
		assert.equal((await getJson(`${system.url}/api/admin/subscribers`)).status, 401);
		const csv =
			"email,name,locale,riskProfile\nzeca@example.com,Zeca,pt-BR,moderate\nbia@example.com,Bia,pt-BR,\nbad,Ninguém,,\n";
		const dry = await getJson(`${system.url}/api/admin/subscribers/import`, {
			method: "POST",
			headers: { ...auth, "content-type": "application/json" },
			body: JSON.stringify({ csv, dryRun: true }),
		});
		assert.equal(dry.status, 200, JSON.stringify(dry.body));
		assert.equal(dry.body.created, 1);
		assert.deepEqual(
			dry.body.skipped.map((s: { reason: string }) => s.reason),
			["already a subscriber", "not a valid e-mail address"],
		);
		// A profile comes from the client's own questionnaire: an imported one is not applied.
		assert.deepEqual(
			dry.body.notes.map((n: { row: number; email: string }) => [n.row, n.email]),
			[[2, "zeca@example.com"]],
		);
		assert.match(dry.body.notes[0].note, /imported as conservative, not moderate/);
		assert.equal(mailsTo("zeca@example.com").length, 0);
		const real = await getJson(`${system.url}/api/admin/subscribers/import`, {
			method: "POST",
			headers: { ...auth, "content-type": "application/json" },
			body: JSON.stringify({ csv }),
		});
		assert.equal(real.body.created, 1);
		await linkFor("zeca@example.com");
		const list = await getJson(`${system.url}/api/admin/subscribers?q=zeca`, { headers: auth });
		assert.equal(list.body.rows[0].status, "pending");
		assert.equal(list.body.rows[0].riskProfile, "conservative");
		assert.ok(list.body.counts.pending >= 1 && list.body.counts.verified >= 1);
	});

	it("serves the interests schema with labels, units and the values current products hold", async () => {
		await (system.broker as ServiceBroker).call("collector.run", { sources: ["house-picks"] });
		const { status, body } = await api("/interests/schema");
		assert.equal(status, 200);
		const segment = body.categories.reit.find((f: { name: string }) => f.name === "segment");
		assert.ok(segment.values.includes("Logística"));
		assert.equal(segment.label["pt-BR"], "Segmento");
		const rateIndex = body.categories.fixed_income.find((f: { name: string }) => f.name === "rateIndex");
		assert.deepEqual(rateIndex.values, ["CDI", "IPCA", "PRE", "SELIC"]);
		const yieldField = body.categories.stock.find((f: { name: string }) => f.name === "dividendYield");
		assert.equal(yieldField.unit, "fraction");
		assert.deepEqual(body.riskProfiles[0], { profile: "conservative", maxRiskLevel: 2 });
	});
});
