/**
 * The container image and the docker-compose cluster, checked without a Docker engine.
 * Debian's docker-compose (v1) validates and resolves docker-compose.yaml; python3's yaml
 * module (a dependency of that docker-compose) turns YAML into JSON. The Dockerfile,
 * .dockerignore, .env.example and deploy/nginx.conf are read as text.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../config.ts";
import { serviceNames } from "../../services/index.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const composeFile = join(root, "docker-compose.yaml");
const envExample = join(root, ".env.example");
const read = (path: string) => readFileSync(join(root, path), "utf8");
/** A regex capture, "" when it did not take part. */
const group = (match: RegExpMatchArray, index: number): string => match[index] ?? "";

// ------------------------------------------------------------------------ helpers ----

interface Run {
	status: number | null;
	stdout: string;
	stderr: string;
}

/** A clean environment: the shell's TRANSPORTER, MONGO_URI… must not change the result. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	return { PATH: process.env.PATH, HOME: process.env.HOME ?? tmpdir(), LANG: "C.UTF-8", ...extra };
}

function dockerCompose(args: string[], env: NodeJS.ProcessEnv, cwd = root): Run {
	const result = spawnSync("docker-compose", args, { cwd, env, encoding: "utf8" });
	if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
		throw new Error(
			"docker-compose is not installed: this test needs Debian's docker-compose (apt-get install docker-compose)",
		);
	}
	if (result.error) throw result.error;
	return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** YAML → JSON through python3's yaml, which docker-compose v1 itself depends on. */
function parseYaml(text: string): unknown {
	const result = spawnSync(
		"python3",
		["-c", "import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"],
		{ input: text, encoding: "utf8" },
	);
	if (result.status !== 0)
		throw new Error(
			`python3 could not parse YAML (python3-yaml comes with docker-compose): ${result.stderr}`,
		);
	return JSON.parse(result.stdout);
}

interface Healthcheck {
	test?: string[] | string;
	disable?: boolean;
}
interface ComposeService {
	image?: string;
	build?: string | { context: string };
	environment?: Record<string, string | number | null>;
	env_file?: string | string[];
	depends_on?: Record<string, { condition?: string }> | string[];
	healthcheck?: Healthcheck;
	ports?: unknown[];
	volumes?: (string | { type: string; source: string; target: string })[];
	restart?: string;
}
interface ComposeFile {
	services: Record<string, ComposeService>;
	volumes?: Record<string, unknown>;
}

/** `NAME=value` and `# NAME=value` lines of an env file (commented = optional, documented). */
function envFileEntries(text: string): { name: string; value: string; active: boolean }[] {
	const entries = [];
	for (const line of text.split("\n")) {
		const match = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
		if (match) entries.push({ name: group(match, 2), value: group(match, 3), active: !match[1] });
	}
	return entries;
}

/** Every variable config.ts reads: `env.NAME` and `helper(env, "NAME", …)`. */
function variablesConfigReads(): Set<string> {
	const source = read("config.ts");
	const names = new Set<string>();
	for (const match of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)) names.add(group(match, 1));
	for (const match of source.matchAll(/\(\s*env\s*,\s*"([A-Z][A-Z0-9_]*)"/g)) names.add(group(match, 1));
	return names;
}

/** `${NAME}` references of the collector's sources files (secrets such as XP_API_KEY). */
function variablesSourcesReference(): Set<string> {
	const names = new Set<string>();
	for (const file of readdirSync(join(root, "config")).filter((name) => name.endsWith(".json"))) {
		for (const match of read(`config/${file}`).matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g))
			names.add(group(match, 1));
	}
	return names;
}

/** Variables docker compose interpolates in docker-compose.yaml. */
function variablesComposeInterpolates(): Set<string> {
	const names = new Set<string>();
	for (const line of read("docker-compose.yaml").split("\n")) {
		if (line.trim().startsWith("#")) continue;
		for (const match of line.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)) names.add(group(match, 1));
	}
	return names;
}

const dependsOn = (service: ComposeService): Record<string, { condition?: string }> =>
	Array.isArray(service.depends_on)
		? Object.fromEntries(service.depends_on.map((name) => [name, {}]))
		: (service.depends_on ?? {});

