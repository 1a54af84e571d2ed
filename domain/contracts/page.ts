/** One page of a paged listing, as every paged action answers. */
export interface Page<T> {
	rows: T[];
	total: number;
	page: number;
	pageSize: number;
	totalPages: number;
}

/** The rule of a page of `items` (fastest-validator), for the OpenAPI document's answers. */
export function pageRule<const Items extends object>(items: Items) {
	return {
		type: "object",
		props: {
			rows: { type: "array", items },
			total: "number|integer|min:0",
			page: "number|integer|min:1",
			pageSize: "number|integer|min:1",
			totalPages: "number|integer|min:0",
		},
	} as const;
}
