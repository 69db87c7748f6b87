/**
 * The shape of one `npm run fake -- <name>` subcommand, so the aws and gcp fakes plug into the
 * same CLI by adding an entry to cli.ts.
 */
export interface RunningFake {
  url: string;
  close(): Promise<void>;
}

export interface FakeCommand {
  /** One line for the usage text. */
  summary: string;
  /** Option lines for the usage text. */
  options: string[];
  /** Parses its own arguments (throwing a usage error as an Error) and starts the fake. */
  start(args: string[]): Promise<RunningFake & { hints?: string[] }>;
}

/** A non-negative integer option, or the fallback when absent. */
export function integerOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return parsed;
}
