/** The mailer: messages sent through templates, and their delivery log. */

import type { Page } from "./page.ts";

/** Transactional templates, digests, and the notice that a client's suitability questionnaire expired. */
export const mailTemplates = ["verify", "sign-in", "digest", "suitability-expired"] as const;
export type MailTemplate = (typeof mailTemplates)[number];

export const deliveryStatuses = ["queued", "sent", "failed", "retrying"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** One message's delivery log. Personal data (address, content) is dropped on erasure. */
export interface Delivery {
	id: string;
	to: string;
	subscriberId?: string;
	template: string;
	locale: string;
	status: DeliveryStatus;
	attempts: { at: string; error?: string }[];
	messageId?: string;
	/** The last failure's text, or "erased". */
	error?: string;
	createdAt: string;
	updatedAt: string;
	nextAttemptAt?: string;
}

export interface MailerActions {
	"mailer.send": {
		params: {
			to: string;
			template: MailTemplate;
			locale: string;
			data: Record<string, unknown>;
			subscriberId?: string;
			/** The same key twice sends once (a retried call, a redelivered event). */
			idempotencyKey?: string;
			/** Non-transactional mail: adds List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
			unsubscribeUrl?: string;
		};
		result: { id: string; status: DeliveryStatus };
	};
	"mailer.deliveries": {
		params: { status?: DeliveryStatus; page?: number; pageSize?: number; subscriberId?: string };
		result: Page<Delivery>;
	};
	/** Erasure (LGPD): the subscriber's address and message contents leave the delivery log. */
	"mailer.forget": { params: { subscriberId: string; email: string }; result: { updated: number } };
}

/** What `GET /api/admin/mail/deliveries` lists, one delivery as a rule (the OpenAPI document's). */
export const deliveryRule = {
	type: "object",
	props: {
		id: "string",
		to: "string",
		subscriberId: "string|optional",
		template: "string",
		locale: "string",
		status: { type: "enum", values: [...deliveryStatuses] },
		attempts: { type: "array", items: { type: "object", props: { at: "string", error: "string|optional" } } },
		messageId: "string|optional",
		error: "string|optional",
		createdAt: "string",
		updatedAt: "string",
		nextAttemptAt: "string|optional",
	},
} as const;
