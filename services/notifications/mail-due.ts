/**
 * A client with notifications not e-mailed yet, and when the mailer should look at them
 * next: the mailer's sweep reads these, by `dueAt` (a sparse index), not every client.
 * Kept beside the notifications; moved or ended by the mailer (notifications.mailChecked).
 * docs/mail.md.
 *
 * A stored batch makes one mark for all its clients (`MailDueBatch`), not one each: a
 * publication reaches a hundred thousand clients, and a write per client would double the
 * inbox's writes. The sweep turns a due batch mark into the clients' own marks first.
 */
export interface MailDueMark {
	_id: string;
	kind: "mail-due";
	dueAt: string;
	/** `${dueAt}|${subscriberId}`: ordered as (dueAt, client), one mark per value (dueKeyBound). */
	dueKey: string;
}

const prefix = "mail-due:";

export const mailDueId = (subscriberId: string): string => `${prefix}${subscriberId}`;

export const mailDueMark = (subscriberId: string, dueAt: string): MailDueMark => ({
	_id: mailDueId(subscriberId),
	kind: "mail-due",
	dueAt,
	dueKey: `${dueAt}|${subscriberId}`,
});

/**
 * Above the key of every mark due at `before` or earlier, below those due later: due times
 * are ISO texts of one length (toISOString), so they order as texts, and "|" then any id
 * sorts below "|\uffff".
 */
export const dueKeyBound = (before: string): string => `${before}|\uffff`;

export const subscriberOfMark = (mark: Pick<MailDueMark, "_id">): string => mark._id.slice(prefix.length);

/** The clients of one stored batch, due together. */
export interface MailDueBatch {
	_id: string;
	kind: "mail-due-batch";
	/** Its own field (and sparse index): the sweep finds the few batch marks without reading the clients' marks. */
	batchDueAt: string;
	subscriberIds: string[];
}

/**
 * Named by the batch's notifications (`digest`: batchDigest of their ids), so a store retried
 * after a crash between its insert and this mark makes the same one (or makes it at last); a
 * mark made twice only means a look.
 */
export function mailDueBatch(digest: string, subscriberIds: string[], dueAt: string): MailDueBatch {
	return { _id: `mail-due-batch:${digest}`, kind: "mail-due-batch", batchDueAt: dueAt, subscriberIds };
}
