/**
 * Texts of the kpis page ("kpis") and of the chart wrapper ("chart", shared/chart), loaded
 * with the kpis route. A second page with charts needs the "chart" texts too: move them
 * to wherever both pages' texts come from.
 */
import type { Texts } from "../../core/i18n";

export const kpisTexts: Texts = {
	"pt-BR": {
		kpis: {
			title: "KPIs de distribuição",
			intro: "O que o Insights publicou e distribuiu. Só números agregados, nada sobre pessoas.",
			period: { label: "Período", "7d": "7 dias", "30d": "30 dias", all: "Tudo" },
			tiles: {
				label: "Resumo",
				publications: "Publicações",
				productsPublished: "Produtos publicados",
				notifications: "Notificações distribuídas",
				activeSubscribers: "Assinantes ativos",
				matchRate: "Taxa de match da última publicação",
				matchRateHint: "{{notified}} de {{audience}} assinantes",
				noAudience: "Sem audiência registrada",
				lastRun: "Última coleta",
				noRun: "Nenhuma coleta ainda",
				sourcesOk: "Todas as fontes responderam",
				failedSources: "Falharam: {{sources}}",
			},
			frequency: {
				title: "Produtos por classe de ativo, por dia",
				measure: "Mostrar",
				distributed: "Distribuídos",
				published: "Publicados",
				describeDistributed: "Notificações criadas por dia, empilhadas por classe de ativo.",
				describePublished: "Produtos publicados por dia, empilhados por classe de ativo.",
				day: "Dia",
				emptyDistributed: "Nada distribuído ainda neste período.",
				emptyPublished: "Nada publicado ainda neste período.",
			},
			top: {
				title: "Top 10 produtos",
				description: "Os produtos que chegaram a mais assinantes distintos no período.",
				product: "Produto",
				subscribers: "Assinantes notificados",
				empty: "Nenhum produto distribuído ainda neste período.",
			},
		},
		chart: {
			showTable: "Ver dados em tabela",
			hideTable: "Ocultar tabela",
			failed: "Não foi possível desenhar o gráfico; os números estão na tabela abaixo.",
		},
	},
	en: {
		kpis: {
			title: "Distribution KPIs",
			intro: "What Insights published and distributed. Aggregate numbers only, nothing about people.",
			period: { label: "Period", "7d": "7 days", "30d": "30 days", all: "All" },
			tiles: {
				label: "Summary",
				publications: "Publications",
				productsPublished: "Products published",
				notifications: "Notifications distributed",
				activeSubscribers: "Active subscribers",
				matchRate: "Last publication's match rate",
				matchRateHint: "{{notified}} of {{audience}} subscribers",
				noAudience: "No audience recorded",
				lastRun: "Last collector run",
				noRun: "No run yet",
				sourcesOk: "Every source answered",
				failedSources: "Failed: {{sources}}",
			},
			frequency: {
				title: "Products by asset class, per day",
				measure: "Show",
				distributed: "Distributed",
				published: "Published",
				describeDistributed: "Notifications created per day, stacked by asset class.",
				describePublished: "Products published per day, stacked by asset class.",
				day: "Day",
				emptyDistributed: "Nothing distributed yet in this period.",
				emptyPublished: "Nothing published yet in this period.",
			},
			top: {
				title: "Top 10 products",
				description: "The products that reached the most distinct subscribers in the period.",
				product: "Product",
				subscribers: "Subscribers notified",
				empty: "No product distributed yet in this period.",
			},
		},
		chart: {
			showTable: "Show data as a table",
			hideTable: "Hide table",
			failed: "The chart could not be drawn; the numbers are in the table below.",
		},
	},
};
