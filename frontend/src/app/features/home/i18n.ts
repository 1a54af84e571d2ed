/** Texts of the home page, of signing up and in, and of the verification page, under "home". */
import type { Texts } from "../../core/i18n";

export const homeTexts: Texts = {
	"pt-BR": {
		home: {
			title: "Produtos de investimento que combinam com você",
			lead: "O Insights acompanha as ofertas da BTG Pactual e da XP e os dados de mercado, e avisa quando aparece um produto que combina com os seus interesses e o seu perfil de risco.",
			lead2:
				"As dicas chegam ao vivo aqui no site e por e-mail. Você decide o que quer acompanhar e pode desligar os e-mails ou excluir sua conta quando quiser.",
			how: {
				title: "Como funciona",
				interests: {
					title: "Conte seus interesses",
					text: "Escolha as categorias (ações, FIIs, fundos, renda fixa…) e os critérios que importam para você.",
				},
				watch: {
					title: "Nós acompanhamos o mercado",
					text: "Observamos as ofertas da BTG Pactual e da XP e os dados de mercado a cada nova publicação.",
				},
				tips: {
					title: "Você recebe as dicas",
					text: "Quando um produto combina com você, a dica aparece ao vivo e chega por e-mail.",
				},
			},
			signUp: {
				title: "Criar conta",
				name: "Nome",
				email: "E-mail",
				emailHint: "Enviaremos um link para confirmar o endereço.",
				consent:
					"Concordo em receber e-mails sobre produtos de investimento que combinam com os meus interesses e com o tratamento dos meus dados pessoais para essa finalidade, nos termos da LGPD. Posso retirar o consentimento a qualquer momento.",
				submit: "Criar conta",
				sending: "Enviando…",
				done: "Confira seu e-mail: enviamos um link de verificação para {{email}}. Clique nele para ativar sua conta.",
			},
			errors: {
				nameRequired: "Informe seu nome.",
				nameTooLong: "Use no máximo 120 caracteres.",
				emailRequired: "Informe seu e-mail.",
				emailInvalid: "Informe um e-mail válido, como nome@exemplo.com.br.",
				consentRequired:
					"Para criar a conta, é preciso concordar com o envio dos e-mails e com o tratamento dos dados.",
			},
			signIn: {
				title: "Já tem conta? Entre",
				text: "Sem senha: enviamos um link de acesso para o seu e-mail.",
				email: "E-mail",
				submit: "Enviar link de acesso",
				sending: "Enviando…",
				done: "Se o endereço estiver cadastrado, um link de acesso está a caminho. Confira sua caixa de entrada.",
			},
			failure: {
				tooMany: "Muitas tentativas em pouco tempo. Aguarde um pouco e tente de novo.",
				tooManyIn: "Muitas tentativas em pouco tempo. Tente de novo em {{seconds}} s.",
				invalid: "O servidor recusou os dados.",
				other: "Não foi possível enviar.",
			},
			signedIn: {
				title: "Você já está conectado",
				text: "Continue de onde parou:",
				feed: "Ver minhas dicas",
				interests: "Ajustar meus interesses",
				account: "Minha conta",
			},
			accountErased: "Sua conta e seus dados foram excluídos. Obrigado por ter usado o Insights.",
			verify: {
				title: "Verificando seu link…",
				newLink: "Pedir um novo link",
			},
		},
	},
	en: {
		home: {
			title: "Investment products that fit you",
			lead: "Insights watches BTG Pactual and XP offers and market data, and tells you when a product matches your interests and your risk profile.",
			lead2:
				"Tips arrive live on this site and by e-mail. You choose what to follow and can turn e-mails off or delete your account at any time.",
			how: {
				title: "How it works",
				interests: {
					title: "Tell us your interests",
					text: "Pick the categories (stocks, REITs, funds, fixed income…) and the criteria that matter to you.",
				},
				watch: {
					title: "We watch the market",
					text: "We follow BTG Pactual and XP offers and market data with every new publication.",
				},
				tips: {
					title: "You get the tips",
					text: "When a product matches you, the tip shows up live and arrives by e-mail.",
				},
			},
			signUp: {
				title: "Sign up",
				name: "Name",
				email: "E-mail",
				emailHint: "We will send a link to confirm the address.",
				consent:
					"I agree to receive e-mails about investment products matching my interests and to the processing of my personal data for that purpose, under Brazil's LGPD. I can withdraw my consent at any time.",
				submit: "Sign up",
				sending: "Sending…",
				done: "Check your e-mail: we sent a verification link to {{email}}. Click it to activate your account.",
			},
			errors: {
				nameRequired: "Enter your name.",
				nameTooLong: "Use at most 120 characters.",
				emailRequired: "Enter your e-mail.",
				emailInvalid: "Enter a valid e-mail, such as name@example.com.",
				consentRequired: "To sign up, you need to agree to the e-mails and to the processing of your data.",
			},
			signIn: {
				title: "Already signed up? Sign in",
				text: "No password: we send a sign-in link to your e-mail.",
				email: "E-mail",
				submit: "Send sign-in link",
				sending: "Sending…",
				done: "If the address is registered, a sign-in link is on its way. Check your inbox.",
			},
			failure: {
				tooMany: "Too many attempts in a short time. Wait a little and try again.",
				tooManyIn: "Too many attempts in a short time. Try again in {{seconds}} s.",
				invalid: "The server refused the data.",
				other: "Could not send.",
			},
			signedIn: {
				title: "You are signed in",
				text: "Pick up where you left off:",
				feed: "See my tips",
				interests: "Adjust my interests",
				account: "My account",
			},
			accountErased: "Your account and your data were deleted. Thank you for using Insights.",
			verify: {
				title: "Checking your link…",
				newLink: "Ask for a new link",
			},
		},
	},
};
