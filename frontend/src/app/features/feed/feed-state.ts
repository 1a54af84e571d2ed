/**
 * What the Dicas page shows: the inbox read by REST (newest first) with live arrivals
 * merged on top, the unread count, the category filter and the older history, page by
 * page. Provided by the page, so leaving it drops the list and the live subscription.
 */
import { DestroyRef, effect, Injectable, inject, signal } from "@angular/core";
import { takeUntilDestroyed } from "@angular/core/rxjs-interop";
import { Subject } from "rxjs";
import { Api, isApiError } from "../../core/api";
import { LiveFeed } from "../../core/live";
import type { Category, Notification } from "../../core/models";

export const pageSize = 20;

function messageOf(err: unknown): string {
	return isApiError(err) ? err.message : err instanceof Error ? err.message : String(err);
}

/** Cursors are `${order}~${id}` with same-length orders: they compare as strings (as LiveFeed does). */
function newerFirst(a: Notification, b: Notification): number {
	return a.cursor < b.cursor ? 1 : a.cursor > b.cursor ? -1 : 0;
}

@Injectable()
export class FeedState {
	private readonly api = inject(Api);
	private readonly live = inject(LiveFeed);

	readonly tips = signal<Notification[]>([]);
	/** Ids that arrived live while the page was open: highlighted, and marked "new". */
	readonly fresh = signal<ReadonlySet<string>>(new Set());
	readonly category = signal<Category | null>(null);
	readonly loading = signal(true);
	readonly error = signal<string | null>(null);
	readonly hasMore = signal(false);
	readonly loadingMore = signal(false);
	readonly moreError = signal<string | null>(null);
	readonly unread = signal(0);
	/** Ids being marked read, and "all" while marking everything. */
	readonly marking = signal<ReadonlySet<string>>(new Set());
	readonly markError = signal<string | null>(null);
	/** Each live arrival the list now shows, for the page's announcements. */
	readonly shown = new Subject<Notification>();

	/** Bumped by every (re)load: answers to an older one (another category) are dropped. */
	private request = 0;
	/** Live arrivals while the first page loads: merged once it is in, so none falls in between. */
	private waiting: Notification[] = [];
	/** Every id already in the unread count (read by REST or arrived live): a replay is not counted twice. */
	private readonly counted = new Set<string>();

	constructor() {
		// Subscribed before the first request: an arrival during it waits instead of being lost.
		this.live.notifications
			.pipe(takeUntilDestroyed(inject(DestroyRef)))
			.subscribe((tip) => this.receive(tip));
		// The server pushes the count after each arrival and socket read: it is the truth.
		effect(() => {
			const counts = this.live.unread();
			if (counts) this.unread.set(counts.unread);
		});
	}

	async load(category: Category | null = this.category()) {
		const request = ++this.request;
		this.category.set(category);
		this.loading.set(true);
		this.error.set(null);
		this.moreError.set(null);
		this.tips.set([]);
		this.fresh.set(new Set());
		this.hasMore.set(false);
		try {
			const page = await this.api.notifications({ limit: pageSize, category: category ?? undefined });
			if (request !== this.request) return;
			for (const tip of page.rows) this.counted.add(tip.id);
			this.tips.set(page.rows);
			this.hasMore.set(page.hasMore);
			this.setUnread(page.unread);
			// A filtered page's newest is not the inbox's newest: resuming there would replay others.
			if (!category) this.live.resumeAfter(page.rows[0]?.cursor);
			this.loading.set(false);
			const waiting = this.waiting;
			this.waiting = [];
			// Already in the unread count the page brought.
			for (const tip of waiting) this.receive(tip, false);
		} catch (err) {
			if (request !== this.request) return;
			// A retry reads them from the inbox.
			this.waiting = [];
			this.error.set(messageOf(err));
			this.loading.set(false);
		}
	}

	/** The next older page; the tips it added (none when a load is already running). */
	async loadMore(): Promise<Notification[]> {
		const before = this.tips().at(-1)?.cursor;
		if (this.loading() || this.loadingMore() || !this.hasMore() || !before) return [];
		const request = this.request;
		this.loadingMore.set(true);
		this.moreError.set(null);
		try {
			const page = await this.api.notifications({
				before,
				limit: pageSize,
				category: this.category() ?? undefined,
			});
			if (request !== this.request) return [];
			const shown = new Set(this.tips().map((tip) => tip.id));
			const added = page.rows.filter((tip) => !shown.has(tip.id));
			for (const tip of added) this.counted.add(tip.id);
			this.tips.update((tips) => [...tips, ...added]);
			this.hasMore.set(page.hasMore);
			this.setUnread(page.unread);
			return added;
		} catch (err) {
			if (request === this.request) this.moreError.set(messageOf(err));
			return [];
		} finally {
			if (request === this.request) this.loadingMore.set(false);
		}
	}

	async markRead(id: string): Promise<boolean> {
		if (this.marking().has(id)) return false;
		return this.mark(id, { ids: [id] }, (tip) => tip.id === id);
	}

	async markAllRead(): Promise<boolean> {
		if (this.marking().has("all")) return false;
		return this.mark("all", { all: true }, () => true);
	}

	private async mark(
		key: string,
		body: { ids: string[] } | { all: true },
		affects: (tip: Notification) => boolean,
	): Promise<boolean> {
		this.marking.update((keys) => new Set(keys).add(key));
		this.markError.set(null);
		try {
			const { updated } = await this.api.markRead(body);
			const readAt = new Date().toISOString();
			this.tips.update((tips) => tips.map((tip) => (!tip.readAt && affects(tip) ? { ...tip, readAt } : tip)));
			this.setUnread("all" in body ? 0 : Math.max(0, this.unread() - updated));
			return true;
		} catch (err) {
			this.markError.set(messageOf(err));
			return false;
		} finally {
			this.marking.update((keys) => {
				const rest = new Set(keys);
				rest.delete(key);
				return rest;
			});
		}
	}

	/**
	 * The count here and in the shell's header. REST reads bring no `unread` event from the
	 * socket, so the header's count is set here too.
	 */
	private setUnread(unread: number) {
		this.unread.set(unread);
		this.live.unread.set({ unread, display: unread > 99 ? "99+" : String(unread), hasMore: unread > 99 });
	}

	private receive(tip: Notification, countUnread = true) {
		if (this.loading()) {
			this.waiting.push(tip);
			return;
		}
		const isNew = !this.counted.has(tip.id);
		this.counted.add(tip.id);
		if (isNew && countUnread && !tip.readAt) this.unread.update((n) => n + 1);
		// Filtered: other categories are counted above but not shown.
		const category = this.category();
		if (category && tip.category !== category) return;
		const tips = this.tips();
		if (tips.some((shown) => shown.id === tip.id)) return;
		// Older than the history read so far (a replay after a reconnect): paging brings it in
		// its place; appended here, it would become the `before` cursor and hide what lies between.
		const oldest = tips.at(-1);
		if (this.hasMore() && oldest && tip.cursor < oldest.cursor) return;
		this.tips.set([...tips, tip].sort(newerFirst));
		if (!isNew) return;
		this.fresh.update((ids) => new Set(ids).add(tip.id));
		this.shown.next(tip);
	}
}
