/** Texts of the collection notice, in both languages; added when a page with it loads. */
import type { Texts } from "../../core/i18n";

export const collectionTexts: Texts = {
	"pt-BR": {
		collection: {
			firstRun:
				"A primeira coleta de produtos ainda não terminou: as dicas aparecem aqui assim que ela acabar.",
			failedHeading: "Algumas fontes de produtos falharam na última coleta",
			failedIntro: "Os produtos delas ficam de fora até a próxima coleta dar certo:",
			source: "{{name}}: {{reason}}",
			detail: "Detalhe técnico: {{detail}}",
			kinds: {
				unreachable: "sem conexão com a fonte",
				timeout: "a fonte demorou demais para responder",
				http: "a fonte recusou o pedido (HTTP {{status}})",
				tls: "o certificado da fonte não é confiável neste servidor",
				"missing-key": "falta configurar a chave de acesso",
				"too-large": "a resposta passou do limite de tamanho",
				format: "a fonte respondeu num formato que não reconhecemos",
				other: "erro ao ler a fonte",
			},
		},
	},
	en: {
		collection: {
			firstRun: "The first product collection has not finished yet: tips appear here as soon as it does.",
			failedHeading: "Some product sources failed in the latest collection",
			failedIntro: "Their products are left out until the next collection succeeds:",
			source: "{{name}}: {{reason}}",
			detail: "Technical detail: {{detail}}",
			kinds: {
				unreachable: "the source could not be reached",
				timeout: "the source took too long to answer",
				http: "the source refused the request (HTTP {{status}})",
				tls: "the source's certificate is not trusted on this server",
				"missing-key": "its access key is not configured",
				"too-large": "the answer was over the size limit",
				format: "the source answered in a format we do not recognise",
				other: "the source could not be read",
			},
		},
	},
};
