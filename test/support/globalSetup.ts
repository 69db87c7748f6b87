import pg from 'pg';
import { migrate } from '../../packages/store/src/migrations';
import { POSTGRES_URL, databaseUrl, testDatabaseAgeSeconds, testDatabaseName } from './services';

const STALE_AFTER_SECONDS = 3 * 3600;

/**
 * Builds this run's migrated template database (each test file clones it: much faster than
 * migrating) and drops test databases that killed runs left behind.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const template = testDatabaseName('tpl');
  process.env.GANTRY_TEST_TEMPLATE_DATABASE = template;
  await admin(async (client) => {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'gantry\\_%'");
    for (const { datname } of rows) {
      const age = testDatabaseAgeSeconds(datname);
      if (age !== undefined && age > STALE_AFTER_SECONDS) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await client.query(`CREATE DATABASE "${template}"`);
  });
  const pool = new pg.Pool({ connectionString: databaseUrl(template), max: 1 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
  return () => admin((client) => client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`).then(() => undefined));
}

async function admin(work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
