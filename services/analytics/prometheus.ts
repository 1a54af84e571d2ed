/**
 * The analytics counters as Prometheus metrics on the node's /metrics (when METRICS_PORT is
 * set). Values are set from the view, which is rebuilt from stored facts at start: after a
 * restart they continue from the true totals instead of from zero.
 */
import type { ServiceBroker } from "moleculer";
import type { DistributionView } from "./view.ts";

export const analyticsMetricNames = {
	published: "insights_analytics_products_published_total",
	distributed: "insights_analytics_notifications_total",
	publications: "insights_analytics_publications_total",
	matchRate: "insights_analytics_last_match_rate",
} as const;

interface Settable {
	set(value: number, labels?: Record<string, string>): void;
}

export function registerAnalyticsMetrics(
	broker: ServiceBroker,
): { update(view: DistributionView): void } | undefined {
	if (!broker.isMetricsEnabled()) return undefined;
	const labelNames = ["category", "source"];
	const metric = (type: "counter" | "gauge", name: string, description: string, labels: string[] = []) =>
		(broker.metrics.getMetric(name) ??
			broker.metrics.register({ type, name, description, labelNames: labels } as {
				type: "gauge";
				name: string;
			})) as unknown as Settable;
	const published = metric("counter", analyticsMetricNames.published, "Products published", labelNames);
	const distributed = metric(
		"counter",
		analyticsMetricNames.distributed,
		"Notifications distributed",
		labelNames,
	);
	const publications = metric("counter", analyticsMetricNames.publications, "Publications");
	const matchRate = metric(
		"gauge",
		analyticsMetricNames.matchRate,
		"Subscribers notified of the latest publication ÷ verified subscribers then",
	);
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
		},
	};
}
