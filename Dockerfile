# One image for both services (compose picks the command): the compiled JavaScript on Node 24 LTS,
# production dependencies only, run by the unprivileged `node` user. Build: `docker build -t chat .`

# --- build: every dependency (TypeScript, esbuild, tsx), then `npm run build`: shared, engine and
# gateway compiled to dist/ (tsc -b), the widget and the console bundled (esbuild).
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY engine/package.json engine/
COPY gateway/package.json gateway/
COPY widget/package.json widget/
COPY console/package.json console/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY shared/ shared/
COPY engine/ engine/
COPY gateway/ gateway/
COPY widget/ widget/
COPY console/ console/
RUN npm run build

# --- runtime: production dependencies and the build's output, nothing else (no sources, no tests,
# no tsx, tap, vitest or Playwright).
FROM node:24-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY engine/package.json engine/
COPY gateway/package.json gateway/
COPY widget/package.json widget/
COPY console/package.json console/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/shared/dist shared/dist
COPY --from=build /app/engine/dist engine/dist
COPY --from=build /app/gateway/dist gateway/dist
COPY --from=build /app/widget/dist widget/dist
COPY --from=build /app/console/dist console/dist
COPY widget/demo/index.html widget/demo/
COPY console/index.html console/
# Not a tenants file here (production refuses it): the gateway reads it to refuse its secrets.
COPY gateway/tenants.example.json gateway/
USER node
# Ready for work (Redis, and for the gateway an engine, answer). No curl in the slim image: node's fetch.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself as the command (not npm, which would not pass SIGTERM on and would cut the drain short);
# compose runs it under an init (init: true). The engine: ["node", "engine/dist/server.js"]. The flags
# before the entry point are the workspace's `nodeFlags` (gateway/package.json: a 16 MB young
# generation, see docs/scaling.md "Idle streams").
CMD ["node", "--max-semi-space-size=16", "gateway/dist/server.js"]
