import { pino, type Logger } from 'pino';
import { logCorrelation } from '@gantry/telemetry';
import type { GantryConfig } from '@gantry/config';

/** Each line carries the trace, span and execution it was written in, when tracing is on (`logCorrelation`). */
export function createLogger(config: Pick<GantryConfig, 'logLevel'>, name: string): Logger {
  return pino({ name, level: config.logLevel, mixin: logCorrelation });
}
