/**
 * `npm run demo`: the embedded default on bundled sample sources and sample prices,
 * collecting at start and then every minute, with a few sample products varied per run so
 * the feed moves (DEMO_VARIATION=0 turns that off). Its data lives apart from a real run's.
 */
const defaults: Record<string, string> = {
	SOURCES_FILE: new URL("../config/sources.demo.json", import.meta.url).pathname,
	PRICES_PROVIDER: "sample",
	DATA_DIR: "./data/demo",
	DEMO_VARIATION: "1",
};
for (const [name, value] of Object.entries(defaults)) process.env[name] ||= value;

await import("../index.ts");
