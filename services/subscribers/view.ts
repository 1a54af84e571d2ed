/** What a subscriber's record shows to its owner; internal fields never leave the service. */
import type { Subscriber } from "../../domain/subscriber.ts";

export interface StoredSubscriber extends Subscriber {
	/** jtis of verify and sign-in links not yet used (the newest few). */
	pendingLinks: string[];
	/** jtis of the sessions still valid (the newest few): sign-out removes one, sign-out everywhere all. */
	sessions?: string[];
}

export function publicView(stored: StoredSubscriber): Subscriber {
	const {
		pendingLinks: _links,
		sessions: _sessions,
		...subscriber
	} = stored as StoredSubscriber & { _id?: string };
	delete (subscriber as { _id?: string })._id;
	return subscriber;
}
