import { defineConfig } from 'prisma/config';

// Only the CLI reads this (generate/validate); the server applies migrations itself (packages/store).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/gantry' },
});
