import { ValidationError, type ValidationIssue } from '@gantry/core';
import type { $ZodIssue } from 'zod/v4/core';

/** Zod's issues in the domain's shape, so schema errors and domain checks read the same to clients. */
export function validationErrorFromZod(issues: readonly $ZodIssue[]): ValidationError {
  const converted: ValidationIssue[] = issues.map((issue) => ({
    // Symbols cannot appear in JSON input; String() keeps the type honest if one ever does.
    path: issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
    message: issue.message,
  }));
  return new ValidationError('request validation failed', converted);
}
