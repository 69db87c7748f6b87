import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors';
import { detectExpressionLanguage } from './expressionLanguage';
import { parsePipelineDefinition } from './pipeline';

function pipeline(stages: unknown[], extra: Record<string, unknown> = {}) {
  return { application: 'myapp', name: 'deploy', stages, ...extra };
}

function issuesOf(input: unknown) {
  try {
    parsePipelineDefinition(input);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected the pipeline to be refused');
}

describe('the expression language of a pipeline', () => {
  it('stays CEL for pipelines written for Gantry, and is stored', () => {
    const cel = pipeline([{ refId: 'w', type: 'wait', waitTime: '${parameters.seconds * 2}', stageEnabled: 'parameters.env == "prod"' }], {
      limitConcurrent: false,
      keepWaitingPipelines: true,
    });
    expect(parsePipelineDefinition(cel).expressionLanguage).toBe('cel');
  });

  it('is SpEL when the document carries a field only Spinnaker writes', () => {
    expect(detectExpressionLanguage(pipeline([], { parameterConfig: [] }))).toBe('spel');
    expect(detectExpressionLanguage(pipeline([], { spelEvaluator: 'v4' }))).toBe('spel');
    expect(detectExpressionLanguage(pipeline([], { expectedArtifacts: [], lastModifiedBy: 'anna' }))).toBe('spel');
  });

  it('is SpEL when an expression is SpEL and not CEL syntax', () => {
    const spel = pipeline([{ refId: '1', type: 'wait', waitTime: "${#toInt(#stage('Bake').outputs.seconds)}" }]);
    expect(parsePipelineDefinition(spel).expressionLanguage).toBe('spel');
    expect(detectExpressionLanguage(pipeline([{ refId: '1', type: 'wait', waitTime: 1, stageEnabled: { type: 'expression', expression: "parameters.env ?: 'dev' == 'prod'" } }]))).toBe('spel');
    expect(detectExpressionLanguage(pipeline([{ refId: '1', type: 'wait', waitTime: '${execution.stages.?[type == "bake"].size()}' }]))).toBe('spel');
  });

  it('keeps an explicit choice, checking the expressions in it', () => {
    const explicit = pipeline([{ refId: '1', type: 'wait', waitTime: "${#stage('Bake').outputs.seconds}" }], { expressionLanguage: 'cel' });
    expect(issuesOf(explicit)).toEqual([{ path: ['stages', 0, 'waitTime'], message: expect.stringMatching(/^invalid expression "\$\{#stage\('Bake'\)\.outputs\.seconds\}": /) }]);
    expect(parsePipelineDefinition(pipeline([{ refId: '1', type: 'wait', waitTime: '${seconds}' }], { expressionLanguage: 'spel' })).expressionLanguage).toBe('spel');
  });

  it('reports a bad SpEL expression at save time with its path', () => {
    const broken = pipeline(
      [
        { refId: '1', type: 'wait', waitTime: "${#stage('Bake'.outputs.seconds}" },
        { refId: '2', type: 'evaluateVariables', variables: [{ key: 'x', value: '${#nope(1)}' }], stageEnabled: { type: 'expression', expression: 'trigger.tag = 1' } },
        { refId: '3', type: 'wait', waitTime: "${T(java.lang.Runtime).getRuntime().exec('id')}" },
      ],
      { parameterConfig: [] },
    );
    expect(issuesOf(broken)).toEqual([
      { path: ['stages', 0, 'waitTime'], message: expect.stringMatching(/^invalid SpEL expression "\$\{#stage\('Bake'\.outputs\.seconds\}": expected "\)"/) },
      { path: ['stages', 1, 'variables', 0, 'value'], message: expect.stringMatching(/^invalid SpEL expression "\$\{#nope\(1\)\}": unknown function #nope\(\)/) },
      { path: ['stages', 1, 'stageEnabled'], message: expect.stringMatching(/assignment is not allowed/) },
      { path: ['stages', 2, 'waitTime'], message: expect.stringMatching(/T\(java\.lang\.Runtime\) is not allowed/) },
    ]);
  });

  it("checks a SpEL pipeline's bare precondition expressions as orca reads them: as if in ${…}", () => {
    const preconditions = (expression: string) => pipeline([{ refId: '1', type: 'checkPreconditions', preconditions: [{ type: 'expression', context: { expression } }] }], { parameterConfig: [] });
    expect(parsePipelineDefinition(preconditions("#stage('Bake').status == 'SUCCEEDED'")).expressionLanguage).toBe('spel');
    expect(issuesOf(preconditions("#stage('Bake'.status"))).toEqual([
      { path: ['stages', 0, 'preconditions', 0, 'context', 'expression'], message: expect.stringMatching(/^invalid SpEL expression "\$\{#stage\('Bake'\.status\}": expected "\)"/) },
    ]);
  });

  it('scans SpEL strings as SpEL writes them: a doubled quote, no backslash escapes', () => {
    const quoted = pipeline([{ refId: '1', type: 'wait', waitTime: 5, comments: "${'it''s' + ' C:\\' + '}'}" }], { expressionLanguage: 'spel' });
    expect(parsePipelineDefinition(quoted).stages[0]?.comments).toBe("${'it''s' + ' C:\\' + '}'}");
  });
});
