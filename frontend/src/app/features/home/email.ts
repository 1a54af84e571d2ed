/**
 * What the forms accept as an e-mail address before asking the server: enough to catch
 * typos ("nome@", "nome.com") with a clear message; the server has the final word.
 */
const shape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The longest address SMTP carries, as the server enforces. */
export const maxEmailLength = 254;

/** The i18n key of what is wrong with the address, or null when it can be sent. */
export function emailError(value: string): string | null {
	const email = value.trim();
	if (!email) return "home.errors.emailRequired";
	if (email.length > maxEmailLength || !shape.test(email)) return "home.errors.emailInvalid";
	return null;
}
