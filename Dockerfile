# Prex: the backend serving the widget, on Node 20 (Debian bookworm). See docs/deploy.md.
# Not built on the machines this repo is developed on (no Docker engine there): the steps are the
# repo's own setup (pnpm install --frozen-lockfile, turbo build), which CI and every test run use.

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN npm install -g pnpm@12.21.0
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 TURBO_TELEMETRY_DISABLED=1
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm exec turbo run build --filter=@prex/backend... --filter=@prex/loader --filter=@prex/widget --output-logs=errors-only

FROM node:20-bookworm-slim
# postgresql-client: pg_dump / pg_restore for `prex backup` against a Postgres server (15, as compose.yaml's).
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The built workspace as it is: the backend finds the loader and widget builds beside it.
COPY --from=build --chown=node:node /app /app
USER node
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8787 PREX_DATA_DIR=/data PREX_OUTBOX_DIR=/data/outbox
VOLUME /data
EXPOSE 8787
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:8787/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# tini forwards SIGTERM: Prex then stops live answers, ends streams and closes the database.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "backend/dist/main.js"]
