import { isAbsolute, resolve } from 'node:path';
import { configSchema } from '@gantry/config';

/**
 * Where the local provider keeps its images, agent and state: the account's `dataDir`, else
 * `<GANTRY_DATA_DIR>/local` (GANTRY_DATA_DIR defaulting as the embedded PostgreSQL's does).
 */
export function localDataDir(accountDataDir: string | undefined, env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  if (accountDataDir !== undefined) return isAbsolute(accountDataDir) ? accountDataDir : resolve(cwd, accountDataDir);
  const gantryDataDir = env.GANTRY_DATA_DIR || configSchema.shape.dataDir.parse(undefined);
  return resolve(cwd, gantryDataDir, 'local');
}
