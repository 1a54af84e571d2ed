/**
 * The catalogue of services a node can run (`SERVICES`). Schemas are imported lazily so a
 * node only loads the code, and the dependencies, of the services it runs.
 */
import type { ServiceSchema } from "moleculer";

type Loader = () => Promise<ServiceSchema[]>;

const schemas = (...modules: Promise<{ default: ServiceSchema }>[]) =>
	Promise.all(modules).then((m) => m.map((x) => x.default));

/** A name in SERVICES starts every service of its folder. */
const loaders = {
	analytics: () => schemas(import("./analytics/analytics.service.ts")),
	api: () => schemas(import("./api/api.service.ts")),
	collector: () => schemas(import("./collector/collector.service.ts")),
	live: () => schemas(import("./live/live.service.ts")),
	mailer: () => schemas(import("./mailer/mailer.service.ts")),
	matcher: () => schemas(import("./matcher/matcher.service.ts")),
	metrics: () => schemas(import("./metrics/metrics.service.ts")),
	notifications: () => schemas(import("./notifications/notifications.service.ts")),
	prices: () => schemas(import("./prices/prices.service.ts")),
	products: () =>
		schemas(
			import("./products/products.service.ts"),
			import("./products/listings.service.ts"),
			import("./products/publications.service.ts"),
			import("./products/staging.service.ts"),
		),
	subscribers: () =>
		schemas(import("./subscribers/subscribers.service.ts"), import("./subscribers/identity.service.ts")),
} satisfies Record<string, Loader>;

export type ServiceName = keyof typeof loaders;

export const serviceNames: readonly string[] = Object.keys(loaders);

export async function loadServiceSchemas(name: string): Promise<ServiceSchema[]> {
	const load = loaders[name as ServiceName];
	if (!load) throw new Error(`Unknown service "${name}"`);
	return load();
}
