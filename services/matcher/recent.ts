/**
 * The products of recent publications, newest version of each, held by every matcher node
 * for previews ("N products in the last 30 days") and for backfilling a newcomer's inbox.
 */
import type { ServiceBroker } from "moleculer";
import { clockOf } from "../../config.ts";
import type { Clock } from "../../domain/clock.ts";
import { call } from "../../domain/contracts.ts";
import type { Product } from "../../domain/product.ts";
import type { Publication } from "../../domain/publication.ts";

export interface RecentEntry {
	product: Product;
	publicationId: string;
	publishedAt: number;
}

/** Ids per products.getMany call: the answer stays well under a NATS message. */
const idsPerCall = 200;

export class RecentProducts {
	readonly #entries = new Map<string, RecentEntry>();
	readonly #broker: ServiceBroker;
	readonly #keepMs: number;

	readonly #clock: Clock;

	constructor(broker: ServiceBroker, keepDays: number) {
		this.#broker = broker;
		this.#clock = clockOf(broker);
		this.#keepMs = keepDays * 86_400_000;
	}

	/** Every publication of the kept period, oldest first so newer versions win. */
	async load(): Promise<void> {
		const publications: Publication[] = [];
		const oldest = this.#clock.now() - this.#keepMs;
		for (let page = 1; ; page++) {
			const { rows, totalPages } = await call(this.#broker, "publications.list", { page, pageSize: 100 });
			const recent = rows.filter((p) => Date.parse(p.publishedAt) >= oldest);
			publications.push(...recent);
			if (page >= totalPages || recent.length < rows.length) break;
		}
		for (const publication of publications.reverse()) await this.#add(publication);
	}

	async addPublication(publicationId: string): Promise<void> {
		const publication = await call(this.#broker, "publications.get", {
			id: publicationId,
			withProducts: false,
		});
		await this.#add(publication);
	}

	/** Newest first. */
	since(fromMs: number): RecentEntry[] {
		return [...this.#entries.values()]
			.filter((entry) => entry.publishedAt >= fromMs)
			.sort((a, b) => b.publishedAt - a.publishedAt);
	}

	async #add(publication: Publication): Promise<void> {
		const publishedAt = Date.parse(publication.publishedAt);
		for (let i = 0; i < publication.productIds.length; i += idsPerCall) {
			const ids = publication.productIds.slice(i, i + idsPerCall);
			for (const product of await call(this.#broker, "products.getMany", { ids })) {
				const known = this.#entries.get(product.id);
				if (!known || known.publishedAt <= publishedAt)
					this.#entries.set(product.id, { product, publicationId: publication.id, publishedAt });
			}
		}
		const oldest = this.#clock.now() - this.#keepMs;
		for (const [id, entry] of this.#entries) if (entry.publishedAt < oldest) this.#entries.delete(id);
	}
}
