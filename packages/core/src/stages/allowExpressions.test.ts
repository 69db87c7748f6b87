import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toValidationIssues } from '../zodIssues';
import { allowExpressions } from './allowExpressions';

const schema = allowExpressions(
  z.looseObject({
    name: z.string().min(1),
    size: z
      .looseObject({ low: z.number(), high: z.number() })
      .refine((size) => size.low <= size.high, { message: 'low is above high', path: ['low'] }),
    tags: z.array(z.string()).optional(),
    count: z.number().default(1),
  }),
);

const issuesOf = (value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : toValidationIssues(result.error.issues);
};

describe('allowExpressions', () => {
  it('parses real values with the strict schema, defaults included', () => {
    expect(schema.parse({ name: 'a', size: { low: 1, high: 2 } })).toEqual({ name: 'a', size: { low: 1, high: 2 }, count: 1 });
  });

  it('accepts an expression in place of any part, at any depth', () => {
    for (const value of [
      { name: 'a', size: '${parameters.size}' },
      { name: 'a', size: { low: '${parameters.low}', high: 2 } },
      { name: 'a', size: { low: 1, high: 2 }, tags: ['x', '${trigger.tag}'], count: '${parameters.n}' },
      { name: '${parameters.name}', size: { low: 1, high: 2 } },
    ]) {
      expect(issuesOf(value), JSON.stringify(value)).toEqual([]);
      // Kept as written until the stage starts and the expressions are resolved.
      expect(schema.parse(value)).toMatchObject(value);
    }
  });

  it('stores a value with expressions as written: defaults are applied once they are resolved', () => {
    expect(schema.parse({ name: 'a', size: { low: '${x}', high: 2 } })).toEqual({ name: 'a', size: { low: '${x}', high: 2 } });
  });

  it('still reports what is wrong outside the expressions, with paths', () => {
    expect(issuesOf({ name: '', size: { low: '${x}', high: 'two' } })).toEqual([
      { path: ['name'], message: 'Too small: expected string to have >=1 characters' },
      { path: ['size', 'high'], message: 'Invalid input: expected number, received string' },
    ]);
    expect(issuesOf({ size: { low: 3, high: 2 } })).toEqual([
      { path: ['name'], message: 'Invalid input: expected string, received undefined' },
      { path: ['size', 'low'], message: 'low is above high' },
    ]);
  });

  it('runs cross-field checks once the expression is resolved', () => {
    expect(issuesOf({ name: 'a', size: { low: '${x}', high: 2 } })).toEqual([]);
    expect(issuesOf({ name: 'a', size: { low: 5, high: 2 } })).toEqual([{ path: ['size', 'low'], message: 'low is above high' }]);
  });

  it('keeps issue paths right when nested in a larger schema', () => {
    const outer = z.object({ stage: schema });
    const result = outer.safeParse({ stage: { name: 'a', size: { low: 1, high: 'x' } } });
    expect(result.success).toBe(false);
    expect(toValidationIssues(result.error!.issues).map((issue) => issue.path)).toEqual([['stage', 'size', 'high']]);
  });
});
