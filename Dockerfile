# Vigil in one container: the embedded database (PGlite) in the /data volume, or PostgreSQL
# through DATABASE_URL. test/production-run.test.ts repeats the runtime stage's steps in a plain
# folder (production install, `node dist/server/main.js`, this HEALTHCHECK) on every test run.

# --- build: every dependency, the web app and the server compiled to JavaScript (dist/) ---------
FROM node:20-slim AS build
WORKDIR /app
# swagger-ui-dist's analytics install script stays quiet.
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:all

# --- runtime: production dependencies and the built files only, run as the `node` user ---------
FROM node:20-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The volume takes this directory's owner when Docker creates it, so `node` can write there.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Vigil stops scheduling, lets running checks finish (SHUTDOWN_TIMEOUT_MS), writes every result, exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=1", "dist/server/main.js"]
