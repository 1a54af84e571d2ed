/**
 * The navigation state the account page leaves home with after erasing the account, so
 * home can say goodbye. State, not a query parameter: it stays with that one history
 * entry, out of the URL, and a later visit to home shows nothing.
 */
export const accountErasedState = { accountErased: true } as const;

export function isAccountErased(state: { accountErased?: unknown } | undefined): boolean {
	return state?.accountErased === true;
}
