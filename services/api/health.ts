/**
 * The cluster as the registry sees it: every node with the services it runs.
 */
import type { NodeHealth } from "../../domain/contracts.ts";

interface RegistryNode {
	id: string;
	available: boolean;
	local: boolean;
	services?: { name: string }[];
}

export function nodeHealth(nodes: RegistryNode[]): NodeHealth[] {
	return nodes
		.map((node) => ({
			id: node.id,
			available: node.available,
			local: node.local,
			// Internal services ($node) are the same on every node: not worth listing.
			services: [
				...new Set((node.services ?? []).map((s) => s.name).filter((name) => !name.startsWith("$"))),
			].sort(),
		}))
		.sort((a, b) => Number(b.local) - Number(a.local) || a.id.localeCompare(b.id));
}
