/**
 * Texts of the feed page, under the "feed" namespace. `en` is typed after pt-BR, so a
 * key missing in either language fails the build. The reason and fact formatters read
 * `feedWords` directly (they are pure functions, not templates).
 */
import type { InterestFieldName } from "@domain/interests";
import type { FactName } from "@domain/product-facts";
import type { Texts } from "../../core/i18n";
import type { Locale } from "../../core/models";

/**
 * A label for every field a reason, a fact or a change names: the interests catalogue's
 * fields, the card's facts, and the product's name and openness. A field the backend adds
 * to either catalogue fails to compile until it has its label here.
 */
type FieldLabels = Record<InterestFieldName | FactName | "name" | "openToInvestment", string>;

const ptBR = {
	feed: {
		title: "Dicas",
		intro: "Produtos que combinam com seus interesses, no momento em que aparecem.",
		list: "Dicas, das mais novas às mais antigas",
		connection: {
			online: "Ao vivo: novas dicas aparecem aqui",
			connecting: "Reconectando…",
			offline: "Sem conexão ao vivo: novas dicas aparecem quando ela voltar",
		},
		filter: { label: "Categoria", all: "Todas" },
		unread: {
			none: "Nenhuma dica não lida",
			one: "1 dica não lida",
			other: "{{count}} dicas não lidas",
		},
		markAll: "Marcar todas como lidas",
		allRead: "Todas as dicas foram marcadas como lidas.",
		markError: "Não foi possível marcar como lida: {{message}}",
		empty: "Nenhuma dica ainda: ajuste seus interesses",
		emptyCategory: "Nenhuma dica nesta categoria ainda.",
		adjustInterests: "Ajustar interesses",
		loadMore: "Carregar mais dicas",
		loadingMore: "Carregando mais dicas…",
		end: "Fim do histórico.",
		announce: { one: "Nova dica: {{name}}", other: "{{count}} novas dicas" },
		card: {
			new: "Nova",
			unread: "Não lida",
			read: "Lida",
			markRead: "Marcar como lida",
			open: "Ver produto",
			newTab: "(abre em nova aba)",
			facts: "Dados do produto",
			reasons: "Por que combina com você",
			source: "Fonte",
			issuer: "Emissor",
			arrived: "Chegou em",
			unavailable: "Produto indisponível",
			audience: {
				qualified: "Para investidores qualificados",
				professional: "Para investidores profissionais",
			},
			closed: "Fechado para novas aplicações",
			changes: "O que mudou",
			venues: "Onde investir",
			venueMinimum: "Mínimo",
			venueFee: "Taxa de adm.",
			venueFits: "Combina com você",
			venueClosed: "Fechado",
			venueAdded: "Agora também em",
			notice: {
				"no-longer-available": "Não está mais disponível para novas aplicações",
				"no-longer-fits": "Não combina mais com o seu perfil e interesses",
			},
		},
		values: {
			yes: "Sim",
			no: "Não",
			fixed: "Pré",
			ofIndex: "{{percent}} do {{index}}",
			day: "{{count}} dia",
			days: "{{count}} dias",
			risk: "{{level}} de 5",
		},
		/** Matcher and product field names → labels (units go with the values). */
		fields: {
			ticker: "Código",
			sector: "Setor",
			segment: "Segmento",
			dividendYield: "Dividend yield (12 meses)",
			totalReturn12m: "Retorno total em 12 meses",
			volatility: "Volatilidade anualizada",
			maxDrawdown: "Queda máxima (12 meses)",
			meanDailyTradedValue: "Volume financeiro médio diário",
			minimumInvestment: "Aplicação mínima",
			riskLevel: "Nível de risco",
			adminFee: "Taxa de administração",
			performanceFee: "Taxa de performance",
			return12m: "Rentabilidade em 12 meses",
			redemptionDays: "Prazo de resgate",
			termDays: "Prazo",
			maturityDate: "Vencimento",
			issuer: "Emissor ou gestor",
			fundType: "Tipo de fundo",
			protectedCapital: "Capital protegido",
			underlying: "Ativo-objeto",
			planType: "Plano",
			rate: "Taxa",
			spread: "Taxa (pré ou acima do índice)",
			percentOfIndex: "Percentual do índice",
			rateIndex: "Indexador",
			instrument: "Tipo de título",
			taxExempt: "Isento de IR",
			name: "Nome",
			openToInvestment: "Aberto a novas aplicações",
		} satisfies FieldLabels,
	},
};

