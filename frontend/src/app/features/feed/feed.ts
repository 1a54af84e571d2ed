/**
 * Dicas: the signed-in client's tips, newest first, live. The first page comes by REST,
 * then LiveFeed resumes after its newest cursor and each new tip is put on top as it
 * arrives, highlighted and announced (in batches: a reconnect can replay many at once).
 * Older tips load page by page, by a button or when the end of the list scrolls into view.
 */
import {
	afterNextRender,
	Component,
	computed,
	DestroyRef,
	type ElementRef,
	effect,
	Injector,
	inject,
	signal,
	viewChild,
	viewChildren,
} from "@angular/core";
import { takeUntilDestroyed } from "@angular/core/rxjs-interop";
import { RouterLink } from "@angular/router";
import { LiveFeed } from "../../core/live";
import { type Category, categories, type Notification } from "../../core/models";
import { TranslatePipe } from "../../core/translate";
import { CollectionNotice } from "../../shared/collection/collection-notice";
import { Status } from "../../shared/status";
import { FeedState } from "./feed-state";
import { TipCard } from "./tip-card";

/** Arrivals closer together than this are announced as one message. */
const announceAfterMs = 600;

type Announcement = { key: string; params: Record<string, string | number> };

@Component({
	selector: "app-feed",
	imports: [TranslatePipe, RouterLink, Status, TipCard, CollectionNotice],
	providers: [FeedState],
	templateUrl: "./feed.html",
	styleUrl: "./feed.css",
})
export class Feed {
	protected readonly state = inject(FeedState);
	protected readonly live = inject(LiveFeed);
	protected readonly categories = categories;
	private readonly injector = inject(Injector);

	private readonly heading = viewChild.required<ElementRef<HTMLElement>>("heading");
	private readonly sentinel = viewChild<ElementRef<HTMLElement>>("sentinel");
	private readonly cards = viewChildren(TipCard);

	protected readonly announcement = signal<Announcement | null>(null);
	private arrivals: Notification[] = [];
	private announceTimer?: ReturnType<typeof setTimeout>;

	protected readonly unreadKey = computed(() => {
		const count = this.state.unread();
		return count === 0 ? "feed.unread.none" : count === 1 ? "feed.unread.one" : "feed.unread.other";
	});
	protected readonly empty = computed(
		() => !this.state.loading() && !this.state.error() && !this.state.tips().length,
	);

	constructor() {
		void this.state.load();
		this.state.shown.pipe(takeUntilDestroyed()).subscribe((tip) => this.queueAnnouncement(tip));
		inject(DestroyRef).onDestroy(() => clearTimeout(this.announceTimer));

		// The end of the list in view loads the next page. Observed again whenever the list
		// grows, so a tall screen keeps filling while the sentinel stays visible.
		effect((onCleanup) => {
			const sentinel = this.sentinel()?.nativeElement;
			if (!sentinel || !this.state.tips().length || typeof IntersectionObserver === "undefined") return;
			const observer = new IntersectionObserver(
				(entries) => {
					if (entries.some((entry) => entry.isIntersecting)) void this.loadMore(false);
				},
				{ rootMargin: "0px 0px 400px 0px" },
			);
			observer.observe(sentinel);
			onCleanup(() => observer.disconnect());
		});
	}

	protected filter(value: string) {
		const category = (categories as readonly string[]).includes(value) ? (value as Category) : null;
		void this.state.load(category);
	}

	/** From the button, focus goes to the first new tip: reading goes on where it left off. */
	protected async loadMore(fromButton: boolean) {
		const added = await this.state.loadMore();
		if (fromButton && added.length) this.focusCard(added[0].id);
	}

	/** The button goes away with the unread state: focus stays on the card, not lost to the page. */
	protected async markRead(id: string) {
		if (await this.state.markRead(id)) this.focusCard(id);
	}

	protected async markAllRead() {
		if (!(await this.state.markAllRead())) return;
		this.announcement.set({ key: "feed.allRead", params: {} });
		afterNextRender(() => this.heading().nativeElement.focus(), { injector: this.injector });
	}

	private focusCard(id: string) {
		afterNextRender(
			() =>
				this.cards()
					.find((card) => card.tip().id === id)
					?.focus(),
			{
				injector: this.injector,
			},
		);
	}

	private queueAnnouncement(tip: Notification) {
		this.arrivals.push(tip);
		clearTimeout(this.announceTimer);
		this.announceTimer = setTimeout(() => {
			const [first] = this.arrivals;
			const count = this.arrivals.length;
			this.arrivals = [];
			this.announcement.set(
				count === 1
					? { key: "feed.announce.one", params: { name: first.product?.name ?? first.productId } }
					: { key: "feed.announce.other", params: { count } },
			);
		}, announceAfterMs);
	}
}
