/** Placeholder until the adapter is written (this session). */
import type { Adapter } from "./index.ts";

export const opinPension: Adapter = async () => {
	throw new Error("opin-pension: not built yet");
};
