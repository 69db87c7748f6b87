import { describe, expect, it } from 'vitest';
import { evaluateVariablesStage } from './evaluateVariables';
import { check } from './testSupport';

describe('evaluateVariables stage', () => {
  it('plans evaluateVariables and keeps values of any type', () => {
    const variables = [
      { key: 'imageId', value: '${stages.bake.outputs.imageId}', description: 'the baked image' },
      { key: 'replicas', value: 3 },
      { key: '_config', value: { a: [1, 2] } },
    ];
    expect(check(evaluateVariablesStage, { variables })).toEqual({
      ok: true,
      data: { variables },
      tasks: ['evaluateVariables'],
    });
  });

  it('requires identifier keys', () => {
    expect(check(evaluateVariablesStage, { variables: [{ key: 'ok', value: 1 }, { key: 'my-var', value: 2 }] })).toEqual({
      ok: false,
      issues: [{ path: ['variables', 1, 'key'], message: 'expected an identifier ([A-Za-z_][A-Za-z0-9_]*)' }],
    });
    expect(check(evaluateVariablesStage, {})).toMatchObject({ ok: false, issues: [{ path: ['variables'] }] });
  });
});
