import { defineConfig } from 'vitest/config';

/**
 * One suite, four projects, so the inner loop can run a fast subset:
 * `npx vitest run --project unit` (pure domain logic, seconds), `--project integration`
 * (API, store, queue, providers against the wire-format fakes), `--project e2e` (whole processes),
 * `--project fault` (killed workers and restarted PostgreSQL/Redis: the slowest). `npm test` runs all.
 */
const FAULT = [
  'test/e2e/outages.test.ts',
  'test/e2e/databaseOutage.test.ts',
  'test/e2e/durability.test.ts',
  'test/e2e/webhookKillLoop.test.ts',
  'test/e2e/notifications.test.ts',
  'test/e2e/*Resume.test.ts',
];
const UNIT = ['packages/core/**/*.test.ts', 'packages/strategies/**/*.test.ts', 'packages/canary/**/*.test.ts', 'packages/config/**/*.test.ts'];

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/support/globalSetup.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['apps/**/*.test.ts', 'packages/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'test/e2e/**', ...UNIT],
        },
      },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], exclude: ['**/node_modules/**', ...FAULT] } },
      { extends: true, test: { name: 'fault', include: FAULT } },
    ],
  },
});
