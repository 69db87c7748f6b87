import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectDatabase, type Database } from '../../packages/store/src/database';
import { POSTGRES_URL, databaseUrl, testDatabaseName } from './services';

export interface TestDatabase {
  name: string;
  url: string;
  db: Database;
  drop(): Promise<void>;
}

/** A fresh, migrated database of this test file's own, so files run in parallel without sharing rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env.GANTRY_TEST_TEMPLATE_DATABASE;
  if (!template) throw new Error('GANTRY_TEST_TEMPLATE_DATABASE is unset: run tests through vitest (test/support/globalSetup.ts)');
  const name = testDatabaseName('t');
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  const url = databaseUrl(name);
  const db = connectDatabase(url);
  return {
    name,
    url,
    db,
    async drop() {
      await db.close();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** A Redis key prefix of this test file's own. */
export function testQueuePrefix(): string {
  return `gantry-test-${randomBytes(6).toString('hex')}`;
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    // Cloning the template fails while another file is cloning it at the same instant; retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(sql);
        return;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== '55006' || attempt > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 100));
      }
    }
  } finally {
    await admin.end();
  }
}
