/** The matcher: which clients a publication's products may reach, matched in chunks. */

import type { FieldChange } from "../changes.ts";
import type { Notification } from "../notification.ts";
import type { Product } from "../product.ts";
import type { Interests, RiskProfile } from "../subscriber.ts";

/** Durable queue subject "match-tasks": a chunk of a publication's products and their changes. */
export interface MatchTask {
	publicationId: string;
	productIds: string[];
	/** Absent in tasks queued before changes existed: every product counts as new. */
	changes?: Record<string, FieldChange[]>;
}

export interface MatcherActions {
	"matcher.preview": {
		params: { interests: Interests; riskProfile: RiskProfile; days?: number };
		/** `products`: the first 20 matches, newest first, each with its reasons. */
		result: { count: number; days: number; products: (Product & { reasons: Notification["reasons"] })[] };
	};
	/** The session's own preview: the gates as they apply to the client; the venue that met them. */
	"matcher.previewMine": {
		params: { interests: Interests; riskProfile?: RiskProfile; days?: number };
		result: {
			count: number;
			days: number;
			products: (Product & { reasons: Notification["reasons"]; venue?: string })[];
		};
	};
}

export interface MatcherQueue {
	/** matcher → matcher: one chunk of a publication, matched by whichever matcher node takes it. */
	"match-tasks": MatchTask;
}
