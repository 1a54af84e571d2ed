/**
 * Shapes no client payload of ours ever has, refused before validation: nesting deeper than
 * any of our schemas (validators and serializers recurse, and a 5,000-level body overflows
 * the stack), and keys that only exist to confuse JavaScript objects (`__proto__`,
 * `toString` holding a non-function, …). Used by the gateway and the live sockets.
 */
const maxDepth = 32;
const forbiddenKeys = new Set(["__proto__", "constructor", "prototype", "toString", "valueOf", "toJSON"]);

/** A reason to refuse the payload, or undefined when it is fine to validate. */
export function payloadProblem(value: unknown): string | undefined {
	const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
	while (stack.length > 0) {
		const { value: current, depth } = stack.pop() as { value: unknown; depth: number };
		if (current === null || typeof current !== "object") continue;
		if (depth >= maxDepth) return `The body is nested more than ${maxDepth} levels deep.`;
		for (const key of Object.keys(current)) {
			if (forbiddenKeys.has(key)) return `The body may not contain a "${key}" key.`;
			stack.push({ value: (current as Record<string, unknown>)[key], depth: depth + 1 });
		}
	}
	return undefined;
}
