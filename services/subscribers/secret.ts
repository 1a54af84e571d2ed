/**
 * The key that signs tokens: JWT_SECRET, or for the embedded default a random secret made
 * once and kept in DATA_DIR/jwt-secret (mode 0600), so sessions survive restarts. Several
 * subscribers nodes must share JWT_SECRET.
 */
import { createSecretKey, type KeyObject } from "node:crypto";
import type { Config } from "../../config.ts";
import { localSecret } from "../../local-secret.ts";

/**
 * A key object, not the secret's bytes: jose turns a key object into a WebCrypto key once and
 * keeps it, where bytes are imported again at every sign and verify (bench mail: the token of
 * each digest's unsubscribe link).
 */
export function signingKey(config: Config): KeyObject {
	return createSecretKey(
		new TextEncoder().encode(config.jwtSecret ?? localSecret(config.dataDir, "jwt-secret", 48).value),
	);
}
