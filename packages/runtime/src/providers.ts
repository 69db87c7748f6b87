import { ConfigError, type GantryConfig } from '@gantry/config';
import { DEFAULT_LOCAL_ACCOUNT, ProviderRegistry, loadAccounts, type AccountConfig } from '@gantry/providers';

const SETTING = 'GANTRY_ACCOUNTS_FILE';

/**
 * The accounts of GANTRY_ACCOUNTS_FILE (or `accountsFile`, or ./accounts.yaml when present) with
 * their providers, read once at start so a broken file stops the process with one line naming the
 * setting instead of failing the first deploy. No file at all means the one account `local`.
 */
export function openProviderRegistry(config: Pick<GantryConfig, 'accountsFile'> & Partial<Pick<GantryConfig, 'dataDir'>>, env: NodeJS.ProcessEnv = process.env): ProviderRegistry {
  let accounts: AccountConfig[];
  try {
    accounts = loadAccounts(env, config.accountsFile === undefined ? {} : { file: config.accountsFile });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw error.message.startsWith(SETTING) ? error : new ConfigError(`${SETTING}: ${error.message}`);
  }
  // The local provider keeps its data under the data dir, which the YAML configuration may set too.
  return new ProviderRegistry(accounts, {}, { env: config.dataDir === undefined ? env : { ...env, GANTRY_DATA_DIR: config.dataDir } });
}

/** "accounts: k8s-prod (kubernetes), aws-prod (aws)" for the start-up log. */
export function describeAccounts(registry: Pick<ProviderRegistry, 'accounts'>): string {
  const accounts = registry.accounts();
  if (accounts.length === 0) return `no accounts configured (${SETTING} names a file without accounts): server group stages will fail`;
  if (accounts.length === 1 && accounts[0]?.name === DEFAULT_LOCAL_ACCOUNT.name && accounts[0].provider === 'local' && accounts[0].dataDir === undefined) {
    return `accounts: local (local, the default: ${SETTING} unset and no ./accounts.yaml)`;
  }
  return `accounts: ${accounts.map((account) => `${account.name} (${account.provider})`).join(', ')}`;
}
