# Production image (also test mode with no configuration: docker run -p 3000:3000 idporten-op).
# CI cannot build it (no Docker engine there, docs/traps.md no-docker-engine): .ci/run runs this
# file's RUN lines in a copy of the checkout, boots the result against Redis and runs the
# HEALTHCHECK command, so keep every build step a RUN line and the health check on one line.
# Node 22 is the current LTS (Node 20 reached end of life in April 2026).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    OP_HOST=0.0.0.0 \
    OP_PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# Demo clients and the demo test CA: used only in test mode (OP_CLIENTS_FILE and
# OP_TRUSTED_CA_FILE unset); prod mode refuses both. The CLI's certs issue reads the test CA too.
COPY fixtures/demo ./fixtures/demo
USER node
EXPOSE 3000
# Asks /readyz where the provider listens, whatever OP_HOST and OP_PORT are (src/healthcheck.ts).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD ["node", "dist/healthcheck.js"]
# The tools run from the image too: docker run --rm -v "$PWD/config:/config" idporten-op node dist/cli.js keys generate /config/keys.json
CMD ["node", "dist/server.js"]
