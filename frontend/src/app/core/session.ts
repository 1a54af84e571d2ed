/**
 * Who is signed in. The client's session itself is an HttpOnly cookie the server sets: no
 * script on the page, ours or an injected one, can read it. What the SPA keeps is only that a
 * session exists and since when (to renew it daily), in localStorage so a reload keeps it.
 * The operator token is typed by the operator and kept only for the tab.
 */
import { computed, Injectable, signal } from "@angular/core";

const signedInKey = "insights.signedInAt";
/** Where earlier versions kept the session token itself: removed on sight. */
const formerTokenKey = "insights.session";
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

function storedTime(): number | null {
	write(local, formerTokenKey, null);
	const time = Number(read(local, signedInKey));
	return Number.isFinite(time) && time > 0 ? time : null;
}

@Injectable({ providedIn: "root" })
export class Session {
	/** When the current session was opened or last renewed (ms), null when signed out. */
	readonly since = signal<number | null>(storedTime());
	readonly operatorToken = signal<string | null>(read(tab, operatorKey));
	readonly signedIn = computed(() => this.since() !== null);

	/** The server has just set (or renewed) the session cookie. */
	signIn(at = Date.now()) {
		write(local, signedInKey, String(at));
		this.since.set(at);
	}

	signOut() {
		write(local, signedInKey, null);
		this.since.set(null);
	}

	setOperatorToken(token: string | null) {
		write(tab, operatorKey, token);
		this.operatorToken.set(token);
	}
}
