/**
 * Where benchmarks find PostgreSQL and Redis. Same defaults and override variables as the tests,
 * so one machine setup serves both.
 */
export const POSTGRES_URL = process.env.GANTRY_BENCH_POSTGRES_URL ?? process.env.GANTRY_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.GANTRY_BENCH_REDIS_URL ?? process.env.GANTRY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string): string {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
