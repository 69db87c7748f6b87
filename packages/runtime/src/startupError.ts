/** A start-up failure worded for the operator: one line naming the setting and what went wrong. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}
