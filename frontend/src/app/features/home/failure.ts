/**
 * Why a request from the public forms failed, in words for the client: a sentence in the
 * active language and, after it, the server's own message (it names the field or the wait).
 */
import { isApiError, toApiError } from "../../core/api";

export interface Failure {
	/** i18n key of the sentence. */
	key: string;
	params?: Record<string, unknown>;
	/** The server's message; empty when there was no answer at all. */
	message: string;
}

export function failureOf(err: unknown): Failure {
	const error = isApiError(err) ? err : toApiError(err);
	if (error.status === 0) return { key: "app.offline", message: "" };
	if (error.status === 429) {
		const seconds = (error.data as { retryAfter?: unknown } | undefined)?.retryAfter;
		return typeof seconds === "number"
			? { key: "home.failure.tooManyIn", params: { seconds }, message: error.message }
			: { key: "home.failure.tooMany", message: error.message };
	}
	if (error.status === 422) return { key: "home.failure.invalid", message: error.message };
	return { key: "home.failure.other", message: error.message };
}
