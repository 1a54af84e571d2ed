/**
 * The local multi-node topology `npm run cluster` starts: the production split of
 * services, as processes over one NATS. Every service in services/index.ts appears once.
 */
export interface ClusterNode {
	name: string;
	services: string[];
	/** Only the gateway listens for HTTP. */
	http?: boolean;
}

export const topology: ClusterNode[] = [
	{ name: "gateway", services: ["api", "live"], http: true },
	{ name: "catalogue", services: ["products"] },
	{ name: "collector", services: ["collector"] },
	{ name: "mailer", services: ["mailer"] },
	{ name: "subscribers", services: ["subscribers"] },
	{ name: "matcher-1", services: ["matcher"] },
	{ name: "matcher-2", services: ["matcher"] },
	{ name: "notifications", services: ["notifications"] },
	{ name: "market", services: ["prices", "metrics"] },
	{ name: "analytics", services: ["analytics"] },
];
