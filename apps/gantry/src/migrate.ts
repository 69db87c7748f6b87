import { loadConfig, redactUrl } from '@gantry/config';
import { runMain, StartupError } from '@gantry/runtime';
import { connectDatabase, ensureDatabaseExists, migrate } from '@gantry/store';

/**
 * `npm run migrate`: applies the pending migrations to DATABASE_URL and exits. Every process
 * migrates at start anyway (under an advisory lock); this lets an orchestrator do it once, before
 * new pods roll (the Helm chart's pre-upgrade Job), so a failing migration stops the upgrade
 * instead of crash-looping the new pods beside the old ones.
 */
runMain('gantry-migrate', async () => {
  const config = loadConfig();
  if (!config.databaseUrl) throw new StartupError('DATABASE_URL is unset: migrate needs the external PostgreSQL to migrate');
  const setting = `DATABASE_URL=${redactUrl(config.databaseUrl)}`;
  try {
    await ensureDatabaseExists(config.databaseUrl);
  } catch (error) {
    throw new StartupError(`cannot reach PostgreSQL at ${setting}: ${(error as Error).message}`, { cause: error });
  }
  const db = connectDatabase(config.databaseUrl, { max: 1 });
  try {
    const applied = await migrate(db.pool);
    process.stdout.write(applied.length === 0 ? `database at ${setting} is up to date\n` : `applied ${applied.length} migration(s) to ${setting}: ${applied.join(', ')}\n`);
  } catch (error) {
    throw new StartupError(`cannot migrate the database at ${setting}: ${(error as Error).message}`, { cause: error });
  } finally {
    await db.close();
  }
});
