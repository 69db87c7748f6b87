import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ADMIN_ROLE } from '@gantry/core';
import { adminTokenPath, type GantryConfig } from '@gantry/config';
import { StartupError } from '@gantry/runtime';
import type { AuthStore } from '@gantry/store';
import type { Logger } from 'pino';

/**
 * The first admin: GANTRY_ADMIN_TOKEN (or the file GANTRY_ADMIN_TOKEN_FILE) when the operator chose
 * one; otherwise, on a first start (no token stored yet), a new token written to
 * GANTRY_DATA_DIR/admin-token with mode 0600, where the CLI and the demo find it.
 */
export async function ensureAdminToken(
  store: AuthStore,
  config: Pick<GantryConfig, 'adminToken' | 'adminTokenFile' | 'dataDir'>,
  log: Pick<Logger, 'info' | 'warn'>,
): Promise<void> {
  const chosen = config.adminToken ?? (config.adminTokenFile === undefined ? undefined : await readTokenFile(config.adminTokenFile));
  if (chosen !== undefined) {
    await store.ensureToken(chosen, { name: 'admin', roles: [ADMIN_ROLE], createdBy: 'GANTRY_ADMIN_TOKEN' });
    log.info('authentication on; the admin API token is the one GANTRY_ADMIN_TOKEN sets');
    return;
  }
  const path = resolve(adminTokenPath(config.dataDir));
  if ((await store.countTokens()) > 0) {
    log.info(`authentication on; the first admin API token is in ${path} (if it was not moved)`);
    return;
  }
  const { token } = await store.createToken({ name: 'admin', roles: [ADMIN_ROLE], createdBy: 'first start' });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  log.warn(`authentication on; first start: an admin API token was written to ${path} (mode 0600). The CLI and npm run demo read it from there; other clients send it as "Authorization: Bearer <token>"`);
}

async function readTokenFile(path: string): Promise<string> {
  let text: string;
  try {
    text = (await readFile(path, 'utf8')).trim();
  } catch (error) {
    throw new StartupError(`GANTRY_ADMIN_TOKEN_FILE=${path}: cannot read it: ${(error as Error).message}`);
  }
  if (text.length < 20) throw new StartupError(`GANTRY_ADMIN_TOKEN_FILE=${path}: the token must be at least 20 characters`);
  return text;
}
