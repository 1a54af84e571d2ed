/**
 * One request's state as signals: loading, the answer, the error's message. A small stand-in
 * for Angular's resource(): its code would land in the initial bundle (esbuild splits
 * @angular/core by file, and main shares that file), and the budget has no room for it.
 */
import { signal } from "@angular/core";

export class Loaded<T> {
	readonly value = signal<T | null>(null);
	readonly loading = signal(false);
	readonly error = signal<string | null>(null);
	/** Only the latest request may write: an older answer arriving late is dropped. */
	private latest = 0;

	constructor(
		private readonly fetch: () => Promise<T>,
		private readonly messageOf: (err: unknown) => string,
	) {}

	async load(): Promise<void> {
		const request = ++this.latest;
		this.loading.set(true);
		this.error.set(null);
		this.value.set(null);
		try {
			const value = await this.fetch();
			if (request === this.latest) this.value.set(value);
		} catch (err) {
			if (request === this.latest) this.error.set(this.messageOf(err));
		} finally {
			if (request === this.latest) this.loading.set(false);
		}
	}
}
