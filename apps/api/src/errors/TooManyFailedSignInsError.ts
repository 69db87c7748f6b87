/** A source address sent too many invalid credentials lately: it must wait before trying again. */
export class TooManyFailedSignInsError extends Error {
  constructor(
    readonly failures: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`Too many failed sign-ins from this address (${failures} invalid credentials); retry in ${retryAfterSeconds} s`);
    this.name = 'TooManyFailedSignInsError';
  }
}
