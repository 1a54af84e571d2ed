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
			profiles: {
				conservative: "Conservador",
				moderate: "Moderado",
				aggressive: "Arrojado",
			},
			suitability: {
				title: "Perfil de investidor",
				effective: "Produtos indicados hoje para o perfil: {{profile}}.",
				valid: "Questionário de perfil respondido em {{date}} ({{score}} pontos), válido até {{expires}}.",
				expired:
					"Seu questionário de perfil venceu em {{date}}. Até você responder de novo, seu perfil conta como conservador.",
				none: "Você ainda não respondeu ao questionário de perfil: até responder, seu perfil é conservador.",
				answer: "Responder ao questionário",
				again: "Rever perfil e questionário",
			},
			category: {
				title: "Categoria de investidor",
				intro:
					"Produtos para investidores qualificados ou profissionais só chegam a quem declarar essa condição, com a declaração exigida pela CVM (Resolução nº 30).",
				currentGeneral: "Sua categoria: investidor em geral.",
				declared: "Sua categoria: {{category}}, declarada em {{date}} (termo versão {{version}}).",
				legend: "Sua categoria",
				general: "Investidor em geral",
				qualified: "Investidor qualificado",
				professional: "Investidor profissional",
				who: {
					general: "a categoria de todos, sem declaração",
					qualified: "mais de R$ 1 milhão em investimentos financeiros, ou certificação aceita pela CVM",
					professional:
						"mais de R$ 10 milhões em investimentos financeiros, ou profissional autorizado pela CVM",
				},
				groundLegend: "Por quê",
				grounds: {
					qualified: {
						investments: "Tenho mais de R$ 1 milhão em investimentos financeiros",
						certification:
							"Fui aprovado em exame ou tenho certificação aceita pela CVM (CPA-20, CEA, CFP, CNPI…)",
					},
					professional: {
						investments: "Tenho mais de R$ 10 milhões em investimentos financeiros",
						registration:
							"Sou assessor de investimento, administrador de carteira, analista ou consultor autorizado pela CVM",
					},
				},
				statementTitle: "Declaração (versão {{version}})",
				confirm: "Li a declaração acima e a assino: as informações são verdadeiras.",
				confirmRequired: "Para declarar esta categoria, confirme a declaração.",
				statementFailed: "Não foi possível carregar a declaração: {{message}}",
				save: "Salvar categoria",
				saving: "Salvando…",
				saved: "Categoria salva.",
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
				text: "Baixe uma cópia de tudo o que guardamos sobre você: perfil, respostas do questionário, interesses, preferências, dicas e e-mails enviados (LGPD).",
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
			profiles: {
				conservative: "Conservative",
				moderate: "Moderate",
				aggressive: "Aggressive",
			},
			suitability: {
				title: "Investor profile",
				effective: "Products chosen today for the profile: {{profile}}.",
				valid: "Profile questionnaire answered on {{date}} ({{score}} points), valid until {{expires}}.",
				expired:
					"Your profile questionnaire expired on {{date}}. Until you answer it again, your profile counts as conservative.",
				none: "You have not answered the profile questionnaire yet: until you do, your profile is conservative.",
				answer: "Answer the questionnaire",
				again: "Review profile and questionnaire",
			},
			category: {
				title: "Investor category",
				intro:
					"Products for qualified or professional investors only reach clients who declare so, with the statement the CVM requires (Resolution 30).",
				currentGeneral: "Your category: general investor.",
				declared: "Your category: {{category}}, declared on {{date}} (statement version {{version}}).",
				legend: "Your category",
				general: "General investor",
				qualified: "Qualified investor",
				professional: "Professional investor",
				who: {
					general: "everyone's category, no statement needed",
					qualified: "over R$ 1 million in financial investments, or a certification the CVM accepts",
					professional:
						"over R$ 10 million in financial investments, or a professional authorised by the CVM",
				},
				groundLegend: "Why",
				grounds: {
					qualified: {
						investments: "I hold more than R$ 1 million in financial investments",
						certification:
							"I passed an exam or hold a certification the CVM accepts (CPA-20, CEA, CFP, CNPI…)",
					},
					professional: {
						investments: "I hold more than R$ 10 million in financial investments",
						registration:
							"I am an investment adviser, portfolio manager, analyst or consultant authorised by the CVM",
					},
				},
				statementTitle: "Statement (version {{version}})",
				confirm: "I have read the statement above and sign it: the information is true.",
				confirmRequired: "To declare this category, confirm the statement.",
				statementFailed: "Could not load the statement: {{message}}",
				save: "Save category",
				saving: "Saving…",
				saved: "Category saved.",
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
				text: "Download a copy of everything we keep about you: profile, questionnaire answers, interests, preferences, tips and e-mails sent (LGPD).",
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
