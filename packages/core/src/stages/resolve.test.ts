import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { ExpressionError, type ExpressionScope } from '../expressions';
import { parsePipelineDefinition, type StageDefinition } from '../pipeline';
import { resolveStage } from './resolve';

const scope: ExpressionScope = {
  trigger: {},
  parameters: { delay: 30, method: 'post', host: 'ci.example.com', wait: true, bad: -1 },
  execution: { id: 'e-1' },
  stages: { 'first-stage': { status: 'SUCCEEDED', outputs: { token: 't0k' } } },
};

function stage(fields: Record<string, unknown>): StageDefinition {
  const [parsed] = parsePipelineDefinition({ application: 'app', name: 'p', stages: [{ refId: 'x', ...fields }] }).stages;
  if (parsed === undefined) throw new Error('no stage');
  return parsed;
}

describe('resolveStage', () => {
  it('resolves expressions and re-validates with real values', () => {
    const resolved = resolveStage(
      stage({
        type: 'webhook',
        name: 'Call ${parameters.host}',
        url: 'https://${parameters.host}/build',
        method: '${parameters.method}',
        customHeaders: { Authorization: 'Bearer ${stages["first-stage"].outputs.token}' },
        waitForCompletion: '${parameters.wait}',
        statusJsonPath: '$.state',
        pollInterval: '${parameters.delay}',
        stageEnabled: '${parameters.wait}',
      }),
      scope,
    );
    expect(resolved).toMatchObject({
      refId: 'x',
      name: 'Call ci.example.com',
      url: 'https://ci.example.com/build',
      method: 'POST',
      customHeaders: { Authorization: 'Bearer t0k' },
      waitForCompletion: true,
      pollInterval: 30,
      stageEnabled: { type: 'expression', expression: '${parameters.wait}' },
    });
  });

  it('fails with a ValidationError when a resolved value breaks the schema', () => {
    const waiting = stage({ type: 'wait', waitTime: '${parameters.bad}' });
    expect(() => resolveStage(waiting, scope)).toThrow(ValidationError);
    try {
      resolveStage(waiting, scope);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual([
        { path: ['waitTime'], message: 'Too small: expected number to be >=0' },
      ]);
      expect((error as ValidationError).message).toBe(
        'stage "x" is invalid after resolving expressions: waitTime: Too small: expected number to be >=0',
      );
    }
  });

  it('fails with an ExpressionError when an expression cannot be evaluated', () => {
    expect(() => resolveStage(stage({ type: 'wait', waitTime: '${parameters.missing}' }), scope)).toThrow(ExpressionError);
  });
});
