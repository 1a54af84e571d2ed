/**
 * The key that signs tokens: JWT_SECRET, or for the embedded default a random secret made
 * once and kept in DATA_DIR/jwt-secret (mode 0600), so sessions survive restarts. Several
 * subscribers nodes must share JWT_SECRET.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../../config.ts";

export function signingKey(config: Config): Uint8Array {
	if (config.jwtSecret) return new TextEncoder().encode(config.jwtSecret);
	const file = join(config.dataDir, "jwt-secret");
	try {
		return new TextEncoder().encode(readFileSync(file, "utf8").trim());
	} catch {
		mkdirSync(config.dataDir, { recursive: true });
		const secret = randomBytes(48).toString("base64url");
		// "wx": if another process wrote it first, use theirs.
		try {
			writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
			return new TextEncoder().encode(secret);
		} catch {
			return new TextEncoder().encode(readFileSync(file, "utf8").trim());
		}
	}
}
