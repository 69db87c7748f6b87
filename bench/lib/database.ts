import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectDatabase, migrate, type Database } from '@gantry/store';
import { POSTGRES_URL, databaseUrl } from './services';
import { markEnginePool } from './roundTrips';

export interface BenchDatabase {
  name: string;
  url: string;
  db: Database;
  drop(): Promise<void>;
}

const PREFIX = 'gantry_bench_';
// A killed run leaves its database behind; one this old cannot belong to a run still going.
const STALE_AFTER_SECONDS = 3 * 3600;

/**
 * A fresh database migrated with the real `migrate()`, named gantry_bench_<unix seconds>_<random> so
 * that concurrent runs never share rows and stale ones can be recognised by age.
 */
export async function createBenchDatabase(options: { poolMax?: number } = {}): Promise<BenchDatabase> {
  await dropStaleBenchDatabases();
  const name = `${PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = databaseUrl(name);
  const db = connectDatabase(url, { max: options.poolMax ?? 10 });
  markEnginePool(db.pool);
  try {
    await migrate(db.pool);
  } catch (error) {
    await db.close().catch(() => undefined);
    await dropDatabase(name);
    throw error;
  }
  let dropped = false;
  return {
    name,
    url,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.close().catch(() => undefined);
      await dropDatabase(name);
    },
  };
}

async function dropDatabase(name: string): Promise<void> {
  // FORCE: a queue backend's LISTEN client may still be closing when the benchmark is done.
  await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

async function dropStaleBenchDatabases(): Promise<void> {
  await admin(async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [PREFIX]);
    for (const { datname } of rows) {
      const match = /^gantry_bench_(\d+)_/.exec(datname);
      if (match && Date.now() / 1000 - Number(match[1]) > STALE_AFTER_SECONDS) {
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    }
  });
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
