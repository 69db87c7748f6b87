import { pino, type Logger } from 'pino';
import type { GantryConfig } from '@gantry/config';

export function createLogger(config: Pick<GantryConfig, 'logLevel'>, name: string): Logger {
  return pino({ name, level: config.logLevel });
}
