/** Placeholder replaced by the mailer implementation (in progress). */
import type { ServiceSchema } from "moleculer";

const mailer: ServiceSchema = { name: "mailer" };
export default mailer;
