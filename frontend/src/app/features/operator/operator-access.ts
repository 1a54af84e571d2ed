/**
 * The operator token for this page: every operator call goes through `guard`, so the first
 * 401/403 anywhere forgets the token and the page falls back to the token form with the
 * server's reason. Provided by the page, so its panels share one state.
 */
import { Injectable, inject, signal } from "@angular/core";
import { isApiError } from "../../core/api";
import { Session } from "../../core/session";

@Injectable()
export class OperatorAccess {
	private readonly session = inject(Session);
	readonly token = this.session.operatorToken.asReadonly();
	/** Why the server refused the last token, until another one is given. */
	readonly refusal = signal<string | null>(null);

	use(token: string) {
		this.refusal.set(null);
		this.session.setOperatorToken(token);
	}

	forget() {
		this.refusal.set(null);
		this.session.setOperatorToken(null);
	}

	async guard<T>(request: Promise<T>): Promise<T> {
		try {
			return await request;
		} catch (err) {
			if (isApiError(err) && (err.status === 401 || err.status === 403)) {
				this.session.setOperatorToken(null);
				this.refusal.set(err.message);
			}
			throw err;
		}
	}
}

/** A failure as a sentence: the server's message when it sent one. */
export function errorText(error: unknown): string {
	if (isApiError(error)) return error.message;
	return error instanceof Error ? error.message : String(error);
}
