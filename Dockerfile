# Container images of the platform: one build, one runtime target per service.
#   docker build --target booking-service -t cowork/booking-service .
# docker-compose.yml builds every target; docker/README.md says how to run the whole platform.
#
# The build stage installs everything, generates the Prisma clients and compiles the libs and the
# services once. Each service's runtime stage installs only that service's production
# dependencies and copies its compiled code (dist/, which includes the generated Prisma client,
# compiled from src/generated), the built libs, and prisma/migrations: the service applies its
# migrations itself at start-up.

# ---------------------------------------------------------------- build (everything, once)
FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
# Manifests first: the install layer stays cached until a manifest or the lockfile changes.
# npm ci checks the lockfile against every workspace, so every workspace's package.json is needed.
COPY package.json package-lock.json tsconfig.base.json ./
COPY libs/service-kit/package.json libs/service-kit/
COPY libs/workspace-rules/package.json libs/workspace-rules/
COPY libs/booking-events/package.json libs/booking-events/
COPY auth-service/package.json auth-service/
COPY user-service/package.json user-service/
COPY workspace-service/package.json workspace-service/
COPY booking-service/package.json booking-service/
COPY payment-service/package.json payment-service/
COPY notification-service/package.json notification-service/
COPY reporting-service/package.json reporting-service/
COPY admin-service/package.json admin-service/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
# No install script is needed: bcrypt ships prebuilt binaries, and Prisma's engine download is not
# used (the generate scripts set PRISMA_SCHEMA_ENGINE_BINARY; the client is Rust-free).
RUN npm ci --ignore-scripts
COPY libs/ libs/
COPY auth-service/ auth-service/
COPY user-service/ user-service/
COPY workspace-service/ workspace-service/
COPY booking-service/ booking-service/
COPY payment-service/ payment-service/
COPY notification-service/ notification-service/
COPY reporting-service/ reporting-service/
COPY admin-service/ admin-service/
RUN npm run generate --workspaces --if-present
# libs first, in dependency order, then the services
RUN set -e; \
    for pkg in libs/booking-events libs/workspace-rules libs/service-kit \
               auth-service user-service workspace-service booking-service \
               payment-service notification-service reporting-service admin-service; do \
      npm run build --workspace "$pkg"; \
    done

# ---------------------------------------------------------------- runtime base (manifests only)
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/service-kit/package.json libs/service-kit/
COPY libs/workspace-rules/package.json libs/workspace-rules/
COPY libs/booking-events/package.json libs/booking-events/
COPY auth-service/package.json auth-service/
COPY user-service/package.json user-service/
COPY workspace-service/package.json workspace-service/
COPY booking-service/package.json booking-service/
COPY payment-service/package.json payment-service/
COPY notification-service/package.json notification-service/
COPY reporting-service/package.json reporting-service/
COPY admin-service/package.json admin-service/
COPY e2e/package.json e2e/
COPY bench/package.json bench/

# ---------------------------------------------------------------- one runtime stage per service
# Each: production dependencies of that service only (root-owned, read-only to the app). Optional
# ones are left out too: they are the Prisma CLI and its tooling (an optional peer of @prisma/client,
# about half of the install), which nothing needs at run time (the client is generated at build
# time, the service applies its migrations itself), and pg-cloudflare (for Cloudflare Workers).
# Then the built libs (small; the service links the ones it depends on), its dist/ and migrations,
# a .data/ (the default DATA_DIR) writable by the node user, and a health check.

FROM runtime AS auth-service
RUN npm ci --omit=dev --omit=optional --ignore-scripts --workspace auth-service --include-workspace-root=false && npm cache clean --force
COPY --from=build /app/libs/booking-events/dist libs/booking-events/dist
COPY --from=build /app/libs/workspace-rules/dist libs/workspace-rules/dist
COPY --from=build /app/libs/service-kit/dist libs/service-kit/dist
COPY --from=build /app/auth-service/dist auth-service/dist
COPY --from=build /app/auth-service/prisma/migrations auth-service/prisma/migrations
WORKDIR /app/auth-service
RUN mkdir -p .data && chown node:node .data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]

FROM runtime AS user-service
RUN npm ci --omit=dev --omit=optional --ignore-scripts --workspace user-service --include-workspace-root=false && npm cache clean --force
COPY --from=build /app/libs/booking-events/dist libs/booking-events/dist
COPY --from=build /app/libs/workspace-rules/dist libs/workspace-rules/dist
COPY --from=build /app/libs/service-kit/dist libs/service-kit/dist
COPY --from=build /app/user-service/dist user-service/dist
COPY --from=build /app/user-service/prisma/migrations user-service/prisma/migrations
WORKDIR /app/user-service
RUN mkdir -p .data && chown node:node .data
USER node
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3001/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]

