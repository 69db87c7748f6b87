import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError, type ValidationIssue } from './errors';
import { MAX_STAGES_PER_PIPELINE, parsePipelineDefinition, pipelineDefinitionSchema } from './pipeline';
import { registerStageType } from './stages/registry';
import { defineStageType } from './stages/StageType';
import { exprOr } from './stages/fields';

// A test-only stage type, registered the way plugins will.
const scanImageStage = defineStageType({
  type: 'scanImage',
  fields: z.looseObject({ image: exprOr(z.string()) }),
  tasks: () => ['scanImage'],
});

const unregister: (() => void)[] = [];
afterEach(() => {
  for (const undo of unregister.splice(0)) undo();
});
function withPluginTypes(): void {
  unregister.push(registerStageType(scanImageStage));
}

const designPipeline = {
  application: 'checkout',
  name: 'deploy-prod',
  parameters: [{ name: 'version', required: true }],
  triggers: [{ type: 'jenkins', master: 'ci', job: 'checkout-build' }],
  limitConcurrent: true,
  stages: [
    {
      refId: 'bake',
      type: 'bake',
      requisiteStageRefIds: [],
      account: 'aws-prod',
      region: 'us-east-1',
      package: 'checkout',
      version: '${parameters.version}',
      baseImage: 'ami-0abc',
    },
    {
      refId: 'deploy',
      type: 'deploy',
      requisiteStageRefIds: ['bake'],
      cluster: {
        account: 'aws-prod',
        region: 'us-east-1',
        application: 'checkout',
        stack: 'prod',
        // The first design example says redblack, which comes after highlander (see the test below).
        strategy: 'highlander',
        image: '${stages.bake.outputs.imageId}',
        capacity: { min: 2, max: 6, desired: 3 },
        maxRemainingServerGroups: 2,
      },
    },
  ],
};