const servicesOf = (service: ComposeService): string[] =>
	String(service.environment?.SERVICES ?? "")
		.split(",")
		.map((name) => name.trim())
		.filter(Boolean);

// --------------------------------------------------------------------- Dockerfile ----

interface Instruction {
	keyword: string;
	args: string;
}
interface Stage {
	from: string;
	name: string | undefined;
	instructions: Instruction[];
}

function dockerfileStages(): { args: Record<string, string>; stages: Stage[] } {
	const text = read("Dockerfile")
		.split("\n")
		.filter((line) => !line.trim().startsWith("#"))
		.join("\n")
		.replace(/\\\n/g, " ");
	const args: Record<string, string> = {};
	const stages: Stage[] = [];
	for (const line of text.split("\n")) {
		const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
		if (!match) continue;
		const keyword = group(match, 1).toUpperCase();
		const rest = group(match, 2).trim();
		if (keyword === "FROM") {
			const [image = "", as, name] = rest.split(/\s+/);
			const from = image.replace(/\$\{(\w+)\}/g, (_, arg: string) => args[arg] ?? "");
			stages.push({ from, name: as?.toUpperCase() === "AS" ? name : undefined, instructions: [] });
		} else if (keyword === "ARG" && stages.length === 0) {
			const [name = "", value = ""] = rest.split("=");
			args[name] = value;
		} else {
			stages.at(-1)?.instructions.push({ keyword, args: rest.replace(/\s+/g, " ") });
		}
	}
	return { args, stages };
}

/** ENV instructions of a stage as a map (`ENV A=1 B=2` form). */
function stageEnv(stage: Stage): Record<string, string> {
	const env: Record<string, string> = {};
	for (const { keyword, args } of stage.instructions) {
		if (keyword !== "ENV") continue;
		for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g))
			env[group(match, 1)] = group(match, 2).replace(/^"|"$/g, "");
	}
	return env;
}

/** Top-level paths (first segment below the repository root) the running app loads. */
function pathsTheAppLoads(): Set<string> {
	const seen = new Set<string>();
	const topLevel = new Set<string>();
	const visit = (file: string) => {
		if (seen.has(file)) return;
		seen.add(file);
		const source = readFileSync(file, "utf8");
		const targets = [
			...source.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g),
			...source.matchAll(/new URL\(\s*"(\.{1,2}\/[^"]*)"\s*,\s*import\.meta\.url\s*\)/g),
		].map((match) => resolve(dirname(file), group(match, 1)));
		for (const target of targets) {
			const rel = relative(root, target);
			assert.ok(!rel.startsWith("..") && !isAbsolute(rel), `${file} loads ${target}, outside the repo`);
			topLevel.add(rel.split("/")[0] ?? rel);
			if (target.endsWith(".ts") && existsSync(target)) visit(target);
		}
	};
	visit(join(root, "index.ts"));
	topLevel.add("index.ts");
	return topLevel;
}

