import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toValidationIssues } from '../zodIssues';
import { exprOr, seconds } from './fields';

const issues = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : toValidationIssues(result.error.issues);
};

describe('exprOr', () => {
  const count = exprOr(z.number().int().min(0));

  it('accepts the schema’s value or text containing an expression', () => {
    expect(count.parse(3)).toBe(3);
    expect(count.parse('${parameters.count}')).toBe('${parameters.count}');
    expect(count.parse('prefix ${parameters.count}')).toBe('prefix ${parameters.count}');
  });

  it('re-validates the real value once expressions are resolved', () => {
    expect(issues(count, -1)).toEqual([{ path: [], message: 'Too small: expected number to be >=0' }]);
    expect(issues(count, '3')).toEqual([
      { path: [], message: 'Invalid input: expected number, received string (or a string containing a ${…} expression)' },
    ]);
  });

  it('keeps nested paths of the field’s own errors', () => {
    const list = exprOr(z.array(z.object({ value: z.string() })));
    expect(issues(list, [{ value: 'a' }, { value: 1 }])).toEqual([
      { path: [1, 'value'], message: 'Invalid input: expected string, received number' },
    ]);
  });

  it('keeps the field’s own message for enums', () => {
    expect(issues(exprOr(z.enum(['a', 'b'])), 'c')).toEqual([
      { path: [], message: 'Invalid option: expected one of "a"|"b" (or a string containing a ${…} expression)' },
    ]);
  });
});

describe('seconds', () => {
  it('accepts numbers and numeric text, as Spinnaker exports them', () => {
    expect(seconds.parse(30)).toBe(30);
    expect(seconds.parse(' 30 ')).toBe(30);
    expect(seconds.parse('1.5')).toBe(1.5);
    expect(seconds.safeParse(-1).success).toBe(false);
    expect(seconds.safeParse('soon').success).toBe(false);
  });
});
