/**
 * Errors the domain raises on purpose. The API maps `code` to an HTTP status; anything else that
 * escapes is a bug and is reported as INTERNAL without its stack.
 */
export type DomainErrorCode = 'VALIDATION' | 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'POLICY_VIOLATION';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string, details?: unknown) {
    super('NOT_FOUND', message, details);
  }
}

/** No identity, or one that cannot be believed (expired, revoked, badly signed): 401. */
export class UnauthorizedError extends DomainError {
  constructor(message: string, details?: unknown) {
    super('UNAUTHORIZED', message, details);
  }
}

/** A known caller without the permission the request needs (named in the message): 403. */
export class ForbiddenError extends DomainError {
  constructor(message: string, details?: unknown) {
    super('FORBIDDEN', message, details);
  }
}

/** A well-formed request the deploy policy refuses (a save-time rule): 422, naming the rules. */
export class PolicyViolationError extends DomainError {
  constructor(message: string, details?: unknown) {
    super('POLICY_VIOLATION', message, details);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details?: unknown) {
    super('CONFLICT', message, details);
  }
}

/** One problem in client input: where (zod-style path) and what. */
export interface ValidationIssue {
  path: (string | number)[];
  message: string;
}

/** `cluster.capacity.min: must be …` (just the message when the issue is about the whole input). */
export function describeIssue(issue: ValidationIssue): string {
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

export class ValidationError extends DomainError {
  constructor(
    message: string,
    readonly issues: ValidationIssue[],
  ) {
    super('VALIDATION', message, { issues });
  }
}
