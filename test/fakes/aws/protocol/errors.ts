/**
 * An AWS API error: the code the SDKs map to their modeled exceptions (`AlreadyExists` →
 * `AlreadyExistsFault`), the message, and the HTTP status the real service answers with.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The Query protocol's generic client error for a bad or missing parameter (Auto Scaling, ELBv2). */
export function validationError(message: string): AwsError {
  return new AwsError('ValidationError', message);
}
