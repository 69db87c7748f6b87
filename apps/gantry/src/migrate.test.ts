import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseUrl, POSTGRES_URL, testDatabaseName } from '../../../test/support/services';

const run = promisify(execFile);
const ENTRY = new URL('./migrate.ts', import.meta.url).pathname;
const MIGRATIONS = readdirSync(new URL('../../../prisma/migrations/', import.meta.url), { withFileTypes: true }).filter((e) => e.isDirectory()).length;

/** `npm run migrate` as the Helm chart's pre-upgrade Job runs it: against a database of its own. */
async function migrateProcess(env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'DATABASE_URL' && key !== 'GANTRY_CONFIG_FILE'));
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', ENTRY], { env: { ...clean, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run migrate', () => {
  const name = testDatabaseName('t');
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('creates and migrates the database, then finds it up to date', async () => {
    const first = await migrateProcess({ DATABASE_URL: databaseUrl(name) });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`applied ${MIGRATIONS} migration(s)`);
    const db = new pg.Client({ connectionString: databaseUrl(name) });
    await db.connect();
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL');
    await db.end();
    expect(Number(rows[0]!.n)).toBe(MIGRATIONS);

    const second = await migrateProcess({ DATABASE_URL: databaseUrl(name) });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/is up to date\n$/);
  });

  it('refuses to run without DATABASE_URL, in one line naming it', async () => {
    const result = await migrateProcess({});
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('gantry-migrate: DATABASE_URL is unset: migrate needs the external PostgreSQL to migrate\n');
  });
});
