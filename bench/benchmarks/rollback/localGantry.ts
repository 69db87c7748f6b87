import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { adminTokenPath } from '@gantry/config';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnGantry, waitForReady, type GantryProcess } from '../../../test/support/gantryProcess';
import { stopAgentAndInstances } from '../../../test/support/localTestBed';
import { freePort } from '../../../test/support/standaloneFake';
import { createBenchDatabase } from '../../lib/database';

export interface BenchLocalGantry {
  url: string;
  /** The admin API token the first start wrote to the data dir. */
  token: string;
  gantry: GantryProcess;
  close(): Promise<void>;
}

/**
 * `npm start` as a user runs it (a process of its own, so its CPU is not the load generator's):
 * the default `local` account on a data dir of its own, a fresh bench database with the PostgreSQL
 * queue backend in it. close() stops Gantry, then the local agent and every app process it
 * started (stopAgentAndInstances, as test/support/localGantry.ts does), and drops the database.
 */
export async function startBenchLocalGantry(): Promise<BenchLocalGantry> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-bench-rollback-'));
  const database = await createBenchDatabase({ poolMax: 1 });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { DATABASE_URL: database.url, REDIS_URL: undefined, GANTRY_ACCOUNTS_FILE: undefined, GANTRY_DATA_DIR: dataDir, GANTRY_ADMIN_TOKEN: undefined, PORT: String(port), LOG_LEVEL: 'warn' };
  const gantry = spawnGantry(env);
  const agentDir = join(dataDir, 'local');
  const close = async () => {
    await gantry.kill('SIGTERM');
    await stopAgentAndInstances(agentDir);
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForReady(url, gantry);
  } catch (error) {
    await close();
    throw error;
  }
  return { url, token: readFileSync(adminTokenPath(dataDir), 'utf8').trim(), gantry, close };
}
