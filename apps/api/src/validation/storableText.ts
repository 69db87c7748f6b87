import type { ValidationIssue } from '@gantry/core';

/**
 * Request values are stored in PostgreSQL, whose text and jsonb cannot hold a NUL character, and
 * a lone UTF-16 surrogate is not text at all (it cannot be encoded as UTF-8): both are refused up
 * front, naming where they are, rather than failing the INSERT. Nesting is limited as well, since
 * serialising a value nested thousands deep overflows the stack.
 */
export const MAX_NESTING_DEPTH = 64;

// Reported per request; a body full of NULs needs no thousand identical issues.
const MAX_ISSUES = 20;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Path = (string | number)[];

/** The problems of a parsed JSON value (or query/params object), walked without recursion. */
export function unstorableText(value: unknown, root: Path = []): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const pending: { value: unknown; path: Path; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (pending.length > 0 && issues.length < MAX_ISSUES) {
    const { value: current, path, depth } = pending.pop()!;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) issues.push({ path, message: problem });
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_NESTING_DEPTH) {
      issues.push({ path, message: `nested more than ${MAX_NESTING_DEPTH} levels deep` });
      continue;
    }
    const isArray = Array.isArray(current);
    for (const [key, child] of Object.entries(current)) {
      const childPath = [...path, isArray ? Number(key) : key];
      const keyProblem = isArray ? undefined : textProblem(key);
      if (keyProblem) issues.push({ path: childPath, message: `the key ${keyProblem}` });
      pending.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return issues;
}

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000), which cannot be stored';
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (e.g. \\ud800), which is not valid Unicode text';
  return undefined;
}
