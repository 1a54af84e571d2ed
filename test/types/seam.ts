/**
 * The typed seam between services, checked by `npm run typecheck` (never run): each
 * `@ts-expect-error` below is a mistake that must not compile. If one of them compiles, the
 * directive itself is an error and the typecheck fails.
 */
import type { ServiceBroker } from "moleculer";
import { call } from "../../domain/contracts.ts";
import type { DurableQueue } from "../../lib/durable-queue.ts";
import { defineService } from "../../lib/service.ts";

export async function wrongPayloads(broker: ServiceBroker, queue: DurableQueue): Promise<void> {
	// The right payload compiles.
	await call(broker, "publications.changesOf", { id: "pub-1", productIds: ["house:fund:a"] });
	// @ts-expect-error a publication id is a string
	await call(broker, "publications.changesOf", { id: 1, productIds: [] });
	await call(broker, "notifications.store", {
		publicationId: "p",
		// @ts-expect-error a match needs its reasons and category
		matches: [{ subscriberId: "s", productId: "x" }],
	});
	// @ts-expect-error no such action
	await call(broker, "products.remove", { id: "x" });
	const product = await call(broker, "products.get", { id: "house:fund:a" });
	// @ts-expect-error the answer is a product: it has no `price`
	product.price;

	await queue.publish("publications", { publicationId: "pub-1" }, "pub-1");
	// @ts-expect-error a match task names its products
	await queue.publish("match-tasks", { publicationId: "pub-1" }, "pub-1:0");
	// @ts-expect-error no such subject
	await queue.publish("publication", { publicationId: "pub-1" }, "pub-1");
	await queue.consume("test", "distributions", async (batch) => {
		// @ts-expect-error a distribution batch has notifications, not products
		batch.products;
	});
}

export const wrongSchema = defineService<{ everyMs: number }, { timer?: NodeJS.Timeout }>()({
	name: "seam-test",
	settings: { everyMs: 1_000 },
	methods: {
		tick(): number {
			return this.settings.everyMs;
		},
	},
	actions: {
		// @ts-expect-error who may call an action is "subscriber" or "operator"
		open: { auth: "admin", handler: () => undefined },
		read: {
			handler(): number {
				// @ts-expect-error the settings have no `everySeconds`
				return this.settings.everySeconds + this.tick();
			},
		},
	},
});
