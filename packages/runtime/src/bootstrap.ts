import { loadConfig, type GantryConfig } from '@gantry/config';
import type { ProviderRegistry } from '@gantry/providers';
import { startTracing, type Tracing } from '@gantry/telemetry';
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
  /** OpenTelemetry tracing, on when the standard OTEL_* variables configure an exporter; shut it down last. */
  tracing: Tracing;
}

/** What every Gantry process starts with: validated configuration and accounts, a logger, and open infrastructure. */
export async function bootstrap(name: string): Promise<Bootstrapped> {
  // Before anything that makes spans; a no-op unless OTEL_* variables ask for an exporter.
  const tracing = await startTracing(name);
  const config = loadConfig();
  // Before anything is opened: a broken accounts file stops the process with one line, leaving
  // no embedded PostgreSQL behind.
  const providers = openProviderRegistry(config);
  collectProcessMetrics();
  const log = createLogger(config, name);
  const infra = await openInfrastructure(config, log);
  log.info(infra.description);
  log.info(describeAccounts(providers));
  if (tracing.enabled) log.info('tracing on: spans are exported as the OTEL_* variables say');
  return { config, log, infra, providers, tracing };
}
