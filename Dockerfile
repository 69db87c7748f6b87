FROM node:20-bookworm-slim
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
