import { ConfigError } from '@gantry/config';
import { StartupError } from './startupError';

/**
 * Runs a process's start-up; a failure the operator can fix (bad setting, unreachable service) is
 * one line on stderr naming the setting, never a stack trace.
 */
export function runMain(name: string, start: () => Promise<void>): void {
  start().catch((error: unknown) => {
    const known = error instanceof ConfigError || error instanceof StartupError;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${name}: ${known ? message : `failed to start: ${message}`}\n`);
    process.exit(1);
  });
}
