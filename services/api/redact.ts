/**
 * What the gateway may log of a request: its URL with every link token replaced. Links we
 * e-mail carry their token in the query (`/api/auth/verify?token=…`,
 * `/api/unsubscribe?token=…`); a log line is read by more people, and kept longer, than the
 * link was meant for.
 */
const tokenParam = /([?&](?:token|jwt|key|secret)=)[^&#]*/gi;
const jwtLike = /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/g;

export function redactUrl(url: string): string {
	return url.replace(tokenParam, "$1<redacted>").replace(jwtLike, "<redacted>");
}
