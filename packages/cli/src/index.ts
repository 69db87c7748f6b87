export { runCli } from './cli';
export { EXIT, CliError, type ExitCode } from './errors';
export type { CliIo } from './io';
