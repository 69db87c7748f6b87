/** The CLI's exit codes, printed in `gantry --help`. */
export const EXIT = {
  /** Done: the canary passed, the execution was created (or, with --wait, SUCCEEDED). */
  OK: 0,
  /** The canary failed or was marginal; the API refused; the execution ended other than SUCCEEDED; Gantry unreachable. */
  FAILED: 1,
  /** Bad input: usage, an unreadable file, bad JSON, a schema error. */
  BAD_INPUT: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI reports as one line on stderr, ending with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
