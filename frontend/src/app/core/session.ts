/**
 * Who is signed in: the session token from the verification or sign-in link, kept in
 * localStorage so a reload keeps the session; and the operator token, kept only for the tab.
 */
import { computed, Injectable, signal } from "@angular/core";

const sessionKey = "insights.session";
const operatorKey = "insights.operator";

function read(storage: Storage | undefined, key: string): string | null {
	try {
		return storage?.getItem(key) ?? null;
	} catch {
		return null;
	}
}

function write(storage: Storage | undefined, key: string, value: string | null) {
	try {
		if (value === null) storage?.removeItem(key);
		else storage?.setItem(key, value);
	} catch {
		// Private mode or storage disabled: the session lasts as long as the page.
	}
}

const local = typeof localStorage === "undefined" ? undefined : localStorage;
const tab = typeof sessionStorage === "undefined" ? undefined : sessionStorage;

@Injectable({ providedIn: "root" })
export class Session {
	readonly token = signal<string | null>(read(local, sessionKey));
	readonly operatorToken = signal<string | null>(read(tab, operatorKey));
	readonly signedIn = computed(() => this.token() !== null);

	signIn(token: string) {
		write(local, sessionKey, token);
		this.token.set(token);
	}

	signOut() {
		write(local, sessionKey, null);
		this.token.set(null);
	}

	setOperatorToken(token: string | null) {
		write(tab, operatorKey, token);
		this.operatorToken.set(token);
	}
}
