/** Placeholder until the adapter is written (this session). */
import type { Adapter } from "./index.ts";

export const tesouroDireto: Adapter = async () => {
	throw new Error("tesouro-direto: not built yet");
};
