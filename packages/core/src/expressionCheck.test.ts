import { describe, expect, it } from 'vitest';
import { conditionIssues, expressionIssues } from './expressionCheck';

describe('expressionIssues', () => {
  it('accepts well-formed expressions over the known variables', () => {
    expect(
      expressionIssues(
        {
          a: '${parameters.x + 1}',
          b: ['img-${stages["my-stage"].outputs.id}', 5, null],
          c: { d: '${has(trigger.buildInfo) ? trigger.buildInfo.number : 0}' },
          plain: 'no expressions, $ and {} are fine',
        },
        [],
      ),
    ).toEqual([]);
  });

  it('reports syntax errors, unknown variables and functions where they sit', () => {
    expect(
      expressionIssues({ a: '${1 +}', b: ['ok', '${parameter.version}'], c: { d: 'x ${nope(1)}' } }, ['stages', 0]),
    ).toEqual([
      { path: ['stages', 0, 'a'], message: 'invalid expression "${1 +}": Unexpected token: EOF' },
      {
        path: ['stages', 0, 'b', 1],
        message: 'invalid expression "${parameter.version}": Unknown variable: parameter',
      },
      {
        path: ['stages', 0, 'c', 'd'],
        message: "invalid expression \"${nope(1)}\": found no matching overload for 'nope(int)'",
      },
    ]);
  });

  it('reports templates that do not scan', () => {
    expect(expressionIssues('${parameters.x', ['p'])).toEqual([
      { path: ['p'], message: 'unterminated expression starting at "${parameters.x"' },
    ]);
  });

  it('rejects what cel-js always rejects at run time, like mixed ternary branches', () => {
    expect(expressionIssues('${parameters.flag ? 1 : "one"}', [])).toHaveLength(1);
    expect(expressionIssues('${parameters.flag ? dyn(1) : dyn("one")}', [])).toEqual([]);
  });
});

describe('conditionIssues', () => {
  it('checks bare and wrapped conditions', () => {
    expect(conditionIssues('parameters.env == "prod"', ['stageEnabled'])).toEqual([]);
    expect(conditionIssues('${parameters.env == "prod"}', ['stageEnabled'])).toEqual([]);
    expect(conditionIssues('parameters.env ==', ['stageEnabled'])).toEqual([
      { path: ['stageEnabled'], message: 'invalid expression "parameters.env ==": Unexpected token: EOF' },
    ]);
  });
});
