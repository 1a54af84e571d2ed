/**
 * Hostile: bodies the server cannot read. A corrupt gzip or deflate body is the client's
 * mistake (400, not 500); a JSON route given another type refuses it (415) instead of
 * acting on "no params" — `PUT /me/interests` in text/plain once wiped a client's interests.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Client, verifiedClient } from "../fixtures/clients.ts";
import { getJson, type RunningSystem, startSystem, tempDir } from "../harness.ts";

describe("malformed encodings and bodies", () => {
	const data = tempDir();
	let system: RunningSystem;
	let client: Client;
	const interests = { fund: { adminFee: { max: 0.01 } } };
	before(async () => {
		system = await startSystem({ DATA_DIR: data.path });
		client = await verifiedClient(system.url, data.path, "enc@example.com", interests);
	});
	after(async () => {
		await system.stop();
		data.remove();
	});
	const storedInterests = async () =>
		(
			await getJson(`${system.url}/api/me/interests`, {
				headers: { authorization: `Bearer ${client.token}` },
			})
		).body;

	for (const encoding of ["gzip", "deflate", "br"])
		it(`answers a corrupt ${encoding} body with 400 and changes nothing`, async () => {
			const res = await getJson(`${system.url}/api/me/interests`, {
				method: "PUT",
				headers: {
					"content-type": "application/json",
					"content-encoding": encoding,
					authorization: `Bearer ${client.token}`,
				},
				body: Buffer.from("this is not compressed at all"),
			});
			assert.equal(res.status, 400, JSON.stringify(res.body));
			assert.equal(res.body.error.type, "INVALID_BODY");
			assert.deepEqual(await storedInterests(), interests);
		});

	for (const type of ["text/plain", "application/x-www-form-urlencoded", ""])
		it(`refuses a JSON route's body sent as ${type || "no type"} with 415, changing nothing`, async () => {
			const headers: Record<string, string> = { authorization: `Bearer ${client.token}` };
			if (type) headers["content-type"] = type;
			const res = await getJson(`${system.url}/api/me/interests`, {
				method: "PUT",
				headers,
				body: new Blob([JSON.stringify({ stock: {} })]),
			});
			assert.equal(res.status, 415, JSON.stringify(res.body));
			assert.equal(res.body.error.type, "UNSUPPORTED_MEDIA_TYPE");
			assert.deepEqual(await storedInterests(), interests);
		});
});
