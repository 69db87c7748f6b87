/** The same Idempotency-Key came with a different request: answering the first one's result would be wrong. */
export class IdempotencyKeyReusedError extends Error {
  constructor(readonly key: string) {
    super(`Idempotency-Key "${key}" was used before with a different request body; use a new key for a new request`);
    this.name = 'IdempotencyKeyReusedError';
  }
}
