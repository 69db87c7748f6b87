import { ValidationError, type ValidationIssue } from '@gantry/core';

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: ValidationError };

// Each round removes at least one key, so this only bounds pathological inputs (thousands of nulls).
const MAX_ROUNDS = 64;

/**
 * Parses `data`, reading a `null` the schema refuses as the key being absent: many senders
 * (Jenkins' notifier, Spinnaker's exports, Jackson with default settings) write `"field": null` for
 * an optional field they have no value for. A null the schema accepts is kept (it may mean
 * something); a null on a required field is still refused, with the original issue. Works for any
 * parser that names its issues by path, so the zod schemas and the domain parsers share it.
 */
export function parseNullsAsAbsent<T>(data: unknown, attempt: (input: unknown) => Attempt<T>): Attempt<T> {
  const first = attempt(data);
  if (first.ok || !hasNullAt(data, first.error.issues)) return first;
  const current: unknown = structuredClone(data);
  let { issues } = first.error;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const removed = issues.filter((issue) => removeNullAt(current, issue.path)).length;
    if (removed === 0) break;
    const result = attempt(current);
    if (result.ok) return result;
    ({ issues } = result.error);
  }
  // What still fails is reported as the sender wrote it (a required field is "null", not missing).
  const failing = new Set(issues.map((issue) => JSON.stringify(issue.path)));
  const remaining = first.error.issues.filter((issue) => failing.has(JSON.stringify(issue.path)));
  return remaining.length === 0 || remaining.length === first.error.issues.length
    ? first
    : { ok: false, error: new ValidationError(first.error.message, remaining) };
}

/** For parsers that throw a ValidationError (the domain's `parse…Definition`). */
export function attemptThrowing<T>(parse: (input: unknown) => T): (input: unknown) => Attempt<T> {
  return (input) => {
    try {
      return { ok: true, value: parse(input) };
    } catch (error) {
      if (error instanceof ValidationError) return { ok: false, error };
      throw error;
    }
  };
}

function hasNullAt(data: unknown, issues: readonly ValidationIssue[]): boolean {
  return issues.some((issue) => issue.path.length > 0 && valueAt(data, issue.path) === null);
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let current = data;
  for (const key of path) {
    if (Array.isArray(current) && typeof key === 'number') current = current[key];
    else if (isRecord(current) && Object.hasOwn(current, key)) current = current[String(key)];
    else return undefined;
  }
  return current;
}

/** Deletes the object key at `path` when its value is null (array elements are left: removing one would shift the rest). */
function removeNullAt(data: unknown, path: readonly (string | number)[]): boolean {
  const key = path.at(-1);
  if (key === undefined) return false;
  const parent = valueAt(data, path.slice(0, -1));
  if (!isRecord(parent) || !Object.hasOwn(parent, key) || parent[String(key)] !== null) return false;
  delete parent[String(key)];
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
