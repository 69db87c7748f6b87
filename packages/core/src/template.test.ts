import { describe, expect, it } from 'vitest';
import { hasTemplateSyntax, scanTemplate, soleExpression } from './template';

function parts(text: string) {
  const scan = scanTemplate(text);
  if (!scan.ok) throw new Error(scan.error);
  return scan.parts;
}

describe('scanTemplate', () => {
  it('leaves text without expressions as one text part', () => {
    expect(parts('plain $ text {}')).toEqual([{ kind: 'text', text: 'plain $ text {}' }]);
    expect(hasTemplateSyntax('plain $ text {}')).toBe(false);
  });

  it('splits text and trimmed expressions', () => {
    expect(parts('v${ parameters.version }-${execution.id}!')).toEqual([
      { kind: 'text', text: 'v' },
      { kind: 'expression', source: 'parameters.version' },
      { kind: 'text', text: '-' },
      { kind: 'expression', source: 'execution.id' },
      { kind: 'text', text: '!' },
    ]);
  });

  it('matches nested braces of map literals', () => {
    expect(parts('${ {"a": {"b": 1}}.a.b } tail')).toEqual([
      { kind: 'expression', source: '{"a": {"b": 1}}.a.b' },
      { kind: 'text', text: ' tail' },
    ]);
  });

  it('ignores braces inside string literals, with escapes and all quote styles', () => {
    expect(parts('${"}"}')).toEqual([{ kind: 'expression', source: '"}"' }]);
    expect(parts("${'{' + \"\\\"}\"}")).toEqual([{ kind: 'expression', source: "'{' + \"\\\"}\"" }]);
    expect(parts('${"""}"""}')).toEqual([{ kind: 'expression', source: '"""}"""' }]);
    expect(parts('${r"\\"}')).toEqual([{ kind: 'expression', source: 'r"\\"' }]);
  });

  it('reports unterminated and empty expressions', () => {
    expect(scanTemplate('a ${parameters.x')).toEqual({
      ok: false,
      error: 'unterminated expression starting at "${parameters.x"',
    });
    expect(scanTemplate('${"}')).toMatchObject({ ok: false });
    expect(scanTemplate('x ${  } y')).toEqual({ ok: false, error: 'empty expression "${}"' });
  });
});

describe('soleExpression', () => {
  it('finds a string that is exactly one expression, whitespace allowed', () => {
    expect(soleExpression(parts('${a.b}'))).toBe('a.b');
    expect(soleExpression(parts('  ${ a.b }\n'))).toBe('a.b');
  });

  it('is undefined for templates with text or several expressions', () => {
    expect(soleExpression(parts('x${a}'))).toBeUndefined();
    expect(soleExpression(parts('${a}${b}'))).toBeUndefined();
    expect(soleExpression(parts('no expression'))).toBeUndefined();
  });
});
