import { celProblem } from './cel';
import { isPlainObject } from './celValues';
import type { ValidationIssue } from './errors';
import type { ValuePath } from './expressions';
import { hasTemplateSyntax, scanTemplate } from './template';

/**
 * Save-time check of every `${ … }` in a value: a template that does not scan or an expression
 * that can never evaluate (syntax, unknown variable or function) is reported where it sits,
 * instead of failing a stage hours into an execution.
 */
export function expressionIssues(value: unknown, path: ValuePath): ValidationIssue[] {
  if (typeof value === 'string') return templateIssues(value, path);
  if (Array.isArray(value)) return value.flatMap((item, index) => expressionIssues(item, [...path, index]));
  if (isPlainObject(value)) {
    return Object.entries(value).flatMap(([key, item]) => expressionIssues(item, [...path, key]));
  }
  return [];
}

/** Same check for a condition (`stageEnabled`) that may also be written as bare CEL. */
export function conditionIssues(source: string, path: ValuePath): ValidationIssue[] {
  if (hasTemplateSyntax(source)) return templateIssues(source, path);
  const problem = celProblem(source);
  return problem === undefined ? [] : [{ path, message: `invalid expression "${source.trim()}": ${problem}` }];
}

function templateIssues(text: string, path: ValuePath): ValidationIssue[] {
  if (!hasTemplateSyntax(text)) return [];
  const scan = scanTemplate(text);
  if (!scan.ok) return [{ path, message: scan.error }];
  return scan.parts.flatMap((part) => {
    if (part.kind === 'text') return [];
    const problem = celProblem(part.source);
    return problem === undefined ? [] : [{ path, message: `invalid expression "\${${part.source}}": ${problem}` }];
  });
}
