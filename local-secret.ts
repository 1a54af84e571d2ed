/**
 * A secret the embedded default makes for itself: random, written once to DATA_DIR/<name>
 * (mode 0600) and read back on every start, so that it survives restarts without any
 * configuration. Nodes of a cluster share theirs through the environment instead.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface LocalSecret {
	value: string;
	file: string;
	/** Made by this call: nobody has seen it yet. */
	created: boolean;
}

export function localSecret(dataDir: string, name: string, bytes: number): LocalSecret {
	const file = join(dataDir, name);
	const read = (): LocalSecret => ({ value: readFileSync(file, "utf8").trim(), file, created: false });
	try {
		return read();
	} catch {
		mkdirSync(dataDir, { recursive: true });
		const value = randomBytes(bytes).toString("base64url");
		// "wx": if another process wrote it first, use theirs.
		try {
			writeFileSync(file, value, { mode: 0o600, flag: "wx" });
			return { value, file, created: true };
		} catch {
			return read();
		}
	}
}
