import type { ExpressionLanguage } from './expressions';

/**
 * Splits a string into literal text and `${ … }` expression parts. Only the template syntax is
 * handled here; what an expression means is the evaluator's business (CEL or SpEL).
 */

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expression'; source: string };

export type TemplateScan = { ok: true; parts: TemplatePart[] } | { ok: false; error: string };

const OPEN = '${';

/** Whether the text contains anything that looks like the start of an expression. */
export function hasTemplateSyntax(text: string): boolean {
  return text.includes(OPEN);
}

/**
 * The parts of a template. String literals inside an expression are skipped as its language
 * writes them: CEL's have backslash escapes (and raw and triple-quoted forms), SpEL's only double
 * their quote (`'it''s'`), so a backslash before a SpEL quote is an ordinary character.
 */
export function scanTemplate(text: string, language: ExpressionLanguage = 'cel'): TemplateScan {
  const parts: TemplatePart[] = [];
  let cursor = 0;
  while (cursor < text.length) {
    const start = text.indexOf(OPEN, cursor);
    if (start === -1) break;
    if (start > cursor) parts.push({ kind: 'text', text: text.slice(cursor, start) });
    const bodyStart = start + OPEN.length;
    const end = findClosingBrace(text, bodyStart, language);
    if (end === -1) {
      return { ok: false, error: `unterminated expression starting at "${preview(text.slice(start))}"` };
    }
    const source = text.slice(bodyStart, end).trim();
    if (source === '') return { ok: false, error: 'empty expression "${}"' };
    parts.push({ kind: 'expression', source });
    cursor = end + 1;
  }
  if (cursor < text.length) parts.push({ kind: 'text', text: text.slice(cursor) });
  return { ok: true, parts };
}

/**
 * The single expression of a string that is nothing but one `${ … }` (surrounding whitespace
 * allowed), or undefined. Such a string takes the expression's type instead of becoming text.
 */
export function soleExpression(parts: readonly TemplatePart[]): string | undefined {
  const expressions = parts.filter((part) => part.kind === 'expression');
  const [only] = expressions;
  if (expressions.length !== 1 || only === undefined) return undefined;
  const textIsBlank = parts.every((part) => part.kind === 'expression' || part.text.trim() === '');
  return textIsBlank ? only.source : undefined;
}

/**
 * Index of the `}` that closes an expression whose body starts at `from`, or -1. Braces inside
 * string literals do not count, and map literals nest, so `${ {"a": "}"}.a }` works.
 */
function findClosingBrace(text: string, from: number, language: ExpressionLanguage): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      i = language === 'spel' ? skipSpelString(text, i) : skipStringLiteral(text, i);
      if (i === -1) return -1;
      continue;
    }
    if (ch === '{') depth += 1;
    if (ch === '}') {
      if (depth === 0) return i;
      depth -= 1;
    }
    i += 1;
  }
  return -1;
}

/** Index just past the string literal opening at `start`, or -1 when it never closes. */
function skipStringLiteral(text: string, start: number): number {
  const quote = text[start] ?? '"';
  // CEL raw strings (r"…", also with a bytes prefix) have no escapes, so a backslash is literal.
  const raw = /[rR]/.test(text[start - 1] ?? '') || /[rR][bB]|[bB][rR]/.test(text.slice(start - 2, start));
  const triple = text.startsWith(quote.repeat(3), start);
  const delimiter = triple ? quote.repeat(3) : quote;
  let i = start + delimiter.length;
  while (i < text.length) {
    if (!raw && text[i] === '\\') {
      i += 2;
      continue;
    }
    if (text.startsWith(delimiter, i)) return i + delimiter.length;
    i += 1;
  }
  return -1;
}

/** Index just past the SpEL string literal opening at `start` (a doubled quote scans as two literals), or -1. */
function skipSpelString(text: string, start: number): number {
  const end = text.indexOf(text[start] ?? "'", start + 1);
  return end === -1 ? -1 : end + 1;
}

function preview(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
