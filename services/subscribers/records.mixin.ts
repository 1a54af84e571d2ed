/**
 * The subscribers service's reads and writes of one record, mixed into it and shared by its
 * other mixins: find, load, show and change a subscriber. `SubscribersHost` is what the
 * service and each of its mixins find on `this`.
 */
import type { KeyObject } from "node:crypto";
import { type Context, Errors } from "moleculer";
import { configOf } from "../../config.ts";
import { type Clock, isoNow } from "../../domain/clock.ts";
import { broadcast, type SubscriberChange } from "../../domain/contracts.ts";
import type { SubscriberView } from "../../domain/subscriber.ts";
import { defineMixin, type MethodsOf } from "../../lib/service.ts";
import type { DbLocals } from "../../mixins/db.mixin.ts";
import {
	isTombstone,
	notErased,
	publicView,
	type StoredSubscriber,
	type SubscriberDoc,
	storedInterests,
} from "./view.ts";

/** What the records need of the service: its store, and the node's clock it sets in created. */
interface RecordsLocals extends DbLocals {
	clock: Clock;
}

export const RecordsMixin = defineMixin<object, RecordsLocals>()({
	methods: {
		async byEmail(email: string): Promise<StoredSubscriber | undefined> {
			const [found] = await this.adapter.find<SubscriberDoc>({ query: { email, ...notErased }, limit: 1 });
			return found ? this.adapter.afterRetrieveTransformID<StoredSubscriber>(found, "id") : undefined;
		},

		async load(id: string | undefined): Promise<StoredSubscriber> {
			const found = id ? await this.adapter.findById<SubscriberDoc>(id) : undefined;
			if (!found || isTombstone(found))
				throw new Errors.MoleculerClientError("No such subscriber.", 404, "NOT_FOUND");
			return this.adapter.afterRetrieveTransformID<StoredSubscriber>(found, "id");
		},

		isoNow(): string {
			return isoNow(this.clock);
		},

		/** The record as its owner and other services see it, with its suitability standing now. */
		view(subscriber: StoredSubscriber): SubscriberView {
			return publicView(subscriber, {
				now: this.clock.now(),
				validMonths: configOf(this.broker).suitabilityValidMonths,
			});
		},

		/** Saves the change, then tells every matcher node. */
		async change(
			ctx: Context,
			subscriber: StoredSubscriber,
			fields: Partial<StoredSubscriber>,
			change: SubscriberChange,
		): Promise<StoredSubscriber> {
			const set = {
				...fields,
				...(fields.interests ? storedInterests(fields.interests) : {}),
				updatedAt: this.isoNow(),
			};
			// Only the changed fields: a link issued meanwhile (pendingLinks) is not overwritten.
			await this.updateWhere({ _id: subscriber.id }, { $set: set });
			const updated = { ...subscriber, ...set };
			await broadcast(ctx, "subscribers.changed", { id: updated.id, change });
			return updated;
		},
	},
});

/**
 * What the subscribers service and each mixin it is made of find on `this`: the store, the
 * clock and signing key the service sets in created, and the records above.
 */
export interface SubscribersHost extends RecordsLocals, MethodsOf<typeof RecordsMixin> {
	/** Signs and checks unsubscribe links. */
	key: KeyObject;
}
