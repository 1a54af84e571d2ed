/**
 * The key that signs tokens: JWT_SECRET, or for the embedded default a random secret made
 * once and kept in DATA_DIR/jwt-secret (mode 0600), so sessions survive restarts. Several
 * subscribers nodes must share JWT_SECRET.
 */
import type { Config } from "../../config.ts";
import { localSecret } from "../../local-secret.ts";

export function signingKey(config: Config): Uint8Array {
	return new TextEncoder().encode(config.jwtSecret ?? localSecret(config.dataDir, "jwt-secret", 48).value);
}
