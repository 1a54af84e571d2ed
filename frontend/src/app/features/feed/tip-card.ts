/**
 * One tip: the product (name, category, source, the fields that matter for its category),
 * when it arrived, why it matched, and its unread state. Crawled text only ever goes
 * through interpolation, which escapes it; the product link only when it is http(s).
 */
import { Component, computed, type ElementRef, inject, input, output, viewChild } from "@angular/core";
import { Format, WhenPipe } from "../../core/format";
import { Language } from "../../core/i18n";
import type { Notification } from "../../core/models";
import { TranslatePipe } from "../../core/translate";
import { describeChanges } from "./changes";
import { productFacts } from "./product-facts";
import { describeReason } from "./reasons";
import { httpUrl, wording } from "./wording";

let nextId = 0;

@Component({
	selector: "app-tip-card",
	imports: [TranslatePipe, WhenPipe],
	templateUrl: "./tip-card.html",
	styleUrl: "./tip-card.css",
})
export class TipCard {
	private readonly format = inject(Format);
	private readonly language = inject(Language);

	readonly tip = input.required<Notification>();
	/** Arrived live while the page was open. */
	readonly fresh = input(false);
	/** Being marked read. */
	readonly busy = input(false);
	readonly markRead = output<void>();

	private readonly article = viewChild.required<ElementRef<HTMLElement>>("article");
	protected readonly headingId = `tip-${++nextId}`;

	protected readonly product = computed(() => this.tip().product);
	protected readonly unread = computed(() => !this.tip().readAt);
	/**
	 * Where the tip's conditions come from: the venue that met the client, else the product's
	 * source; "source:category:nativeId" names it even when the product is gone.
	 */
	protected readonly source = computed(() => {
		const product = this.product();
		const venue = product?.venues?.[this.tip().venue ?? ""];
		if (venue) return venue.label ?? venue.source;
		return product?.sourceLabel ?? product?.source ?? this.tip().productId.split(":")[0];
	});
	/** A product sold at several venues: each side by side, the one that met the client first. */
	protected readonly venues = computed(() => {
		const venues = Object.values(this.product()?.venues ?? {});
		if (venues.length < 2) return [];
		const matched = this.tip().venue;
		const w = this.wording();
		return venues
			.map((venue) => ({
				source: venue.source,
				label: venue.label ?? venue.source,
				url: httpUrl(venue.url),
				minimum: venue.minimumInvestment == null ? "—" : w.format.brl(venue.minimumInvestment),
				fee: venue.adminFee == null ? "—" : w.format.percent(venue.adminFee, 2),
				matched: venue.source === matched,
				closed: venue.openToInvestment === false || venue.withdrawnAt !== undefined,
			}))
			.sort((a, b) => Number(b.matched) - Number(a.matched) || a.label.localeCompare(b.label));
	});
	protected readonly url = computed(() => httpUrl(this.product()?.url));
	/** Only for qualified or professional investors: said on the card, as the rules require. */
	protected readonly restrictedTo = computed(() => {
		const audience = this.product()?.audience;
		return audience === "qualified" || audience === "professional" ? audience : null;
	});
	/** Read from the language signal, so a language switch re-renders every value. */
	private readonly wording = computed(() => wording(this.language.current(), this.format));
	protected readonly facts = computed(() => {
		const product = this.product();
		return product ? productFacts(product, this.wording()) : [];
	});
	protected readonly reasons = computed(() =>
		this.tip().reasons.map((r) => describeReason(r, this.wording())),
	);

	/** What changed since it was published before: "Taxa de administração 0,50% → 0,40%". */
	protected readonly changes = computed(() =>
		describeChanges(this.tip().changes, this.tip().category, this.product(), this.wording()),
	);
	protected readonly notice = computed(() => this.tip().notice ?? null);

	protected requestRead() {
		if (!this.busy()) this.markRead.emit();
	}

	focus() {
		this.article().nativeElement.focus();
	}
}
