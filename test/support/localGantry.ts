import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { adminTokenPath } from '../../packages/config/src';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../packages/providers/src/local/ports';
import { stopAgentAndInstances } from './localTestBed';
import { spawnGantry, waitForReady, type GantryProcess } from './gantryProcess';
import { createTestDatabase, type TestDatabase } from './testDatabase';

/**
 * `npm start` as a user runs it, with the default `local` account on a data dir of its own: its
 * own database (PostgreSQL queue backend in it, so nothing is shared with other test files) and
 * the local agent under `<dataDir>/local`, stopped with every app process at the end. Authentication
 * is on as by default: the first start writes the admin token, which `token` holds.
 */
export interface LocalGantry {
  url: string;
  dataDir: string;
  /** The admin API token Gantry's first start wrote to `<dataDir>/admin-token`. */
  token: string;
  /** An Authorization header with `token`. */
  headers: { authorization: string };
  gantry: GantryProcess;
  /** SIGKILLs Gantry (the agent and apps live on) and starts it again on the same data. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** `accountsYaml`: an accounts file for this Gantry (its agent's data dir stays `<dataDir>/local`); default: none, the one `local` account. */
export async function startLocalGantry(options: { accountsYaml?: string } = {}): Promise<LocalGantry> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-local-e2e-'));
  const database: TestDatabase = await createTestDatabase();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let accountsFile: string | undefined;
  if (options.accountsYaml !== undefined) {
    accountsFile = join(dataDir, 'accounts.yaml');
    writeFileSync(accountsFile, options.accountsYaml);
  }
  const env = { DATABASE_URL: database.url, REDIS_URL: undefined, GANTRY_ACCOUNTS_FILE: accountsFile, GANTRY_DATA_DIR: dataDir, GANTRY_ADMIN_TOKEN: undefined, PORT: String(port), LOG_LEVEL: 'warn' };
  const local = { gantry: spawnGantry(env) };
  await waitForReady(url, local.gantry);
  const agentDir = join(dataDir, 'local');
  const token = readFileSync(adminTokenPath(dataDir), 'utf8').trim();
  return {
    url,
    dataDir,
    token,
    headers: { authorization: `Bearer ${token}` },
    get gantry() {
      return local.gantry;
    },
    async restart() {
      await local.gantry.kill('SIGKILL');
      local.gantry = spawnGantry(env);
      await waitForReady(url, local.gantry);
    },
    async close() {
      await local.gantry.kill('SIGTERM');
      await stopAgentAndInstances(agentDir);
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
