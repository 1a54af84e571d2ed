/** One message as the mailer hands it to a transport, and as nodemailer builds it. */

export interface OutgoingMail {
	deliveryId: string;
	messageId: string;
	from: string;
	to: string;
	subject: string;
	html: string;
	text: string;
	headers: Record<string, string>;
}

export function nodemailerMessage(mail: OutgoingMail) {
	return {
		from: mail.from,
		// An address object, never a string nodemailer would parse as a list of recipients.
		to: { name: "", address: mail.to },
		subject: mail.subject,
		html: mail.html,
		text: mail.text,
		headers: mail.headers,
		messageId: mail.messageId,
		// Our bodies are mostly ASCII with accents: quoted-printable reads well in raw form, and
		// saying so spares nodemailer scanning every body to choose (bench mail).
		textEncoding: "quoted-printable" as const,
	};
}
