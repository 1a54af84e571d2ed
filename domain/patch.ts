/**
 * A copy of an object with some fields set and the ones given as undefined removed: how the
 * domain edits a product or a venue by field name (a venue's fields onto a product, a
 * change undone) while keeping its type.
 */
export function patched<T extends object>(base: T, fields: Readonly<Record<string, unknown>>): T {
	const copy: T = Object.assign({}, base, fields);
	for (const [field, value] of Object.entries(fields))
		if (value === undefined) Reflect.deleteProperty(copy, field);
	return copy;
}
