/**
 * JSON.rawJSON, from the "JSON.parse source text access" proposal: in V8 since 11.4 (Node
 * 21 on), not yet in TypeScript's libraries. JSON.stringify writes a raw JSON value's text
 * as it is (domain/notification.ts, detailText).
 */
interface JSON {
	rawJSON(text: string): unknown;
}
