/**
 * The operators' credential: OPERATOR_TOKEN when set; otherwise, in the embedded default,
 * a token made on first start and kept in DATA_DIR/operator-token (mode 0600), so that a
 * newcomer can use "run now" and the Operador page without configuring anything. A cluster
 * node without OPERATOR_TOKEN keeps operator routes off: api nodes have their own DATA_DIRs
 * and would not agree on a token.
 */
import type { Config } from "../../config.ts";
import { localSecret } from "../../local-secret.ts";

export interface OperatorCredential {
	token: string;
	/** Where it comes from: the environment, or the file the embedded default keeps. */
	source: "OPERATOR_TOKEN" | "file";
	file?: string;
	/** Made by this start: shown once in the log, never again. */
	created: boolean;
}

export function operatorCredential(config: Config): OperatorCredential | undefined {
	if (config.operatorToken) return { token: config.operatorToken, source: "OPERATOR_TOKEN", created: false };
	if (config.transporter) return undefined;
	const secret = localSecret(config.dataDir, "operator-token", 24);
	return { token: secret.value, source: "file", file: secret.file, created: secret.created };
}

/** The start-up line about the credential: the token itself only the first time. */
export function credentialNotice(credential: OperatorCredential | undefined, publicUrl: string): string {
	const where = `paste it on ${publicUrl}/operador or send "Authorization: Bearer <token>" to operator routes; OPERATOR_TOKEN overrides it`;
	if (!credential)
		return "Operator routes are off on this node: set OPERATOR_TOKEN (the same on every api node) to turn them on.";
	if (credential.source === "OPERATOR_TOKEN") return "Operator routes take the token in OPERATOR_TOKEN.";
	if (credential.created)
		return `Operator token (shown this once, kept in ${credential.file}): ${credential.token} — ${where}.`;
	return `Operator token: the one kept in ${credential.file} (cat it to see it) — ${where}.`;
}
