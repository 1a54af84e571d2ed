/**
 * The one page the API itself renders: unsubscribing from an e-mail link without signing
 * in. GET shows a button (mail scanners follow GET links, so GET changes nothing); the
 * button, like RFC 8058's one-click POST, turns e-mail off.
 */
import type { Locale } from "../../domain/subscriber.ts";

const texts = {
	"pt-BR": {
		title: "Cancelar e-mails",
		ask: "Deseja parar de receber e-mails da Insights? Você continua vendo suas dicas no aplicativo.",
		button: "Parar de receber e-mails",
		done: "Pronto: você não receberá mais e-mails da Insights. Pode reativá-los quando quiser na sua conta.",
		invalid: "Este link não é válido ou expirou. Você pode desativar os e-mails na sua conta.",
	},
	en: {
		title: "Unsubscribe",
		ask: "Stop receiving e-mail from Insights? You will still see your tips in the app.",
		button: "Stop e-mails",
		done: "Done: you will not receive e-mail from Insights any more. You can turn it back on in your account.",
		invalid: "This link is not valid or has expired. You can turn e-mail off in your account.",
	},
} as const;

const escapeHtml = (text: string) =>
	text.replace(
		/[&<>"']/g,
		(c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
	);

export function unsubscribePage(locale: Locale, token: string | undefined, done = false): string {
	const t = texts[locale] ?? texts["pt-BR"];
	const body = done
		? `<p>${t.done}</p>`
		: token
			? `<p>${t.ask}</p><form method="post" action="/api/unsubscribe?token=${escapeHtml(encodeURIComponent(token))}">
<button type="submit">${t.button}</button></form>`
			: `<p>${t.invalid}</p>`;
	return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${t.title} · Insights</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}
button{font:inherit;padding:.6rem 1rem;border:0;border-radius:.4rem;background:#0b5cad;color:#fff;cursor:pointer}
button:focus-visible{outline:3px solid #f5a623;outline-offset:2px}</style></head>
<body><h1>${t.title}</h1>${body}</body></html>`;
}
