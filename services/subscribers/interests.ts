/**
 * A client's interests as sent (registration, PUT /me/interests), checked against the
 * catalogue (domain/interests.ts), or the 422 that names every field.
 */
import { Errors } from "moleculer";
import { checkInterests, type Interests } from "../../domain/interests.ts";

function invalid(errors: { field: string; message: string }[]): never {
	throw new Errors.ValidationError(errors.map((e) => e.message).join("; "), "INVALID_INTERESTS", errors);
}

export function interestsOrThrow(input: unknown): Interests {
	const checked = checkInterests(input ?? {});
	if (!checked.ok) invalid(checked.errors);
	return checked.value;
}