describe("Dockerfile", () => {
	const { stages } = dockerfileStages();
	const build = stages[0] as Stage;
	const runtime = stages.at(-1) as Stage;
	const instructions = (stage: Stage, keyword: string) =>
		stage.instructions.filter((instruction) => instruction.keyword === keyword).map((i) => i.args);

	test("builds in a node:24 bookworm stage: npm ci (root and frontend) and npm run build", () => {
		assert.ok(stages.length >= 2, "a multi-stage build");
		assert.match(build.from, /^node:24-bookworm$/);
		const runs = instructions(build, "RUN").join("\n");
		assert.match(runs, /\bnpm ci\b/);
		assert.match(runs, /\bnpm run build\b/);
		// The postinstall (npm --prefix frontend ci) needs frontend's manifests before npm ci.
		const copies = instructions(build, "COPY");
		assert.ok(copies.some((args) => args.includes("frontend/package-lock.json")));
	});

	test("runs on node:24-bookworm-slim with production dependencies only", () => {
		assert.match(runtime.from, /^node:24-bookworm-slim$/);
		const install = instructions(runtime, "RUN").find((args) => /\bnpm ci\b/.test(args));
		assert.ok(install, "the runtime stage runs npm ci");
		assert.match(install, /--omit=dev/);
		assert.match(install, /--ignore-scripts/);
	});

	test("runs as a non-root user", () => {
		const user = instructions(runtime, "USER").at(-1);
		assert.ok(user, "the runtime stage sets USER");
		assert.ok(!["root", "0", "0:0", "root:root"].includes(user), `USER ${user} is root`);
		// Instructions after the last USER would run as root at build time only; CMD must follow it.
		const userAt = runtime.instructions.findLastIndex((i) => i.keyword === "USER");
		const cmdAt = runtime.instructions.findLastIndex((i) => i.keyword === "CMD");
		assert.ok(userAt < cmdAt);
	});

	test("copies the built SPA from the build stage and every path the app loads", () => {
		const copies = instructions(runtime, "COPY");
		assert.ok(
			copies.some((args) => /--from=build\b/.test(args) && /\/public\/?\s/.test(args)),
			"COPY --from=build …/public",
		);
		const sources = copies.flatMap((args) => {
			const parts = args.split(" ").filter((part) => !part.startsWith("--"));
			return parts.slice(0, -1).map((source) =>
				source
					.replace(/^\/app\//, "")
					.replace(/^\.\//, "")
					.replace(/\/$/, ""),
			);
		});
		const covered = (path: string) =>
			sources.some((source) =>
				source.includes("*")
					? new RegExp(`^${source.replace(/\./g, "\\.").replace(/\*/g, "[^/]*")}$`).test(path)
					: source === path,
			);
		for (const path of pathsTheAppLoads()) assert.ok(covered(path), `the image lacks ${path}`);
	});

	test("sets the runtime environment, /data volume, ports, health check and command", () => {
		const env = stageEnv(runtime);
		assert.deepEqual(
			{
				NODE_ENV: env.NODE_ENV,
				PORT: env.PORT,
				METRICS_PORT: env.METRICS_PORT,
				HEALTH_PORT: env.HEALTH_PORT,
				DATA_DIR: env.DATA_DIR,
			},
			{ NODE_ENV: "production", PORT: "3000", METRICS_PORT: "3030", HEALTH_PORT: "8081", DATA_DIR: "/data" },
		);
		assert.ok(instructions(runtime, "VOLUME").some((args) => /\/data\b/.test(args)));
		assert.ok(
			instructions(runtime, "RUN").some((args) => /chown\s+node(:node)?\s+\/data/.test(args)),
			"/data is owned by node",
		);
		const exposed = instructions(runtime, "EXPOSE").join(" ").split(" ");
		for (const port of ["3000", "3001", "3030", "8081"]) assert.ok(exposed.includes(port), `EXPOSE ${port}`);
		const healthcheck = instructions(runtime, "HEALTHCHECK").join("\n");
		assert.match(healthcheck, /CMD/);
		assert.match(healthcheck, /\/readyz/);
		assert.match(healthcheck, /HEALTH_PORT/);
		assert.match(healthcheck, /fetch\(/, "no curl in slim images: node's fetch");
		assert.deepEqual(JSON.parse(instructions(runtime, "CMD").at(-1) ?? "null"), ["node", "index.ts"]);
	});

	test("the image's environment is one config.ts accepts, with the probes on", () => {
		const config = loadConfig({ ...stageEnv(runtime), SERVICES: "api" });
		assert.equal(config.port, 3000);
		assert.equal(config.metricsPort, 3030);
		assert.equal(config.healthPort, 8081);
		assert.equal(config.dataDir, "/data");
	});

	test(".dockerignore keeps dependencies, builds, local state and secrets out of the context", () => {
		const patterns = new Set(
			read(".dockerignore")
				.split("\n")
				.map((line) => line.trim())
				.filter((line) => line && !line.startsWith("#")),
		);
		for (const pattern of ["**/node_modules", "public", "data", ".git", ".env", "bench/results"])
			assert.ok(patterns.has(pattern), `.dockerignore lacks ${pattern}`);
		for (const needed of [
			"package.json",
			"package-lock.json",
			"frontend",
			"scripts",
			"config",
			"domain",
			"mixins",
			"services",
			"index.ts",
		])
			assert.ok(!patterns.has(needed), `.dockerignore must not exclude ${needed}`);
	});
});

// ------------------------------------------------------------------ docker-compose ----

describe("docker-compose.yaml", () => {
	let resolved: ComposeFile;
	let raw: ComposeFile;
	let app: [string, ComposeService][];
	let project: string;

	before(() => {
		// The checked-in example stands in for .env (which is never committed).
		const run = dockerCompose(
			["--env-file", envExample, "-f", composeFile, "config"],
			cleanEnv({ INSIGHTS_ENV_FILE: envExample }),
		);
		assert.equal(run.status, 0, `docker-compose config failed:\n${run.stderr}`);
		resolved = parseYaml(run.stdout) as ComposeFile;
		raw = parseYaml(read("docker-compose.yaml")) as ComposeFile;
		app = Object.entries(resolved.services).filter(([, service]) => service.image === "insights:latest");
		project = mkdtempSync(join(tmpdir(), "insights-compose-"));
	});

	after(() => rmSync(project, { recursive: true, force: true }));

	const named = (name: string): ComposeService => {
		const found = resolved.services[name];
		assert.ok(found, `docker-compose.yaml has no service ${name}`);
		return found;
	};

	test("`cp .env.example .env && docker compose up` is the documented path", () => {
		// Without .env, compose stops with a message naming it.
		const bare = dockerCompose(
			["-f", composeFile, "--project-directory", project, "config", "-q"],
			cleanEnv(),
		);
		assert.notEqual(bare.status, 0);
		assert.match(bare.stderr, /\.env/);
		copyFileSync(envExample, join(project, ".env"));
		const withEnv = dockerCompose(
			["-f", composeFile, "--project-directory", project, "config", "-q"],
			cleanEnv(),
		);
		assert.equal(withEnv.status, 0, withEnv.stderr);
	});

	test("has the infrastructure, the edge, mail and monitoring next to the app", () => {
		for (const name of ["nats", "mongo", "edge", "mailpit", "prometheus", "grafana"])
			assert.ok(named(name), `service ${name}`);
		assert.deepEqual(app.map(([name]) => name).sort(), [
			"analytics",
			"api",
			"catalogue",
			"collector",
			"live-1",
			"live-2",
			"mailer",
			"market",
			"matcher-1",
			"matcher-2",
			"notifications",
			"subscribers",
		]);
	});

	test("every app service is built from the one image and has its own SERVICES, NODE_ID and DATA_DIR", () => {
		const contexts = new Set<string>();
		for (const [name, service] of app) {
			const context = typeof service.build === "string" ? service.build : service.build?.context;
			assert.ok(context, `${name} builds the image`);
			contexts.add(resolve(root, context));
			assert.ok(servicesOf(service).length > 0, `${name} sets SERVICES`);
			assert.match(String(service.environment?.NODE_ID ?? ""), /^[\w.-]+$/, `${name} sets NODE_ID`);
			assert.ok(service.restart, `${name} has a restart policy`);
		}
		assert.deepEqual([...contexts], [resolve(root)]);
		const ids = app.map(([, service]) => service.environment?.NODE_ID);
		assert.equal(new Set(ids).size, ids.length, "NODE_IDs are unique");
		const dirs = app.map(([, service]) => service.environment?.DATA_DIR);
		assert.equal(new Set(dirs).size, dirs.length, "every node has its own DATA_DIR");
		// The analytics consumer group is named after the NODE_ID: it must not be generated.
		assert.equal(named("analytics").environment?.NODE_ID, "analytics");
	});

	test("together the app services run every service of services/index.ts, and only those", () => {
		const run = app.flatMap(([, service]) => servicesOf(service));
		for (const name of run) assert.ok(serviceNames.includes(name), `unknown service ${name}`);
		assert.deepEqual([...new Set(run)].sort(), [...serviceNames].sort());
	});

	test("live and matcher run on two containers each; live nodes listen on LIVE_PORT", () => {
		const running = (name: string) => app.filter(([, service]) => servicesOf(service).includes(name));
		assert.equal(running("live").length, 2);
		assert.equal(running("matcher").length, 2);
		for (const [name, service] of running("live")) {
			assert.ok(!servicesOf(service).includes("api"), `${name}: live without api listens on LIVE_PORT`);
			assert.equal(String(service.environment?.LIVE_PORT), "3001");
		}
	});

	test("app services join the cluster's NATS and MongoDB and read the shared env file", () => {
		for (const [name, service] of app) {
			assert.match(String(service.environment?.TRANSPORTER), /^nats:\/\/nats:4222$/, name);
			assert.match(String(service.environment?.MONGO_URI), /^mongodb:\/\/mongo:27017\//, name);
		}
		for (const [name, service] of Object.entries(raw.services)) {
			if (service.image !== "insights:latest") continue;
			// biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation, not JS
			assert.equal(service.env_file, "${INSIGHTS_ENV_FILE:-.env}", `${name} reads the shared .env`);
		}
		assert.equal(named("mailer").environment?.SMTP_URL, "smtp://mailpit:1025");
	});

	test("every service has a health check", () => {
		for (const [name, service] of Object.entries(resolved.services)) {
			assert.ok(service.healthcheck?.test, `${name} has no healthcheck`);
			assert.ok(!service.healthcheck.disable, `${name} disables its healthcheck`);
			assert.notEqual(String(service.healthcheck.test), "NONE", `${name} disables its healthcheck`);
		}
	});

	test("start order waits for healthy dependencies", () => {
		const healthy = (name: string, on: string) =>
			assert.equal(
				dependsOn(named(name))[on]?.condition,
				"service_healthy",
				`${name} depends on ${on} being healthy`,
			);
		for (const [name] of app) {
			healthy(name, "nats");
			healthy(name, "mongo");
		}
		healthy("mailer", "mailpit");
		for (const upstream of ["api", "live-1", "live-2"]) healthy("edge", upstream);
		healthy("grafana", "prometheus");
	});

	test("only the edge publishes the app; tools listen on 127.0.0.1", () => {
		for (const [name] of app) assert.equal(named(name).ports, undefined, `${name} publishes a port`);
		assert.ok(named("edge").ports?.length);
		for (const name of ["mailpit", "prometheus", "grafana"]) {
			for (const port of named(name).ports ?? [])
				assert.match(JSON.stringify(port), /127\.0\.0\.1/, `${name} publishes on every interface`);
		}
	});

	test("no secrets in the compose file itself", () => {
		const text = read("docker-compose.yaml");
		const settings = text
			.split("\n")
			.filter((line) => !line.trim().startsWith("#"))
			.join("\n");
		for (const name of ["OPERATOR_TOKEN", "JWT_SECRET", "XP_API_KEY"])
			assert.ok(!settings.includes(name), `${name} belongs in .env, not in docker-compose.yaml`);
		assert.doesNotMatch(text, /[a-z]+:\/\/[^\s/:@]+:[^\s/@]+@/, "credentials in a URL");
		for (const [name, service] of Object.entries(raw.services)) {
			for (const [key, value] of Object.entries(service.environment ?? {})) {
				if (!/TOKEN|SECRET|PASSWORD|API_KEY/.test(key)) continue;
				assert.match(String(value), /^\$\{[A-Z0-9_]+(:\?[^}]*)?\}$/, `${name}: ${key} must come from .env`);
			}
		}
		// The example's secrets are placeholders to change.
		for (const entry of envFileEntries(readFileSync(envExample, "utf8"))) {
			if (!/TOKEN|SECRET|PASSWORD/.test(entry.name) || !entry.active) continue;
			assert.match(entry.value, /change-me/, `.env.example: ${entry.name} is an obvious placeholder`);
			assert.ok(!text.includes(entry.value));
		}
	});

	test("every container's environment is one config.ts accepts", () => {
		const image = stageEnv(dockerfileStages().stages.at(-1) as Stage);
		for (const [name, service] of app) {
			const env = Object.fromEntries(
				Object.entries({ ...image, ...service.environment }).map(([key, value]) => [
					key,
					String(value ?? ""),
				]),
			);
			assert.doesNotThrow(() => loadConfig(env), `${name}'s environment`);
		}
	});

	test("Prometheus scrapes every app container on METRICS_PORT", (t) => {
		const file = join(root, "monitoring/prometheus/prometheus.yml");
		if (!existsSync(file)) return t.skip("monitoring/prometheus/prometheus.yml not written yet");
		const prometheus = parseYaml(readFileSync(file, "utf8")) as {
			scrape_configs: { static_configs?: { targets: string[] }[] }[];
		};
		const targets = prometheus.scrape_configs.flatMap((job) =>
			(job.static_configs ?? []).flatMap((group) => group.targets),
		);
		for (const [name] of app) assert.ok(targets.includes(`${name}:3030`), `Prometheus misses ${name}:3030`);
	});

	test("every file the cluster mounts exists", () => {
		for (const [name, service] of Object.entries(resolved.services)) {
			for (const volume of service.volumes ?? []) {
				const source = typeof volume === "string" ? (volume.split(":")[0] ?? "") : volume.source;
				if (!isAbsolute(source)) continue; // a named volume
				assert.ok(existsSync(source), `${name} mounts ${source}, which does not exist`);
			}
		}
	});

	test("the edge sends /socket.io/ to the live nodes (sticky, upgraded) and the rest to the api", () => {
		const nginx = read("deploy/nginx.conf");
		const upstream = (name: string) =>
			[
				...(new RegExp(`upstream ${name} \\{([^}]*)\\}`).exec(nginx)?.[1] ?? "").matchAll(
					/server ([\w.-]+):(\d+)/g,
				),
			]
				.map((match) => `${match[1]}:${match[2]}`)
				.sort();
		const live = app.filter(([, service]) => servicesOf(service).includes("live"));
		assert.deepEqual(
			upstream("live"),
			live.map(([name, service]) => `${name}:${service.environment?.LIVE_PORT}`).sort(),
		);
		assert.deepEqual(upstream("api"), ["api:3000"]);
		assert.match(nginx, /upstream live \{[^}]*ip_hash;/);
		assert.match(nginx, /location \/socket\.io\/ \{[^}]*proxy_pass http:\/\/live;/);
		assert.match(nginx, /proxy_set_header Upgrade \$http_upgrade;/);
		assert.match(nginx, /location \/ \{[^}]*proxy_pass http:\/\/api;/);
		assert.ok(
			named("edge").volumes?.some((volume) => String(volume).includes("deploy/nginx.conf")),
			"the edge mounts deploy/nginx.conf",
		);
	});
});

// --------------------------------------------------------------------- .env.example ----

describe(".env.example", () => {
	const entries = envFileEntries(readFileSync(envExample, "utf8"));
	const documented = new Set(entries.map((entry) => entry.name));
	const configReads = variablesConfigReads();
	const sourcesReference = variablesSourcesReference();
	const composeInterpolates = variablesComposeInterpolates();
	// INSIGHTS_ENV_FILE picks the env file itself, so it cannot live in it.
	composeInterpolates.delete("INSIGHTS_ENV_FILE");

	test("documents every variable config.ts reads", () => {
		assert.ok(configReads.size > 20, "the scan of config.ts found its variables");
		for (const name of configReads) assert.ok(documented.has(name), `.env.example lacks ${name}`);
	});

	test("documents every variable the sources files and docker-compose.yaml use", () => {
		for (const name of [...sourcesReference, ...composeInterpolates])
			assert.ok(documented.has(name), `.env.example lacks ${name}`);
	});

	test("holds nothing else", () => {
		for (const name of documented) {
			assert.ok(
				configReads.has(name) || sourcesReference.has(name) || composeInterpolates.has(name),
				`${name} is neither read by config.ts, a sources file nor docker-compose.yaml`,
			);
		}
		assert.equal(documented.size, entries.length, "each variable appears once");
	});

	test("sets what the cluster needs", () => {
		const active = Object.fromEntries(entries.filter((e) => e.active).map((e) => [e.name, e.value]));
		assert.equal(active.TRANSPORTER, "nats://nats:4222");
		assert.equal(active.MONGO_URI, "mongodb://mongo:27017/insights");
		assert.equal(active.SMTP_URL, "smtp://mailpit:1025");
		assert.ok(active.OPERATOR_TOKEN && active.JWT_SECRET && active.GRAFANA_ADMIN_PASSWORD);
		assert.equal(active.PUBLIC_URL, `http://localhost:${active.HTTP_PORT ?? 8080}`);
		// Not for docker compose: values are taken literally by some versions.
		for (const entry of entries) assert.doesNotMatch(entry.value, /^["']/, `${entry.name} is quoted`);
	});
});
