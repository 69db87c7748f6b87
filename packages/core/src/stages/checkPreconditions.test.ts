import { describe, expect, it } from 'vitest';
import { checkPreconditionsStage } from './checkPreconditions';
import { check } from './testSupport';

describe('checkPreconditions stage', () => {
  it('plans checkPreconditions and defaults failPipeline to true', () => {
    const result = check(checkPreconditionsStage, {
      preconditions: [
        { type: 'expression', context: { expression: '${parameters.env == "prod"}', failureMessage: 'not prod' } },
        { type: 'expression', context: { expression: true }, failPipeline: false },
        { type: 'stageStatus', context: { stageRefId: 'bake', stageStatus: 'SUCCEEDED' } },
        { type: 'stageStatus', context: { stageName: 'Bake', stageStatus: ['SUCCEEDED', 'FAILED_CONTINUE'] } },
      ],
    });
    expect(result).toMatchObject({
      ok: true,
      tasks: ['checkPreconditions'],
      data: {
        preconditions: [
          { failPipeline: true, context: { failureMessage: 'not prod' } },
          { failPipeline: false, context: { expression: true } },
          { failPipeline: true, context: { stageRefId: 'bake' } },
          { failPipeline: true, context: { stageStatus: ['SUCCEEDED', 'FAILED_CONTINUE'] } },
        ],
      },
    });
  });

  it('requires the preconditions list', () => {
    expect(check(checkPreconditionsStage, {})).toMatchObject({ ok: false, issues: [{ path: ['preconditions'] }] });
  });

  it('names the broken precondition and field', () => {
    const result = check(checkPreconditionsStage, {
      preconditions: [
        { type: 'expression', context: {} },
        { type: 'instanceCount', context: {} },
        { type: 'stageStatus', context: { stageStatus: 'SUCCEEDED' } },
        { type: 'stageStatus', context: { stageRefId: 'a' } },
      ],
    });
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          path: ['preconditions', 0, 'context', 'expression'],
          message: 'Invalid input: expected string or boolean, received undefined',
        },
        { path: ['preconditions', 1, 'type'], message: "Invalid discriminator value. Expected 'expression' | 'stageStatus' | 'clusterSize'" },
        { path: ['preconditions', 2, 'context', 'stageRefId'], message: 'stageRefId (or stageName) is required' },
        {
          path: ['preconditions', 3, 'context', 'stageStatus'],
          message: 'Invalid input: expected string or array, received undefined (or a string containing a ${…} expression)',
        },
      ],
    });
  });

  it("accepts Spinnaker's clusterSize, with Deck's defaults (== 1) and numbers as text", () => {
    const clusterSize = { type: 'clusterSize', context: { credentials: 'k8s', cluster: 'shop-prod', regions: ['ns1'], expected: '2' } };
    expect(check(checkPreconditionsStage, { preconditions: [clusterSize] })).toMatchObject({
      ok: true,
      data: { preconditions: [{ context: { comparison: '==', expected: 2, onlyEnabledServerGroups: false } }] },
    });
    expect(check(checkPreconditionsStage, { preconditions: [{ type: 'clusterSize', context: { credentials: 'k8s', cluster: 'shop', comparison: '!=' } }] })).toMatchObject({
      ok: false,
      issues: [{ path: ['preconditions', 0, 'context', 'comparison'], message: 'one of < <= == >= > (or a string containing a ${…} expression)' }],
    });
    expect(check(checkPreconditionsStage, { preconditions: [{ type: 'clusterSize', context: { cluster: 'shop' } }] })).toMatchObject({
      ok: false,
      issues: [{ path: ['preconditions', 0, 'context', 'credentials'] }],
    });
  });
});