export type FeedWords = (typeof ptBR)["feed"];

const en: typeof ptBR = {
	feed: {
		title: "Tips",
		intro: "Products that fit your interests, the moment they appear.",
		list: "Tips, newest first",
		connection: {
			online: "Live: new tips appear here",
			connecting: "Reconnecting…",
			offline: "No live connection: new tips appear when it is back",
		},
		filter: { label: "Category", all: "All" },
		unread: {
			none: "No unread tips",
			one: "1 unread tip",
			other: "{{count}} unread tips",
		},
		markAll: "Mark all as read",
		allRead: "All tips were marked as read.",
		markError: "Could not mark as read: {{message}}",
		empty: "No tips yet: adjust your interests",
		emptyCategory: "No tips in this category yet.",
		adjustInterests: "Adjust interests",
		loadMore: "Load more tips",
		loadingMore: "Loading more tips…",
		end: "End of history.",
		announce: { one: "New tip: {{name}}", other: "{{count}} new tips" },
		card: {
			new: "New",
			unread: "Unread",
			read: "Read",
			markRead: "Mark as read",
			open: "See product",
			newTab: "(opens in a new tab)",
			facts: "Product details",
			reasons: "Why it fits you",
			source: "Source",
			issuer: "Issuer",
			arrived: "Arrived",
			unavailable: "Product unavailable",
			audience: {
				qualified: "For qualified investors",
				professional: "For professional investors",
			},
			closed: "Closed to new investment",
			changes: "What changed",
			venues: "Where to invest",
			venueMinimum: "Minimum",
			venueFee: "Mgmt. fee",
			venueFits: "Fits you",
			venueClosed: "Closed",
			venueAdded: "Now also at",
			notice: {
				"no-longer-available": "No longer available for new investment",
				"no-longer-fits": "No longer fits your profile and interests",
			},
		},
		values: {
			yes: "Yes",
			no: "No",
			fixed: "Fixed",
			ofIndex: "{{percent}} of {{index}}",
			day: "{{count}} day",
			days: "{{count}} days",
			risk: "{{level}} of 5",
		},
		fields: {
			ticker: "Ticker",
			sector: "Sector",
			segment: "Segment",
			dividendYield: "Dividend yield (12 months)",
			totalReturn12m: "Total return, 12 months",
			volatility: "Annualized volatility",
			maxDrawdown: "Maximum drawdown (12 months)",
			meanDailyTradedValue: "Mean daily traded value",
			minimumInvestment: "Minimum investment",
			riskLevel: "Risk level",
			adminFee: "Management fee",
			performanceFee: "Performance fee",
			return12m: "Return, 12 months",
			redemptionDays: "Redemption",
			termDays: "Term",
			maturityDate: "Maturity",
			issuer: "Issuer or manager",
			fundType: "Fund type",
			protectedCapital: "Protected capital",
			underlying: "Underlying",
			planType: "Plan",
			rate: "Rate",
			spread: "Rate (fixed or over the index)",
			percentOfIndex: "Percent of the index",
			rateIndex: "Rate index",
			instrument: "Instrument",
			taxExempt: "Tax exempt",
			name: "Name",
			openToInvestment: "Open to new investment",
		},
	},
};

export const feedTexts: Texts = { "pt-BR": ptBR, en };

export const feedWords: Record<Locale, FeedWords> = { "pt-BR": ptBR.feed, en: en.feed };
