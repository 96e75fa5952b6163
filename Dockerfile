# payrec, built from this repository. better-sqlite3 compiles from source here, as on our machines.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production PAYREC_DATA_DIR=/var/lib/payrec
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /var/lib/payrec && chown node:node /var/lib/payrec
USER node
EXPOSE 8080
CMD ["node", "dist/cli.js", "serve"]
