# One image for both `scim-ldap operator` and `scim-ldap listener`: production dependencies and the compiled
# output only, on distroless Node 24, as a numeric non-root user (it writes no file, so a read-only root
# filesystem suits it). The base images are build arguments so that a machine without access to their registries
# can build with local stand-ins (scripts/image.sh); the defaults are the production ones.
ARG BUILD_IMAGE=node:24-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian12:nonroot

FROM ${BUILD_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY controller ./controller
RUN npm run build && npm prune --omit=dev

FROM ${RUNTIME_IMAGE}
LABEL org.opencontainers.image.title="scim-ldap-operator" \
      org.opencontainers.image.description="SCIM 2.0 to LDAP provisioning for Linux logins governed by Microsoft Entra ID" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/scim-ldap/scim-ldap-operator" \
      org.opencontainers.image.version="0.1.0"
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER 65532:65532
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/cli.js"]
