/**
 * Erasure in analytics (LGPD): an erased client's facts keep counting, under a random
 * replacement id instead of theirs, so every answer stays exact and nothing kept points at
 * the person. A note of the erasure is kept only as long as the durable queue may still
 * deliver a notification of theirs (its keep window), under a digest of the id rather than
 * the id, so that a late one is counted under the replacement too; then the note goes.
 */
import { erasedDigest } from "../../domain/erasure.ts";
import {
	groupsOf,
	type NotificationFact,
	readFacts,
	type StoredNotificationDay,
	type StoredNotificationFact,
	storedNotificationDays,
} from "./facts.ts";

export interface ErasureNote {
	/** "erasure:" and the digest of the erased id (never a notification key: those hold "|"). */
	_id: string;
	kind: "erasure";
	replacement: string;
	/** When the queue can no longer hold a message of theirs. */
	until: string;
}

export const erasureNoteId = (subscriberId: string): string => `erasure:${erasedDigest(subscriberId)}`;

export function erasureNote(subscriberId: string, replacement: string, until: string): ErasureNote {
	return { _id: erasureNoteId(subscriberId), kind: "erasure", replacement, until };
}

/** The stored notification facts with the erased client's under `replacement`, stored anew. */
export function renamedFacts(
	stored: (StoredNotificationDay | StoredNotificationFact)[],
	subscriberId: string,
	replacement: string,
): StoredNotificationDay[] {
	const facts = stored.flatMap((doc) => readFacts(doc) as NotificationFact[]);
	return storedNotificationDays(
		groupsOf(
			facts.map((fact) =>
				fact.subscriberId === subscriberId
					? { ...fact, subscriberId: replacement, _id: replacement + fact._id.slice(subscriberId.length) }
					: fact,
			),
		),
	);
}

/** Erased clients' replacement ids by the digest of their id, from the notes kept. */
export class Erasures {
	private readonly replacements = new Map<string, string>();

	remember(note: ErasureNote): void {
		this.replacements.set(note._id, note.replacement);
	}

	/** The ids with every erased client's replaced (as they came when nobody was erased). */
	replaced(subscriberIds: string[]): string[] {
		if (this.replacements.size === 0) return subscriberIds;
		return subscriberIds.map((id) => this.replacements.get(erasureNoteId(id)) ?? id);
	}
}
