/**
 * A JetStream publish that fails while NATS's streams recover from a restart (a timeout, "no
 * responders") is tried again, a bounded number of times; any other failure is not.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withPublishRetries } from "../../lib/durable-queue.ts";

const natsError = (code: string) => Object.assign(new Error(code), { code });

/** A publish that fails with each of `failures` in turn, then succeeds; counts its calls. */
function flaky(failures: Error[]) {
	const publish = async () => {
		publish.calls++;
		const failure = failures[publish.calls - 1];
		if (failure) throw failure;
	};
	publish.calls = 0;
	return publish;
}

describe("publishing to JetStream while it recovers", () => {
	it("tries again after a timeout or no responders, and succeeds", async () => {
		const publish = flaky([natsError("TIMEOUT"), natsError("503")]);
		await withPublishRetries(publish, 3, 1);
		assert.equal(publish.calls, 3);
	});

	it("gives up after the attempts allowed, with the last failure", async () => {
		const publish = flaky([natsError("TIMEOUT"), natsError("TIMEOUT"), natsError("503"), natsError("503")]);
		await assert.rejects(withPublishRetries(publish, 3, 1), { code: "503" });
		assert.equal(publish.calls, 3);
	});

	it("does not repeat a failure that is not transient", async () => {
		const publish = flaky([natsError("BAD_JSON")]);
		await assert.rejects(withPublishRetries(publish, 3, 1), { code: "BAD_JSON" });
		assert.equal(publish.calls, 1);
	});
});
