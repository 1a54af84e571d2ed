/**
 * domain/audit.ts hashes with Node's crypto. The SPA imports only its types (MatchAudit),
 * yet the compiler reads the whole file: this is all of Node it needs for that. Code from
 * it would still fail the build, which bundles for the browser, where node:crypto is not.
 */
declare module "node:crypto" {
	export function createHash(algorithm: string): {
		update(data: string): { digest(encoding: "hex"): string };
	};
}
