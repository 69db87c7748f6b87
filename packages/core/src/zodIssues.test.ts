import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exprOr } from './stages/fields';
import { toValidationIssues } from './zodIssues';

const issuesOf = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : toValidationIssues(result.error.issues, ['root']);
};

describe('toValidationIssues', () => {
  it('prefixes paths and keeps plain messages', () => {
    expect(issuesOf(z.object({ a: z.array(z.string()) }), { a: ['x', 1] })).toEqual([
      { path: ['root', 'a', 1], message: 'Invalid input: expected string, received number' },
    ]);
  });

  it('names the expected types when every union branch disliked the type', () => {
    expect(issuesOf(z.union([z.string(), z.boolean()]), 3)).toEqual([
      { path: ['root'], message: 'Invalid input: expected string or boolean, received number' },
    ]);
  });

  it('lists each shape’s complaint when several union branches got further', () => {
    const shape = z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]);
    expect(issuesOf(shape, { a: 1, b: 'x' })).toEqual([
      {
        path: ['root'],
        message:
          'none of the accepted shapes matches: a: Invalid input: expected string, received number; or b: Invalid input: expected number, received string',
      },
    ]);
    expect(issuesOf(exprOr(shape), { a: 1, b: 'x' })[0]?.message).toMatch(
      /received string \(or a string containing a \$\{…\} expression\)$/,
    );
  });
});
