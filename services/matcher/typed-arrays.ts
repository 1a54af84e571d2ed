/**
 * Typed arrays that grow: the index keeps its postings and rules in them (no object per
 * entry, so a million subscribers cost little garbage collection).
 */

/** The length `grow` gives an array of `length` items that must hold `size`. */
export function grownLength(length: number, size: number): number {
	return Math.max(size, length * 2, 8);
}

/** The typed arrays the index keeps. */
type Numbers = Int32Array | Float64Array | Uint8Array | Uint16Array;

/** A copy of `array` with room for at least `size` items (doubling, so appends stay O(1)). */
export function grow<T extends Numbers>(array: T, size: number): T {
	if (size <= array.length) return array;
	const bigger = new (array.constructor as new (length: number) => T)(grownLength(array.length, size));
	bigger.set(array);
	return bigger;
}

/** A copy of `array` with exactly `size` items (or its first `size`). */
export function resized<T extends Numbers>(array: T, size: number): T {
	const copy = new (array.constructor as new (length: number) => T)(size);
	copy.set(array.length > size ? array.subarray(0, size) : array);
	return copy;
}
