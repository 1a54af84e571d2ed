# Insights: one image for every node of the cluster. SERVICES picks what a container runs
# (docker-compose.yaml splits the system as in production).
#
#   docker build -t insights .
#   docker run --rm -p 3000:3000 insights            # the embedded default, NeDB in /data
#
# Stage 1 builds the Angular SPA into public/; stage 2 holds only the production
# dependencies, the TypeScript sources (Node 24 runs them directly) and the built SPA.

ARG NODE_VERSION=24

# ---------------------------------------------------------------------------- build ----
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
ENV NG_CLI_ANALYTICS=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# Lockfiles first, so a source change does not reinstall: the root postinstall runs
# `npm --prefix frontend ci`, so frontend/'s manifests must be here too.
COPY package.json package-lock.json ./
COPY frontend/package.json frontend/package-lock.json ./frontend/
RUN npm ci

# `npm run build` = scripts/spa.ts → `npx ng build` in frontend/ → ../public
COPY . .
RUN npm run build \
 && test -f public/index.html

# -------------------------------------------------------------------------- runtime ----
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
LABEL org.opencontainers.image.title="insights" \
      org.opencontainers.image.description="Insights: Moleculer services; SERVICES picks what this container runs"

ENV NODE_ENV=production \
    PORT=3000 \
    METRICS_PORT=3030 \
    HEALTH_PORT=8081 \
    DATA_DIR=/data \
    NPM_CONFIG_UPDATE_NOTIFIER=false

WORKDIR /app

# Production dependencies only. --ignore-scripts skips the root postinstall (the SPA's
# dependencies are build-time only; its output comes from the build stage).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# The application, owned by root and read-only for the node user: only /data is writable.
COPY *.ts ./
COPY config/ ./config/
COPY domain/ ./domain/
COPY lib/ ./lib/
COPY mixins/ ./mixins/
COPY services/ ./services/
COPY --from=build /app/public/ ./public/

RUN mkdir -p /data && chown node:node /data
VOLUME /data

USER node

# 3000 api (PORT) · 3001 live without api (LIVE_PORT) · 3030 /metrics (METRICS_PORT)
# 8081 /livez and /readyz (HEALTH_PORT)
EXPOSE 3000 3001 3030 8081

# No curl in slim images: Node's own fetch. /readyz is 200 once this node's broker and
# services started and its transporter is connected, 503 otherwise.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||8081)+'/readyz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# Not `npm start`: its prestart would try to build the SPA, and npm would stand between
# the node process and SIGTERM (index.ts drains in-flight requests on SIGTERM).
CMD ["node", "index.ts"]
