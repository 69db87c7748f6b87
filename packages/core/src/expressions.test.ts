import { describe, expect, it } from 'vitest';
import {
  ExpressionError,
  evaluateExpression,
  formatPath,
  isExpressionTrue,
  resolveExpressions,
  type ExpressionScope,
} from './expressions';

const scope: ExpressionScope = {
  trigger: { type: 'jenkins', buildInfo: { number: 42, url: 'https://ci/job/42' } },
  parameters: { count: 3, ratio: 1.5, version: '1.2.3', env: 'prod', canary: true, regions: ['us-east-1', 'eu-west-1'] },
  execution: { id: 'exec-1', application: 'checkout' },
  stages: {
    bake: { status: 'SUCCEEDED', outputs: { imageId: 'ami-123', tags: { team: 'pay' } } },
    'my-stage': { status: 'TERMINAL', outputs: { x: 7 } },
  },
};

function failure(run: () => unknown): ExpressionError {
  try {
    run();
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error('expected an ExpressionError');
}

describe('evaluateExpression', () => {
  it('evaluates over trigger, parameters, execution and stages', () => {
    expect(evaluateExpression('trigger.buildInfo.number', scope)).toBe(42);
    expect(evaluateExpression('parameters.version', scope)).toBe('1.2.3');
    expect(evaluateExpression('execution.id', scope)).toBe('exec-1');
    expect(evaluateExpression('stages.bake.outputs.imageId', scope)).toBe('ami-123');
    expect(evaluateExpression('stages.bake.status == "SUCCEEDED"', scope)).toBe(true);
  });

  it('does int arithmetic on JSON whole numbers and returns plain numbers', () => {
    expect(evaluateExpression('parameters.count + 1', scope)).toBe(4);
    expect(evaluateExpression('parameters.count * 2 > 5', scope)).toBe(true);
    expect(evaluateExpression('parameters.ratio * 2.0', scope)).toBe(3);
  });

  it('indexes refIds that are not identifiers', () => {
    expect(evaluateExpression('stages["my-stage"].outputs.x', scope)).toBe(7);
    expect(evaluateExpression('stages["my-stage"].status', scope)).toBe('TERMINAL');
  });

  it('supports size(), the ternary operator, has() and macros', () => {
    expect(evaluateExpression('size(parameters.regions)', scope)).toBe(2);
    expect(evaluateExpression('parameters.regions.size()', scope)).toBe(2);
    expect(evaluateExpression('parameters.canary ? "canary" : "full"', scope)).toBe('canary');
    expect(evaluateExpression('has(stages.bake.outputs.imageId)', scope)).toBe(true);
    expect(evaluateExpression('has(stages.bake.outputs.missing)', scope)).toBe(false);
    expect(evaluateExpression('has(stages.deploy)', scope)).toBe(false);
    expect(evaluateExpression('parameters.regions.exists(r, r.startsWith("eu-"))', scope)).toBe(true);
    expect(evaluateExpression('parameters.regions.map(r, r + "!")', scope)).toEqual(['us-east-1!', 'eu-west-1!']);
  });

  it('returns maps and lists as JSON data', () => {
    expect(evaluateExpression('{"min": parameters.count, "tags": [1, 2]}', scope)).toEqual({ min: 3, tags: [1, 2] });
    expect(evaluateExpression('stages.bake.outputs.tags', scope)).toEqual({ team: 'pay' });
  });

  it('fails with the expression and the library reason', () => {
    const missingKey = failure(() => evaluateExpression('stages.bake.outputs.nope', scope));
    expect(missingKey.expression).toBe('stages.bake.outputs.nope');
    expect(missingKey.reason).toBe('No such key: nope');
    expect(missingKey.message).toBe('expression "${stages.bake.outputs.nope}" failed: No such key: nope');

    expect(failure(() => evaluateExpression('parameter.x', scope)).reason).toBe('Unknown variable: parameter');
    expect(failure(() => evaluateExpression('1 +', scope)).reason).toBe('Unexpected token: EOF');
    expect(failure(() => evaluateExpression('parameters.version + 1', scope)).reason).toBe(
      'no such overload: dyn<string> + int',
    );
    expect(failure(() => evaluateExpression('parameters.count / 0', scope)).reason).toBe('division by zero');
  });
});

describe('resolveExpressions', () => {
  it('keeps the type of a string that is exactly one expression', () => {
    expect(resolveExpressions('${parameters.count}', scope)).toBe(3);
    expect(resolveExpressions('  ${ parameters.canary }  ', scope)).toBe(true);
    expect(resolveExpressions('${parameters.regions}', scope)).toEqual(['us-east-1', 'eu-west-1']);
    expect(resolveExpressions('${ {"a": 1}.a }', scope)).toBe(1);
    expect(resolveExpressions('${stages.bake.outputs.tags}', scope)).toEqual({ team: 'pay' });
  });

  it('writes results into templates, lists and maps as JSON', () => {
    expect(resolveExpressions('v${parameters.version}-${trigger.buildInfo.number}', scope)).toBe('v1.2.3-42');
    expect(resolveExpressions('regions=${parameters.regions} tags=${stages.bake.outputs.tags}', scope)).toBe(
      'regions=["us-east-1","eu-west-1"] tags={"team":"pay"}',
    );
    expect(resolveExpressions('canary: ${parameters.canary}, ratio ${parameters.ratio}', scope)).toBe(
      'canary: true, ratio 1.5',
    );
    expect(resolveExpressions('brace ${"}"} and ${ {"k": "}"}.k }', scope)).toBe('brace } and }');
  });

  it('walks nested objects and arrays and leaves keys and non-strings alone', () => {
    const input = {
      '${parameters.env}': 'key stays',
      cluster: {
        image: '${stages.bake.outputs.imageId}',
        capacity: { min: '${parameters.count}', max: 6 },
        regions: ['${parameters.regions[0]}', 'static'],
      },
      enabled: false,
      nothing: null,
    };
    expect(resolveExpressions(input, scope)).toEqual({
      '${parameters.env}': 'key stays',
      cluster: { image: 'ami-123', capacity: { min: 3, max: 6 }, regions: ['us-east-1', 'static'] },
      enabled: false,
      nothing: null,
    });
    expect(input.cluster.image).toBe('${stages.bake.outputs.imageId}');
  });

  it('reports the expression, the reason and where it sits', () => {
    const error = failure(() =>
      resolveExpressions({ cluster: { image: 'img-${stages.bake.outputs.imageId2}' } }, scope),
    );
    expect(error.expression).toBe('stages.bake.outputs.imageId2');
    expect(error.reason).toBe('No such key: imageId2');
    expect(error.path).toEqual(['cluster', 'image']);
    expect(error.message).toBe(
      'expression "${stages.bake.outputs.imageId2}" failed: No such key: imageId2 (at cluster.image)',
    );

    const unknownStage = failure(() => resolveExpressions(['${stages.deploy.outputs.x}'], scope));
    expect(unknownStage.reason).toBe('No such key: deploy');
    expect(unknownStage.path).toEqual([0]);
  });

  it('fails on a template that does not scan', () => {
    const error = failure(() => resolveExpressions({ a: 'x ${parameters.count' }, scope));
    expect(error.reason).toMatch(/unterminated expression/);
    expect(error.path).toEqual(['a']);
  });
});

describe('isExpressionTrue', () => {
  it('accepts bare CEL and ${}-wrapped CEL', () => {
    expect(isExpressionTrue('parameters.env == "prod"', scope)).toBe(true);
    expect(isExpressionTrue('${parameters.env == "dev"}', scope)).toBe(false);
    expect(isExpressionTrue(' ${ parameters.canary } ', scope)).toBe(true);
  });

  it('accepts the text "true"/"false" left by a template', () => {
    expect(isExpressionTrue('${parameters.canary}\n', scope)).toBe(true);
    expect(isExpressionTrue('${"fal"}se', scope)).toBe(false);
  });

  it('rejects results that are not bools', () => {
    const error = failure(() => isExpressionTrue('${parameters.count}', scope));
    expect(error.expression).toBe('parameters.count');
    expect(error.reason).toBe('expected a bool, got number 3');
    expect(failure(() => isExpressionTrue('parameters.env', scope)).reason).toBe('expected a bool, got string "prod"');
  });

  it('reports evaluation errors as ExpressionError', () => {
    expect(failure(() => isExpressionTrue('stages.nope.status == "SUCCEEDED"', scope)).reason).toBe('No such key: nope');
  });
});

describe('formatPath', () => {
  it('writes paths the way people read documents', () => {
    expect(formatPath(['stages', 2, 'cluster', 'my-key'])).toBe('stages[2].cluster["my-key"]');
  });
});
