/**
 * The local multi-node topology `npm run cluster` starts, and the cluster test runs: the
 * production split of services (as docker-compose.yaml has it), as processes over one NATS.
 * Every service in services/index.ts appears at least once; matcher and live twice.
 */
export interface ClusterNode {
	name: string;
	services: string[];
	/** Only the gateway listens for HTTP (REST, the SPA, and Socket.IO on the same port). */
	http?: boolean;
}

export const topology: ClusterNode[] = [
	{ name: "gateway", services: ["api", "live"], http: true },
	// A second live node on LIVE_PORT: sockets reconnect to either.
	{ name: "live-2", services: ["live"] },
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

/** Ports counted up from a base per node (0 keeps the feature off on every node). */
export function nthPort(base: number, index: number): string {
	return base ? String(base + index) : "0";
}
