# The recording worker (and, with another command, the emulators), running compiled JavaScript.
# Build stage: every dependency, `npm run build` (tsc to dist/ and the workflow bundle, made once
# here instead of at every boot). Run stage: production dependencies and dist/ only, as `node`.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/client/package.json ./packages/client/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY packages/client/tsconfig.json ./packages/client/
COPY src ./src
RUN npm run build

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production \
    WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js \
    HEALTH_PORT=8081 \
    SHUTDOWN_GRACE_MS=10000
COPY package.json package-lock.json ./
COPY packages/client/package.json ./packages/client/
RUN npm ci --no-audit --no-fund --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8081
# GET /ready: 200 while every worker polls (src/health.ts).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.HEALTH_PORT + '/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The worker drains on SIGTERM within SHUTDOWN_GRACE_MS + 5 s; give it that (compose: stop_grace_period).
STOPSIGNAL SIGTERM
CMD ["node", "dist/worker.js"]
