import { defineConfig } from 'vitest/config';

// The providers need no database: their tests run without the root config's PostgreSQL setup
// (`npx vitest run --config packages/providers/vitest.config.ts`). The root config runs them too.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['packages/providers/**/*.test.ts', 'test/providers*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
