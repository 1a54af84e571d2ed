/**
 * One remote answer as signals, fetched again whenever its params change: a small
 * stand-in for Angular's resource(), whose code would land in the initial bundle (esbuild
 * splits @angular/core by file and main shares that file). The last answer stays on screen
 * while the next one loads, so a refresh does not blank a table.
 */
import { effect, signal, untracked } from "@angular/core";
import { errorText } from "./operator-access";

export class Remote<P, T> {
	readonly value = signal<T | undefined>(undefined);
	readonly loading = signal(false);
	/** The failure's message, or null. */
	readonly error = signal<string | null>(null);
	/** Only the latest request may write: an older answer arriving late is dropped. */
	private latest = 0;
	private params?: P;

	/** Must be created in an injection context (a field initializer): it starts an effect. */
	constructor(
		params: () => P,
		private readonly fetch: (params: P) => Promise<T>,
	) {
		effect(() => {
			const current = params();
			untracked(() => void this.load(current));
		});
	}

	reload() {
		if (this.params !== undefined) void this.load(this.params);
	}

	private async load(params: P) {
		const request = ++this.latest;
		this.params = params;
		this.loading.set(true);
		this.error.set(null);
		try {
			const value = await this.fetch(params);
			if (request === this.latest) this.value.set(value);
		} catch (err) {
			if (request !== this.latest) return;
			this.value.set(undefined);
			this.error.set(errorText(err));
		} finally {
			if (request === this.latest) this.loading.set(false);
		}
	}
}
