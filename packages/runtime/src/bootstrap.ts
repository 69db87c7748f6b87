import { loadConfig, type GantryConfig } from '@gantry/config';
import type { Logger } from 'pino';
import { openInfrastructure, type Infrastructure } from './infrastructure';
import { createLogger } from './logger';
import { collectProcessMetrics } from './processMetrics';

/** What every Gantry process starts with: validated configuration, a logger, and open infrastructure. */
export async function bootstrap(name: string): Promise<{ config: GantryConfig; log: Logger; infra: Infrastructure }> {
  const config = loadConfig();
  collectProcessMetrics();
  const log = createLogger(config, name);
  const infra = await openInfrastructure(config, log);
  log.info(infra.description);
  return { config, log, infra };
}
