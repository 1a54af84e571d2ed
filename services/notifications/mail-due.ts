/**
 * A client with notifications not e-mailed yet, and when the mailer should look at them
 * next: the mailer's sweep reads these, by `dueAt` (a sparse index), not every client.
 * Kept beside the notifications; made with a client's first unmailed notification, moved or
 * ended by the mailer (notifications.mailChecked). docs/mail.md.
 */
export interface MailDueMark {
	_id: string;
	kind: "mail-due";
	dueAt: string;
}

const prefix = "mail-due:";

export const mailDueId = (subscriberId: string): string => `${prefix}${subscriberId}`;

export const mailDueMark = (subscriberId: string, dueAt: string): MailDueMark => ({
	_id: mailDueId(subscriberId),
	kind: "mail-due",
	dueAt,
});

export const subscriberOfMark = (mark: MailDueMark): string => mark._id.slice(prefix.length);
