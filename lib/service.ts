/**
 * A service schema whose `this` knows the service: its settings, its local state and its
 * methods, so handlers read `this.queue` or `this.settings.sweepMs` without casts.
 * Moleculer's `ServiceSchema<Settings, Methods, Locals>` types `this` from its parameters
 * but cannot infer the methods from the schema; `defineService<Settings, Locals>()(schema)`
 * takes the settings and local state by name and infers the methods. TypeScript reads the
 * schema in order: write `methods` before the hooks, actions and events that call them, and
 * give every method its return type.
 */
import type { Service, ServiceSchema, ServiceSettingSchema } from "moleculer";

type Method = (...args: never[]) => unknown;

/** `this` in a handler, method or lifecycle hook of such a service. */
export type ServiceThis<Settings, Locals, Methods> = Service<Settings & ServiceSettingSchema> &
	Locals &
	Methods;

export type TypedSchema<Settings, Locals, Methods> = Omit<
	ServiceSchema<Settings & ServiceSettingSchema, Methods, Locals>,
	"methods"
> & {
	methods?: Methods & ThisType<ServiceThis<Settings, Locals, Methods>>;
	/** Moleculer calls it with the schema its mixins were merged into, before the service is made. */
	merged?(this: ServiceThis<Settings, Locals, Methods>, schema: ServiceSchema): void;
};

export function defineService<Settings extends object = object, Locals extends object = object>() {
	return <Methods extends Record<string, Method> = Record<never, Method>>(
		schema: TypedSchema<Settings, Locals, Methods>,
	): ServiceSchema => schema as ServiceSchema;
}

/**
 * defineService's counterpart for a schema mixin: `this` in its handlers, methods and hooks
 * knows the mixin's settings, what it keeps on the service and what the service it is mixed
 * into gives it (both in `Locals`), and its own methods. The result remembers those methods,
 * so the host and sibling mixins name them with `MethodsOf` instead of restating them. Same
 * rules: `methods` before the handlers that call them, every method with its return type.
 */
export type TypedMixin<Settings, Locals, Methods> = Omit<
	Partial<ServiceSchema<Settings & ServiceSettingSchema, Methods, Locals>>,
	"name" | "methods"
> & { methods?: Methods & ThisType<ServiceThis<Settings, Locals, Methods>> };

/** A schema mixin as Moleculer takes it, whose methods are known. */
export type Mixin<Methods> = Omit<Partial<ServiceSchema>, "methods"> & { methods?: Methods };

/** The methods a mixin adds to the service it is mixed into. */
export type MethodsOf<M extends Mixin<object>> = NonNullable<M["methods"]>;

export function defineMixin<Settings extends object = object, Locals extends object = object>() {
	return <Methods extends Record<string, Method> = Record<never, Method>>(
		schema: TypedMixin<Settings, Locals, Methods>,
	): Mixin<Methods> => schema as Mixin<Methods>;
}
