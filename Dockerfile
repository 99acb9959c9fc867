# Keel on Node 24: `npm ci` builds dist/ (its `prepare` step compiles src/ with esbuild), then the
# dev dependencies are pruned; `keel` runs the compiled JavaScript.
FROM node:24-bookworm-slim
ENV NODE_ENV=production PUPPETEER_SKIP_DOWNLOAD=1
# chromium is only needed for the opt-in whatsapp-web.js transport.
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .puppeteerrc.cjs ./
COPY scripts ./scripts
COPY src ./src
RUN npm ci --include=dev --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund
COPY . .
USER node
EXPOSE 3000
CMD ["node", "bin/keel.mjs", "start"]
