/** Where tests find the machine's real PostgreSQL and Redis (override for other machines). */
export const POSTGRES_URL = process.env.GANTRY_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.GANTRY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string): string {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Test databases carry their creation time in their name, so a run can clean up what killed runs
 * left behind without touching the databases of a run going on at the same time.
 */
export function testDatabaseName(kind: 't' | 'tpl'): string {
  return `gantry_${kind}_${Math.floor(Date.now() / 1000)}_${Math.random().toString(16).slice(2, 10)}`;
}

export function testDatabaseAgeSeconds(name: string): number | undefined {
  const match = /^gantry_(?:t|tpl)_(\d+)_/.exec(name);
  return match ? Date.now() / 1000 - Number(match[1]) : undefined;
}
