import type { z } from 'zod';
import type { ValidationIssue } from './errors';
import { EXPRESSION_ALTERNATIVE } from './stages/fields';

type Path = (string | number)[];

/**
 * Zod issues as `ValidationIssue`s. Unions are opened up: zod reports a failed union as
 * "Invalid input" and keeps the useful reasons nested, which a person fixing JSON never sees.
 */
export function toValidationIssues(issues: readonly z.core.$ZodIssue[], base: Path = []): ValidationIssue[] {
  return issues.flatMap((issue) => convert(issue, [...base, ...issue.path.map(toSegment)]));
}

function convert(issue: z.core.$ZodIssue, path: Path): ValidationIssue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ path, message: issue.message }];
  const branches = issue.errors.filter((branch) => !branch.every((inner) => inner.message === EXPRESSION_ALTERNATIVE));
  const allowsExpression = branches.length < issue.errors.length;
  const [only] = branches;
  if (branches.length === 1 && only !== undefined) {
    return toValidationIssues(only, path).map((inner) =>
      allowsExpression && inner.path.length === path.length
        ? { ...inner, message: `${inner.message} (or ${EXPRESSION_ALTERNATIVE})` }
        : inner,
    );
  }
  const wrongType = wrongTypeMessage(branches);
  if (wrongType !== undefined) return [{ path, message: wrongType }];
  // Several shapes were possible: name each one's complaint about the value itself.
  const reasons = new Set(branches.flatMap((branch) => toValidationIssues(branch, path)).map(describe(path)));
  return [{ path, message: `none of the accepted shapes matches: ${[...reasons].join('; or ')}` }];
}

/** "expected string or boolean, received undefined" when every branch only disliked the type. */
function wrongTypeMessage(branches: readonly (readonly z.core.$ZodIssue[])[]): string | undefined {
  const expected: string[] = [];
  let received = '';
  for (const branch of branches) {
    const [only] = branch;
    if (branch.length !== 1 || only === undefined || only.code !== 'invalid_type' || only.path.length > 0) return undefined;
    expected.push(only.expected);
    received = /received (\S+)/.exec(only.message)?.[1] ?? received;
  }
  const unique = [...new Set(expected)];
  return `Invalid input: expected ${unique.join(' or ')}${received === '' ? '' : `, received ${received}`}`;
}

function describe(base: Path) {
  return (issue: ValidationIssue): string => {
    const inner = issue.path.slice(base.length);
    return inner.length === 0 ? issue.message : `${inner.join('.')}: ${issue.message}`;
  };
}

function toSegment(segment: PropertyKey): string | number {
  return typeof segment === 'number' ? segment : String(segment);
}
