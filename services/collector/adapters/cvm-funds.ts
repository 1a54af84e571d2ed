/** Placeholder until the enricher is written (this session). */
import type { Enricher } from "./index.ts";

export const cvmFunds: Enricher = async () => {
	throw new Error("cvm-funds: not built yet");
};
