import { celProblem } from './cel';
import { isPlainObject } from './celValues';
import type { ValidationIssue } from './errors';
import type { ExpressionLanguage, ValuePath } from './expressions';
import { spelProblem } from './spel';
import { hasTemplateSyntax, scanTemplate } from './template';

/**
 * Save-time check of every `${ … }` in a value: a template that does not scan or an expression
 * that can never evaluate (syntax, unknown variable or function) is reported where it sits,
 * instead of failing a stage hours into an execution.
 */
export function expressionIssues(value: unknown, path: ValuePath, language: ExpressionLanguage = 'cel'): ValidationIssue[] {
  if (typeof value === 'string') return templateIssues(value, path, language);
  if (Array.isArray(value)) return value.flatMap((item, index) => expressionIssues(item, [...path, index], language));
  if (isPlainObject(value)) {
    return Object.entries(value).flatMap(([key, item]) => expressionIssues(item, [...path, key], language));
  }
  return [];
}

/** Same check for a condition (`stageEnabled`) that may also be written bare. */
export function conditionIssues(source: string, path: ValuePath, language: ExpressionLanguage = 'cel'): ValidationIssue[] {
  if (hasTemplateSyntax(source)) return templateIssues(source, path, language);
  const problem = expressionProblem(source, language);
  return problem === undefined ? [] : [{ path, message: `${invalid(language)} "${source.trim()}": ${problem}` }];
}

/** Why a bare expression can never evaluate in the language, or undefined. */
export function expressionProblem(source: string, language: ExpressionLanguage): string | undefined {
  return language === 'spel' ? spelProblem(source) : celProblem(source);
}

function templateIssues(text: string, path: ValuePath, language: ExpressionLanguage): ValidationIssue[] {
  if (!hasTemplateSyntax(text)) return [];
  const scan = scanTemplate(text, language);
  if (!scan.ok) return [{ path, message: scan.error }];
  return scan.parts.flatMap((part) => {
    if (part.kind === 'text') return [];
    const problem = expressionProblem(part.source, language);
    return problem === undefined ? [] : [{ path, message: `${invalid(language)} "\${${part.source}}": ${problem}` }];
  });
}

function invalid(language: ExpressionLanguage): string {
  return language === 'spel' ? 'invalid SpEL expression' : 'invalid expression';
}
