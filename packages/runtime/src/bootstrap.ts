import { loadConfig, type GantryConfig } from '@gantry/config';
import type { ProviderRegistry } from '@gantry/providers';
import type { Logger } from 'pino';
import { openInfrastructure, type Infrastructure } from './infrastructure';
import { createLogger } from './logger';
import { collectProcessMetrics } from './processMetrics';
import { describeAccounts, openProviderRegistry } from './providers';

export interface Bootstrapped {
  config: GantryConfig;
  log: Logger;
  infra: Infrastructure;
  /** The accounts of GANTRY_ACCOUNTS_FILE with their providers. */
  providers: ProviderRegistry;
}

/** What every Gantry process starts with: validated configuration and accounts, a logger, and open infrastructure. */
export async function bootstrap(name: string): Promise<Bootstrapped> {
  const config = loadConfig();
  // Before anything is opened: a broken accounts file stops the process with one line, leaving
  // no embedded PostgreSQL behind.
  const providers = openProviderRegistry(config);
  collectProcessMetrics();
  const log = createLogger(config, name);
  const infra = await openInfrastructure(config, log);
  log.info(infra.description);
  log.info(describeAccounts(providers));
  return { config, log, infra, providers };
}
