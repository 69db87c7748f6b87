import { ConfigError, type GantryConfig } from '@gantry/config';
import { ProviderRegistry, loadAccounts, type AccountConfig } from '@gantry/providers';

const SETTING = 'GANTRY_ACCOUNTS_FILE';

/**
 * The accounts of GANTRY_ACCOUNTS_FILE (or `accountsFile`, or ./accounts.yaml when present) with
 * their providers, read once at start so a broken file stops the process with one line naming the
 * setting instead of failing the first deploy. No file at all means no accounts.
 */
export function openProviderRegistry(config: Pick<GantryConfig, 'accountsFile'>, env: NodeJS.ProcessEnv = process.env): ProviderRegistry {
  let accounts: AccountConfig[];
  try {
    accounts = loadAccounts(env, config.accountsFile === undefined ? {} : { file: config.accountsFile });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw error.message.startsWith(SETTING) ? error : new ConfigError(`${SETTING}: ${error.message}`);
  }
  return new ProviderRegistry(accounts, {}, { env });
}

/** "accounts: k8s-prod (kubernetes), aws-prod (aws)" for the start-up log. */
export function describeAccounts(registry: Pick<ProviderRegistry, 'accounts'>): string {
  const accounts = registry.accounts();
  if (accounts.length === 0) return `no accounts configured (${SETTING} unset and no ./accounts.yaml): server group stages will fail`;
  return `accounts: ${accounts.map((account) => `${account.name} (${account.provider})`).join(', ')}`;
}
