/** Why a SpEL expression could not be evaluated; the stage fails with this reason. */
export class SpelEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpelEvaluationError';
  }
}

export function fail(message: string): never {
  throw new SpelEvaluationError(message);
}
