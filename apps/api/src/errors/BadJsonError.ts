/** A request body that is not JSON (or smuggles a prototype key); answered as 400 BAD_JSON. */
export class BadJsonError extends Error {
  readonly statusCode = 400;

  constructor(reason: string) {
    super(`Request body is not valid JSON: ${reason}`);
    this.name = 'BadJsonError';
  }
}
