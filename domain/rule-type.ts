/**
 * The TypeScript type a fastest-validator rule describes, computed by the compiler from the
 * rule itself (written `as const`). It lets one declaration serve as the runtime check, the
 * OpenAPI schema (services/api/openapi.ts turns the same rule into JSON Schema) and the
 * static type, and lets the compiler hold a rule and a hand-written type to the same shape.
 * It covers the rule forms this project writes: shorthand strings ("number|integer|optional",
 * "string[]"), object, array, record, enum, equal, multi and the scalar types.
 */

type Scalar<Name> = Name extends "string" | "email" | "url" | "uuid" | "date"
	? string
	: Name extends "number"
		? number
		: Name extends "boolean"
			? boolean
			: Name extends "object"
				? Record<string, unknown>
				: Name extends "array"
					? unknown[]
					: Name extends "forbidden"
						? never
						: unknown;

/** "number|integer|min:0" → number; "string[]" → string[]. */
type FromShorthand<Text extends string> = Text extends `${infer Head}|${string}`
	? FromShorthand<Head>
	: Text extends `${infer Item}[]`
		? Scalar<Item>[]
		: Scalar<Text>;

type FromObjectRule<R> = R extends { type: "object"; props: infer Props }
	? Shape<Props>
	: R extends { type: "array"; items: infer Items }
		? Infer<Items>[]
		: R extends { type: "record"; key: { type: "enum"; values: readonly (infer Key extends string)[] } }
			? Partial<Record<Key, Infer<R extends { value: infer V } ? V : unknown>>>
			: R extends { type: "record"; value: infer Value }
				? Record<string, Infer<Value>>
				: R extends { type: "enum"; values: readonly (infer Value)[] }
					? Value
					: R extends { type: "equal"; value: infer Value }
						? Value
						: R extends { type: "multi"; rules: readonly (infer Each)[] }
							? Infer<Each>
							: R extends { type: infer Name }
								? Scalar<Name>
								: unknown;

/** Whether a value may be absent: "…|optional" or `optional: true`. */
type IsOptional<R> = R extends string
	? R extends `${string}|optional${string}`
		? true
		: false
	: R extends { optional: true }
		? true
		: R extends readonly (infer Each)[]
			? IsOptional<Each> extends true
				? true
				: false
			: false;

type Nullable<R, T> = R extends { nullable: true } ? T | null : T;

/** The object a `props` map describes: required keys, then optional ones. */
type Shape<Props> = Flat<
	{ -readonly [K in keyof Props as IsOptional<Props[K]> extends true ? never : K]: Infer<Props[K]> } & {
		-readonly [K in keyof Props as IsOptional<Props[K]> extends true ? K : never]?: Infer<Props[K]>;
	}
>;

type Flat<T> = { [K in keyof T]: T[K] };

/** The value a rule accepts. */
export type Infer<R> = R extends string
	? FromShorthand<R>
	: R extends readonly (infer Each)[]
		? Infer<Each>
		: Nullable<R, FromObjectRule<R>>;

/**
 * A union of object types as one record: every key any member has, required only where every
 * member requires it. What one validation schema for all product categories describes.
 */
export type Merged<U> = Flat<
	{ [K in AllKeys<U> as RequiredEverywhere<U, K> extends true ? K : never]: ValueAt<U, K> } & {
		[K in AllKeys<U> as RequiredEverywhere<U, K> extends true ? never : K]?: ValueAt<U, K>;
	}
>;
type AllKeys<U> = U extends unknown ? keyof U : never;
type RequiredKeysOf<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type RequiredEverywhere<U, K> = false extends (
	U extends unknown
		? K extends RequiredKeysOf<U>
			? true
			: false
		: never
)
	? false
	: true;
type ValueAt<U, K extends PropertyKey> = U extends unknown
	? K extends keyof U
		? Exclude<U[K], undefined>
		: never
	: never;

/**
 * A type with its arrays mutable, its objects flattened and each union of object types
 * merged (one schema describes all its members), deeply: the form two shapes are compared in.
 */
type Normal<T> = Exclude<T, object> | NormalObject<Extract<T, object>>;
type NormalObject<O> = [O] extends [never]
	? never
	: [O] extends [readonly (infer Item)[]]
		? Normal<Item>[]
		: [O] extends [(...args: never[]) => unknown]
			? O
			: { [K in keyof Merged<O>]: Normal<Merged<O>[K]> };

/** True when two types have exactly the same shape: the same keys, optionality and value types. */
export type SameShape<A, B> =
	(<G>() => G extends Normal<A> ? 1 : 2) extends <G>() => G extends Normal<B> ? 1 : 2 ? true : false;

/**
 * The rule's type with each spot the rule leaves open (`any`: unknown) taking the type's
 * own, so a rule that says "any value here" still has to name every key around it.
 */
type Align<R, T> = unknown extends R
	? T
	: R extends readonly (infer Item)[]
		? Align<Item, NonNullable<T> extends readonly (infer Own)[] ? Own : unknown>[]
		: R extends object
			? { [K in keyof R]: Align<R[K], K extends keyof NonNullable<T> ? NonNullable<T>[K] : unknown> }
			: R;

/**
 * True when a rule describes exactly the type: the same keys, the same optionality and the
 * same value types, except where the rule says `any`. For a response schema in the OpenAPI
 * document checked against the action's declared result.
 */
export type Describes<Rule, T> = SameShape<Align<Infer<Rule>, T>, T>;
