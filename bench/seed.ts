/**
 * Verified subscribers written straight into the subscribers store, for the benchmarks that
 * start from a client base (registering thousands by e-mail is not what they measure). The
 * ones asked for get an open session, and their session tokens come back.
 */
import { createSecretKey } from "node:crypto";
import type { Interests } from "../domain/interests.ts";
import { defaultPreferences, type RiskProfile } from "../domain/subscriber.ts";
import { signToken } from "../services/subscribers/tokens.ts";
import { startSystem } from "../test/harness.ts";

export interface SeedRow {
	id: string;
	interests: Interests;
	riskProfile?: RiskProfile;
	/** Give this one an open session (a token to connect a socket with). */
	session?: boolean;
}

export async function seedSubscribers(
	dataDir: string,
	rows: readonly SeedRow[],
	secret: string,
): Promise<Map<string, string>> {
	const key = createSecretKey(new TextEncoder().encode(secret));
	const sessions = new Map<string, { token: string; jti: string }>();
	for (const row of rows)
		if (row.session) sessions.set(row.id, await signToken(key, "session", row.id, Date.now()));
	const seeding = await startSystem({
		DATA_DIR: dataDir,
		SERVICES: "subscribers",
		LOG_LEVEL: "error",
		JWT_SECRET: secret,
	});
	try {
		const store = seeding.broker.getLocalService("subscribers") as unknown as {
			adapter: { insertMany(docs: object[]): Promise<unknown> };
		};
		const at = new Date().toISOString();
		for (let i = 0; i < rows.length; i += 5_000) {
			await store.adapter.insertMany(
				rows.slice(i, i + 5_000).map((row, j) => ({
					_id: row.id,
					email: `bench-${i + j}@example.com`,
					name: `Bench ${i + j}`,
					locale: "pt-BR",
					status: "verified",
					riskProfile: row.riskProfile ?? "moderate",
					interests: row.interests,
					preferences: defaultPreferences,
					consent: { version: "bench", acceptedAt: at },
					createdAt: at,
					updatedAt: at,
					pendingLinks: [],
					sessions: sessions.has(row.id) ? [sessions.get(row.id)?.jti] : [],
				})),
			);
		}
	} finally {
		await seeding.stop();
	}
	return new Map([...sessions].map(([id, session]) => [id, session.token]));
}
