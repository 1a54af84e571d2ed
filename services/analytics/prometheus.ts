/**
 * The analytics counters as Prometheus metrics on the node's /metrics (when METRICS_PORT is
 * set). Values are set from the view, which is rebuilt from stored facts at start: after a
 * restart they continue from the true totals instead of from zero.
 */
import type { ServiceBroker } from "moleculer";
import { domainMetrics, metric } from "../../lib/domain-metrics.ts";
import type { DistributionView } from "./view.ts";

export const analyticsMetricNames = {
	published: "insights_analytics_products_published_total",
	distributed: "insights_analytics_notifications_total",
	publications: "insights_analytics_publications_total",
	matchRate: "insights_analytics_last_match_rate",
	lastPublication: domainMetrics.analyticsLastPublication.name,
} as const;

export interface AnalyticsMetrics {
	update(view: DistributionView): void;
}

export function registerAnalyticsMetrics(broker: ServiceBroker): AnalyticsMetrics | undefined {
	if (!broker.isMetricsEnabled()) return undefined;
	const labelNames = ["category", "source"];
	const published = metric(broker, {
		type: "counter",
		name: analyticsMetricNames.published,
		description: "Products published",
		labelNames,
	});
	const distributed = metric(broker, {
		type: "counter",
		name: analyticsMetricNames.distributed,
		description: "Notifications distributed",
		labelNames,
	});
	const publications = metric(broker, {
		type: "counter",
		name: analyticsMetricNames.publications,
		description: "Publications",
	});
	const matchRate = metric(broker, {
		type: "gauge",
		name: analyticsMetricNames.matchRate,
		description: "Subscribers notified of the latest publication ÷ verified subscribers then",
	});
	const lastPublication = metric(broker, domainMetrics.analyticsLastPublication);
	return {
		update(view) {
			for (const total of view.labelledTotals()) {
				const labels = { category: total.category, source: total.source };
				published.set(total.published, labels);
				distributed.set(total.distributed, labels);
			}
			publications.set(view.totals.publications);
			const latest = view.latest();
			if (latest?.matchRate !== undefined) matchRate.set(latest.matchRate);
			const publishedAt = latest ? Date.parse(latest.publishedAt) : Number.NaN;
			if (Number.isFinite(publishedAt)) lastPublication.set(publishedAt / 1000);
		},
	};
}