function rejection(input: unknown): ValidationError {
  try {
    parsePipelineDefinition(input);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

function pipelineWith(stages: unknown[], extra: Record<string, unknown> = {}) {
  return { application: 'checkout', name: 'p', stages, ...extra };
}

const issue = (path: ValidationIssue['path'], message: string | RegExp) => ({
  path,
  message: typeof message === 'string' ? message : expect.stringMatching(message),
});

describe('parsePipelineDefinition', () => {
  it('parses the first design example pipeline and normalises it', () => {
    expect(parsePipelineDefinition(designPipeline)).toEqual({
      application: 'checkout',
      name: 'deploy-prod',
      expressionLanguage: 'cel',
      parameters: [{ name: 'version', required: true }],
      triggers: [{ type: 'jenkins', enabled: true, master: 'ci', job: 'checkout-build' }],
      limitConcurrent: true,
      keepWaitingPipelines: false,
      stages: [
        {
          ...designPipeline.stages[0],
          name: 'bake',
          failPipeline: true,
          continuePipeline: false,
          completeOtherBranchesThenFail: false,
        },
        {
          ...designPipeline.stages[1],
          name: 'deploy',
          failPipeline: true,
          continuePipeline: false,
          completeOtherBranchesThenFail: false,
        },
      ],
    });
  });

  it('applies defaults, coerces numeric refIds and parses type fields', () => {
    const parsed = parsePipelineDefinition(
      pipelineWith([
        { refId: 1, type: 'wait', waitTime: '30' },
        { refId: 2, type: 'webhook', name: 'Notify', url: 'https://x/y', requisiteStageRefIds: [1], failPipeline: false },
        { refId: '3', type: 'pipeline', application: 'other', pipeline: 'deploy', requisiteStageRefIds: null },
      ]),
    );
    expect(parsed.limitConcurrent).toBe(true);
    expect(parsed.keepWaitingPipelines).toBe(false);
    expect(parsed.parameters).toEqual([]);
    expect(parsed.triggers).toEqual([]);
    expect(parsed.stages).toEqual([
      expect.objectContaining({ refId: '1', name: 'wait', requisiteStageRefIds: [], waitTime: 30 }),
      expect.objectContaining({
        refId: '2',
        name: 'Notify',
        requisiteStageRefIds: ['1'],
        failPipeline: false,
        method: 'GET',
        waitForCompletion: false,
      }),
      expect.objectContaining({ refId: '3', requisiteStageRefIds: [], waitForCompletion: true }),
    ]);
  });

  it('normalises stageEnabled to {type: "expression", expression}', () => {
    const parsed = parsePipelineDefinition(
      pipelineWith([
        { refId: 'a', type: 'wait', waitTime: 1, stageEnabled: 'parameters.env == "prod"' },
        { refId: 'b', type: 'wait', waitTime: 1, stageEnabled: '${parameters.canary}' },
        { refId: 'c', type: 'wait', waitTime: 1, stageEnabled: { type: 'expression', expression: 'true', extra: 1 } },
      ]),
    );
    expect(parsed.stages.map((stage) => stage.stageEnabled)).toEqual([
      { type: 'expression', expression: 'parameters.env == "prod"' },
      { type: 'expression', expression: '${parameters.canary}' },
      { type: 'expression', expression: 'true' },
    ]);
  });

  it('keeps unknown keys on the pipeline, stages, parameters and triggers', () => {
    const parsed = parsePipelineDefinition(
      pipelineWith([{ refId: 'a', type: 'wait', waitTime: 1, comments: 'why', restrictExecutionDuringTimeWindow: false }], {
        spelEvaluator: 'v4',
        parameters: [{ name: 'x', pinned: true }],
        triggers: [{ type: 'cron', cronExpression: '0 0 * * *', enabled: false }],
      }),
    );
    expect(parsed.spelEvaluator).toBe('v4');
    expect(parsed.parameters[0]).toMatchObject({ pinned: true });
    expect(parsed.triggers[0]).toEqual({ type: 'cron', cronExpression: '0 0 * * *', enabled: false });
    expect(parsed.stages[0]).toMatchObject({ comments: 'why', restrictExecutionDuringTimeWindow: false });
  });

  it('is what zod returns for pipelineDefinitionSchema too', () => {
    const input = pipelineWith([{ refId: 'a', type: 'wait', waitTime: 1 }]);
    expect(pipelineDefinitionSchema.parse(input)).toEqual(parsePipelineDefinition(input));
  });

  it('consults the registry at call time', () => {
    const scanning = pipelineWith([{ refId: 'scan', type: 'scanImage', image: 'registry.local/app:1' }]);
    expect(rejection(scanning).issues).toEqual([
      issue(['stages', 0, 'type'], /^unknown stage type "scanImage" \(known types: wait, manualJudgment, checkPreconditions, evaluateVariables, webhook, pipeline, bake, /),
    ]);
    withPluginTypes();
    expect(parsePipelineDefinition(scanning).stages).toHaveLength(1);
  });

  it('refuses a deploy strategy Gantry cannot carry out, naming the supported ones', () => {
    const [bake, deploy] = designPipeline.stages;
    const custom = { ...designPipeline, stages: [bake, { ...deploy, cluster: { ...deploy!.cluster, strategy: 'custom' } }] };
    expect(rejection(custom).issues).toEqual([
      issue(['stages', 1, 'cluster', 'strategy'], /^unsupported strategy "custom": supported strategies are none, highlander, redblack, /),
    ]);
  });

  it(`refuses more than ${MAX_STAGES_PER_PIPELINE} stages, and accepts that many`, () => {
    const chain = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ refId: `s${i}`, type: 'wait', waitTime: 1, requisiteStageRefIds: i === 0 ? [] : [`s${i - 1}`] }));
    expect(rejection({ application: 'a', name: 'big', stages: chain(MAX_STAGES_PER_PIPELINE + 1) }).issues).toEqual([
      issue(['stages'], `a pipeline has at most ${MAX_STAGES_PER_PIPELINE} stages (split it into pipelines that trigger each other)`),
    ]);
    expect(parsePipelineDefinition({ application: 'a', name: 'big', stages: chain(MAX_STAGES_PER_PIPELINE) }).stages).toHaveLength(MAX_STAGES_PER_PIPELINE);
  });

  it('reports schema errors of the pipeline with zod-style paths', () => {
    const error = rejection({ application: 'check--out', name: '', parameters: [{ required: 'yes' }], triggers: [{}], stages: [] });
    expect(error.code).toBe('VALIDATION');
    expect(error.issues).toEqual([
      issue(['application'], 'expected an application name (lower-case letters and digits, starting with a letter, with single "-" between them)'),
      issue(['name'], /too small/i),
      issue(['parameters', 0, 'name'], /expected string/),
      issue(['parameters', 0, 'required'], /expected boolean/),
      issue(['triggers', 0, 'type'], /expected string/),
    ]);
    expect(rejection({ application: 'a', name: 'x'.repeat(201), stages: [{ refId: 'a', type: 'wait', waitTime: 1 }] }).issues).toEqual([
      issue(['name'], /too big/i),
    ]);
    expect(rejection('nope').issues).toEqual([issue([], /expected object/)]);
  });

  it('reads Spinnaker exports: stages without refId run in order, parameterConfig is parameters, application names in any case', () => {
    const parsed = parsePipelineDefinition({
      application: 'MyApp',
      name: 'old export',
      parameterConfig: [{ name: 'tag', default: 'latest', required: true, hasOptions: false, options: [{ value: '' }], pinned: true }],
      stages: [
        { type: 'wait', waitTime: 1 },
        { type: 'wait', waitTime: 2 },
        { type: 'wait', waitTime: 3, requisiteStageRefIds: ['1'] },
      ],
    });
    expect(parsed.application).toBe('myapp');
    expect(parsed.parameters).toEqual([expect.objectContaining({ name: 'tag', default: 'latest', required: true, pinned: true })]);
    expect(parsed.parameterConfig).toEqual(parsed.parameters);
    expect(parsed.stages.map((stage) => [stage.refId, stage.requisiteStageRefIds])).toEqual([
      ['1', []],
      ['2', ['1']],
      ['3', ['1']],
    ]);
    // Saved again (as stored, both lists present and equal) it reads the same.
    expect(parsePipelineDefinition(parsed)).toEqual(parsed);
  });

  it('refuses a pipeline where only some stages have a refId, and parameterConfig that disagrees with parameters', () => {
    const mixed = rejection(pipelineWith([{ refId: 'a', type: 'wait', waitTime: 1 }, { type: 'wait', waitTime: 1 }]));
    expect(mixed.issues).toEqual([issue(['stages', 1, 'refId'], /expected string/)]);
    const disagreeing = rejection(
      pipelineWith([{ refId: 'a', type: 'wait', waitTime: 1 }], { parameters: [{ name: 'a' }], parameterConfig: [{ name: 'b' }] }),
    );
    expect(disagreeing.issues).toEqual([issue(['parameterConfig'], /differs from parameters/)]);
  });

  it('accepts a pipeline without stages, as Spinnaker does', () => {
    expect(parsePipelineDefinition({ application: 'a', name: 'empty', stages: [] }).stages).toEqual([]);
  });

  it('rejects duplicate parameter names', () => {
    const error = rejection(
      pipelineWith([{ refId: 'a', type: 'wait', waitTime: 1 }], { parameters: [{ name: 'v' }, { name: 'w' }, { name: 'v' }] }),
    );
    expect(error.issues).toEqual([issue(['parameters', 2, 'name'], 'duplicate parameter name "v"')]);
  });

  it('reports type-field errors under the stage index', () => {
    const error = rejection(
      pipelineWith([
        { refId: 'a', type: 'wait', waitTime: 1 },
        { refId: 'b', type: 'wait' },
        { refId: 'c', type: 'wait', waitTime: -5 },
      ]),
    );
    expect(error.issues).toEqual([
      issue(['stages', 1, 'waitTime'], /expected number, received undefined/),
      issue(['stages', 2, 'waitTime'], 'Too small: expected number to be >=0'),
    ]);
  });

  it('reports common stage field errors', () => {
    const error = rejection(
      pipelineWith([
        {
          refId: '',
          type: 'wait',
          waitTime: 1,
          failPipeline: 'no',
          stageTimeoutMs: 0,
          requisiteStageRefIds: 'a',
          stageEnabled: { type: 'cron' },
        },
        { type: 'wait', waitTime: 1 },
      ]),
    );
    expect(error.issues.map((problem) => problem.path)).toEqual([
      ['stages', 0, 'refId'],
      ['stages', 0, 'requisiteStageRefIds'],
      ['stages', 0, 'failPipeline'],
      ['stages', 0, 'stageTimeoutMs'],
      ['stages', 0, 'stageEnabled'],
      ['stages', 1, 'refId'],
    ]);
    expect(error.issues[0]?.message).toBe('refId must not be empty');
  });

  it('reports duplicate refIds naming the id', () => {
    const error = rejection(
      pipelineWith([
        { refId: 'a', type: 'wait', waitTime: 1 },
        { refId: 1, type: 'wait', waitTime: 1 },
        { refId: '1', type: 'wait', waitTime: 1 },
      ]),
    );
    expect(error.issues).toEqual([issue(['stages', 2, 'refId'], 'duplicate refId "1" (also used by stages[1])')]);
  });

  it('reports unknown requisite refs naming them', () => {
    const error = rejection(
      pipelineWith([
        { refId: 'a', type: 'wait', waitTime: 1 },
        { refId: 'b', type: 'wait', waitTime: 1, requisiteStageRefIds: ['a', 'ghost'] },
      ]),
    );
    expect(error.issues).toEqual([
      issue(['stages', 1, 'requisiteStageRefIds', 1], 'stage "b" requires unknown stage refId "ghost"'),
    ]);
    expect(error.message).toBe('invalid pipeline: stages.1.requisiteStageRefIds.1: stage "b" requires unknown stage refId "ghost"');
  });

  it('reports cycles naming the ids on them', () => {
    const error = rejection(
      pipelineWith([
        { refId: 'a', type: 'wait', waitTime: 1, requisiteStageRefIds: ['c'] },
        { refId: 'b', type: 'wait', waitTime: 1, requisiteStageRefIds: ['a'] },
        { refId: 'c', type: 'wait', waitTime: 1, requisiteStageRefIds: ['b'] },
      ]),
    );
    expect(error.issues).toEqual([issue(['stages', 0, 'requisiteStageRefIds'], 'cycle: a -> b -> c -> a')]);
  });

  it('reports expression errors at save time where they sit', () => {
    const error = rejection(
      pipelineWith([
        {
          refId: 'a',
          type: 'webhook',
          url: 'https://${parameters.host',
          payload: { items: ['${parameter.version}'] },
          stageEnabled: 'parameters.env ==',
        },
      ]),
    );
    expect(error.issues).toEqual([
      issue(['stages', 0, 'url'], 'unterminated expression starting at "${parameters.host"'),
      issue(['stages', 0, 'payload', 'items', 0], 'invalid expression "${parameter.version}": Unknown variable: parameter'),
      issue(['stages', 0, 'stageEnabled'], 'invalid expression "parameters.env ==": Unexpected token: EOF'),
    ]);
  });

  it('lists every problem at once, even when stages are broken', () => {
    const error = rejection({
      application: 'checkout',
      name: 'p',
      parameters: [{ name: 'v' }, { name: 'v' }],
      stages: [
        { refId: 'a', type: 'teleport', requisiteStageRefIds: ['b'] },
        { refId: 'b', type: 'wait', waitTime: 'soon', requisiteStageRefIds: ['a', 'zzz'] },
        { refId: 'b', type: 'webhook' },
        { refId: true, type: 'wait', waitTime: 1 },
      ],
    });
    expect(error.issues).toEqual(
      expect.arrayContaining([
        issue(['parameters', 1, 'name'], 'duplicate parameter name "v"'),
        issue(['stages', 0, 'type'], /unknown stage type "teleport"/),
        issue(['stages', 1, 'waitTime'], /expected number, received string/),
        issue(['stages', 2, 'url'], /expected string, received undefined/),
        issue(['stages', 3, 'refId'], /expected string or number/),
        issue(['stages', 2, 'refId'], 'duplicate refId "b" (also used by stages[1])'),
        issue(['stages', 1, 'requisiteStageRefIds', 1], 'stage "b" requires unknown stage refId "zzz"'),
        issue(['stages', 0, 'requisiteStageRefIds'], 'cycle: a -> b -> a'),
      ]),
    );
    expect(error.issues).toHaveLength(8);
    expect(error.message).toMatch(/^invalid pipeline: .+ \(and 5 more\)$/);
  });
});
