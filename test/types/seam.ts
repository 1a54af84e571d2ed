/**
 * The typed seam between services, checked by `npm run typecheck` (never run): each
 * `@ts-expect-error` below is a mistake that must not compile. If one of them compiles, the
 * directive itself is an error and the typecheck fails.
 */
import type { ServiceBroker } from "moleculer";
import { analyticsRules, answers, call } from "../../domain/contracts.ts";
import type { catalogueProductRule, venueRule } from "../../domain/product.ts";
import type { Publication, publicationSchema } from "../../domain/publication.ts";
import type { Describes, Infer } from "../../domain/rule-type.ts";
import type { DurableQueue } from "../../lib/durable-queue.ts";
import { defineService } from "../../lib/service.ts";

export async function wrongPayloads(broker: ServiceBroker, queue: DurableQueue): Promise<void> {
	// The right payload compiles.
	await call(broker, "publications.changesOf", { id: "pub-1", productIds: ["house:fund:a"] });
	// @ts-expect-error a publication id is a string
	await call(broker, "publications.changesOf", { id: 1, productIds: [] });
	await call(broker, "notifications.store", {
		publicationId: "p",
		// @ts-expect-error a match needs its category and its detail (or, as before, its reasons)
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

/** The OpenAPI document's answers are the contract's results, checked by the compiler. */
export const answered = defineService()({
	name: "analytics",
	actions: {
		top: {
			rest: "GET /top",
			openapi: { response: answers("analytics.top", analyticsRules.top) },
			handler: () => [],
		},
		// @ts-expect-error the summary's rule does not describe what `top` answers
		wrongRule: { openapi: { response: answers("analytics.top", analyticsRules.summary) }, handler: () => [] },
		// @ts-expect-error a response is an answer the compiler checked, not a bare rule
		bareRule: { openapi: { response: analyticsRules.top }, handler: () => [] },
	},
});

// @ts-expect-error a rule that leaves out a field the result has (TopProduct's `count`) describes nothing
answers("analytics.top", {
	type: "array",
	items: { type: "object", props: { productId: "string", name: "string", category: "string" } },
});
// @ts-expect-error nor one whose field is optional where the result requires it
answers("analytics.top", {
	type: "array",
	items: {
		type: "object",
		props: { productId: "string", name: "string", category: "string", count: "number|optional" },
	},
});
// @ts-expect-error nor one with a field the result lacks
answers("api.ready", {
	type: "object",
	props: { ready: { type: "equal", value: true }, nodeId: "string", uptime: "number" },
});

const exact: Describes<typeof publicationSchema, Publication> = true;
// @ts-expect-error the product schema, whose categories lie in one object, is not one publication
const notPublication: Describes<typeof catalogueProductRule, Publication> = true;
const venue: Infer<typeof venueRule>["minimumInvestment"] = 1_000;
// @ts-expect-error a rule's optional number is a number
const notNumber: Infer<typeof venueRule>["minimumInvestment"] = "1000";
export const ruleTypes = { exact, notPublication, venue, notNumber };
