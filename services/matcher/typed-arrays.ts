/**
 * Typed arrays that grow: the index keeps its postings and rules in them (no object per
 * entry, so a million subscribers cost little garbage collection).
 */

/** A copy of `array` with room for at least `size` items (doubling, so appends stay O(1)). */
export function grow<T extends Int32Array | Float64Array | Uint8Array | Uint16Array>(
	array: T,
	size: number,
): T {
	if (size <= array.length) return array;
	const bigger = new (array.constructor as new (length: number) => T)(Math.max(size, array.length * 2, 8));
	bigger.set(array);
	return bigger;
}

/** A copy of `array` with exactly `size` items (or its first `size`). */
export function resized<T extends Int32Array | Float64Array | Uint8Array | Uint16Array>(
	array: T,
	size: number,
): T {
	const copy = new (array.constructor as new (length: number) => T)(size);
	copy.set(array.length > size ? array.subarray(0, size) : array);
	return copy;
}
