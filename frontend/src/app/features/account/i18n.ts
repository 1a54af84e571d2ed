/** Texts of the account page (profile, e-mail, export, erasure), under the "account" namespace. */
import type { Texts } from "../../core/i18n";

export const accountTexts: Texts = {
	"pt-BR": {
		account: {
			title: "Minha conta",
			signedInAs: "Conectado como {{email}}",
			failed: "Não foi possível salvar: {{message}}",
			profile: {
				title: "Perfil",
				name: "Nome",
				language: "Idioma",
				languageHint: "Usado no site e nos e-mails que você recebe.",
				save: "Salvar perfil",
				saving: "Salvando…",
				saved: "Perfil salvo.",
				nameRequired: "Informe seu nome.",
				nameTooLong: "Use no máximo 120 caracteres.",
			},
			languages: {
				"pt-BR": "Português (Brasil)",
				en: "English",
			},
			email: {
				title: "E-mails",
				toggle: "Receber dicas por e-mail",
				hint: "Com os e-mails desligados, as dicas continuam aparecendo ao vivo no site; os links de acesso sempre chegam.",
				on: "E-mails ligados.",
				off: "E-mails desligados.",
			},
			data: {
				title: "Seus dados",
				text: "Baixe uma cópia de tudo o que guardamos sobre você: perfil, interesses, preferências, dicas e e-mails enviados (LGPD).",
				export: "Baixar meus dados (JSON)",
				exporting: "Preparando o arquivo…",
				exported: "Arquivo {{file}} baixado.",
			},
			sessions: {
				title: "Sessões",
				text: "Perdeu o celular ou entrou num computador de outra pessoa? Saia de todos os dispositivos: cada um vai precisar de um novo link para entrar.",
				everywhere: "Sair de todos os dispositivos",
			},
			erase: {
				title: "Excluir conta",
				text: "Apaga sua conta, seus interesses, suas dicas e o histórico de e-mails. Não dá para desfazer.",
				start: "Excluir minha conta",
				confirmLabel: "Para confirmar, digite seu e-mail: {{email}}",
				mismatch: "O e-mail digitado não confere com o da conta.",
				confirm: "Excluir definitivamente",
				erasing: "Excluindo…",
				cancel: "Cancelar",
			},
		},
	},
	en: {
		account: {
			title: "My account",
			signedInAs: "Signed in as {{email}}",
			failed: "Could not save: {{message}}",
			profile: {
				title: "Profile",
				name: "Name",
				language: "Language",
				languageHint: "Used on the site and in the e-mails you get.",
				save: "Save profile",
				saving: "Saving…",
				saved: "Profile saved.",
				nameRequired: "Enter your name.",
				nameTooLong: "Use at most 120 characters.",
			},
			languages: {
				"pt-BR": "Português (Brasil)",
				en: "English",
			},
			email: {
				title: "E-mails",
				toggle: "Get tips by e-mail",
				hint: "With e-mails off, tips still show up live on the site; sign-in links always arrive.",
				on: "E-mails on.",
				off: "E-mails off.",
			},
			data: {
				title: "Your data",
				text: "Download a copy of everything we keep about you: profile, interests, preferences, tips and e-mails sent (LGPD).",
				export: "Download my data (JSON)",
				exporting: "Preparing the file…",
				exported: "File {{file}} downloaded.",
			},
			sessions: {
				title: "Sessions",
				text: "Lost your phone or signed in on someone else's computer? Sign out everywhere: each device will need a new link to sign in.",
				everywhere: "Sign out everywhere",
			},
			erase: {
				title: "Delete account",
				text: "Deletes your account, your interests, your tips and the e-mail history. This cannot be undone.",
				start: "Delete my account",
				confirmLabel: "To confirm, type your e-mail: {{email}}",
				mismatch: "The e-mail typed does not match the account's.",
				confirm: "Delete for good",
				erasing: "Deleting…",
				cancel: "Cancel",
			},
		},
	},
};