FROM runtime AS workspace-service
RUN npm ci --omit=dev --omit=optional --ignore-scripts --workspace workspace-service --include-workspace-root=false && npm cache clean --force
COPY --from=build /app/libs/booking-events/dist libs/booking-events/dist
COPY --from=build /app/libs/workspace-rules/dist libs/workspace-rules/dist
COPY --from=build /app/libs/service-kit/dist libs/service-kit/dist
COPY --from=build /app/workspace-service/dist workspace-service/dist
COPY --from=build /app/workspace-service/prisma/migrations workspace-service/prisma/migrations
WORKDIR /app/workspace-service
RUN mkdir -p .data && chown node:node .data
USER node
EXPOSE 3002
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3002/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]

FROM runtime AS booking-service
RUN npm ci --omit=dev --omit=optional --ignore-scripts --workspace booking-service --include-workspace-root=false && npm cache clean --force
COPY --from=build /app/libs/booking-events/dist libs/booking-events/dist
COPY --from=build /app/libs/workspace-rules/dist libs/workspace-rules/dist
COPY --from=build /app/libs/service-kit/dist libs/service-kit/dist
COPY --from=build /app/booking-service/dist booking-service/dist
COPY --from=build /app/booking-service/prisma/migrations booking-service/prisma/migrations
WORKDIR /app/booking-service
RUN mkdir -p .data && chown node:node .data
USER node
EXPOSE 3003
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3003/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]

FROM runtime AS payment-service
RUN npm ci --omit=dev --omit=optional --ignore-scripts --workspace payment-service --include-workspace-root=false && npm cache clean --force
COPY --from=build /app/libs/booking-events/dist libs/booking-events/dist
COPY --from=build /app/libs/workspace-rules/dist libs/workspace-rules/dist
COPY --from=build /app/libs/service-kit/dist libs/service-kit/dist
COPY --from=build /app/payment-service/dist payment-service/dist
COPY --from=build /app/payment-service/prisma/migrations payment-service/prisma/migrations
WORKDIR /app/payment-service
RUN mkdir -p .data && chown node:node .data
USER node
EXPOSE 3004
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3004/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]

FROM runtime AS notification-service
RUN npm ci --omit=dev --omit=optional --ignore-scripts --workspace notification-service --include-workspace-root=false && npm cache clean --force
COPY --from=build /app/libs/booking-events/dist libs/booking-events/dist
COPY --from=build /app/libs/workspace-rules/dist libs/workspace-rules/dist
COPY --from=build /app/libs/service-kit/dist libs/service-kit/dist
COPY --from=build /app/notification-service/dist notification-service/dist
COPY --from=build /app/notification-service/prisma/migrations notification-service/prisma/migrations
WORKDIR /app/notification-service
RUN mkdir -p .data && chown node:node .data
USER node
EXPOSE 3005
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3005/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]

FROM runtime AS reporting-service
RUN npm ci --omit=dev --omit=optional --ignore-scripts --workspace reporting-service --include-workspace-root=false && npm cache clean --force
COPY --from=build /app/libs/booking-events/dist libs/booking-events/dist
COPY --from=build /app/libs/workspace-rules/dist libs/workspace-rules/dist
COPY --from=build /app/libs/service-kit/dist libs/service-kit/dist
COPY --from=build /app/reporting-service/dist reporting-service/dist
COPY --from=build /app/reporting-service/prisma/migrations reporting-service/prisma/migrations
WORKDIR /app/reporting-service
RUN mkdir -p .data && chown node:node .data
USER node
EXPOSE 3006
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3006/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]

FROM runtime AS admin-service
RUN npm ci --omit=dev --omit=optional --ignore-scripts --workspace admin-service --include-workspace-root=false && npm cache clean --force
COPY --from=build /app/libs/booking-events/dist libs/booking-events/dist
COPY --from=build /app/libs/workspace-rules/dist libs/workspace-rules/dist
COPY --from=build /app/libs/service-kit/dist libs/service-kit/dist
COPY --from=build /app/admin-service/dist admin-service/dist
COPY --from=build /app/admin-service/prisma/migrations admin-service/prisma/migrations
WORKDIR /app/admin-service
RUN mkdir -p .data && chown node:node .data
USER node
EXPOSE 3007
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3007/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
